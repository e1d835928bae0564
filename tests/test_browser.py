"""The page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Screenshots go to pytest's tmp folder; docs/screenshots/{student,kiosk}.png are written only when
they are missing or UPDATE_SCREENSHOTS=1 is set. Never waits for `networkidle`, which a Gradio
page never reaches: it waits for elements instead.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from test_app import REFUSED, TROTSKY, Slow, serve

from assistant.feedback import read_feedback
from assistant.web.page import create_app

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parents[1] / "docs" / "screenshots"
QUOTE = "Leon Trotsky (murdered in 1940) was rehabilitated on 16 June 2001 by Russia."
XSS = "<img src=x onerror=window.__xss=1> <script>window.__xss=2</script> When was Leon Trotsky rehabilitated?"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WAIT = 60_000  # ms; a shared two-core machine can be slow, the page is not

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),  # pandas notes in Gradio's own local event stats
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (`make browser`)"),
]


@pytest.fixture(scope="module")
def assistant(seed_settings):
    from assistant import Assistant

    return Assistant.load(seed_settings.index_dir, seed_settings)


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright", reason="needs the dev extra (playwright)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


def launched(assistant, settings):
    app = create_app(assistant, settings)
    return app, serve(app, settings)


@pytest.fixture(scope="module")
def student(assistant, seed_settings, tmp_path_factory):
    settings = seed_settings.with_overrides(feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl")
    app, url = launched(Slow(assistant), settings)  # the real assistant, failing on "explode"
    yield url, settings
    app.close()


@pytest.fixture(scope="module")
def kiosk(assistant, seed_settings, tmp_path_factory):
    settings = seed_settings.with_overrides(kiosk=True, feedback_path=tmp_path_factory.mktemp("fbk") / "feedback.jsonl")
    app, url = launched(assistant, settings)
    yield url, settings
    app.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    p = context.new_page()
    p.set_default_timeout(WAIT)
    yield p
    context.close()


def ask(page, question: str) -> None:
    """Type a question, press Enter, and wait for its answer to appear in the chat."""
    before = page.locator('#chat [data-testid="bot"]').count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#chat [data-testid=\"bot\"]').length > {before}")


def last_answer(page):
    return page.locator('#chat [data-testid="bot"]').last


def save_screenshot(page, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot in tmp_path; also docs/screenshots/<name> when missing or asked for."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    target = SCREENSHOTS / name
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(small_png(shot.read_bytes()))
    return shot


def small_png(data: bytes) -> bytes:
    """The screenshot with a 128-colour palette: a fraction of the size, text still crisp."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, "PNG", optimize=True
    )
    return out.getvalue()


def test_student_asks_and_reads_the_cited_source(page, student, tmp_path):
    url, settings = student
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(url)
    page.locator("#question textarea").wait_for()
    ask(page, TROTSKY)

    answer = last_answer(page)
    assert "[1]" in answer.inner_text() and "16 June 2001" in answer.inner_text()
    mark = page.locator("#sources mark.quote").first
    mark.wait_for()
    assert mark.inner_text() == QUOTE
    card = page.locator("#sources .source-card").first
    assert "Rehabilitation (Soviet)" in card.inner_text() and "Perestroika and post-Soviet states" in card.inner_text()

    # read the whole document, opened and scrolled to the quote
    card.locator(".read-button").click()
    doc_mark = page.locator("#doc-view #doc-quote")
    doc_mark.wait_for(state="visible")
    assert doc_mark.inner_text() == QUOTE
    page.wait_for_function(
        "(() => { const box = document.querySelector('#doc-view .doc-text'), m = document.querySelector('#doc-quote');"
        " const b = box.getBoundingClientRect(), r = m.getBoundingClientRect();"
        " return box.scrollTop > 0 && r.top >= b.top && r.bottom <= b.bottom; })()"
    )
    assert "Another wave of rehabilitations" in page.locator("#doc-view .doc-text").inner_text()

    # copying the answer copies its citations too
    answer.locator("xpath=ancestor::div[contains(@class,'message-row')]/following-sibling::div[1]").locator(
        'button[aria-label="Copy message"]'
    ).click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "[1]" in copied and "Sources:" in copied and "Rehabilitation (Soviet) — Perestroika" in copied

    # a like is recorded with the question, the answer and its citations
    page.locator('#chat button[aria-label="Like"]').last.click()
    deadline = time.monotonic() + 30
    while not read_feedback(settings.feedback_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    (record,) = read_feedback(settings.feedback_path)
    assert record["verdict"] == "like" and record["question"] == TROTSKY
    assert record["citations"][0]["quote"] == QUOTE and "16 June 2001" in record["answer"]

    # a follow-up is read with the conversation before it
    ask(page, "Who advised Khrushchev on rehabilitations?")
    ask(page, "What did he denounce in 1956?")
    assert "denounced Stalin" in last_answer(page).inner_text()
    # two quotes from one passage share a card
    ask(page, "What happened to the Crimean Tatars?")
    assert "[2]" in last_answer(page).inner_text()
    page.wait_for_function("document.querySelectorAll('#sources mark.quote').length >= 2")
    assert page.locator("#sources article.source-card").count() == 1
    save_screenshot(page, tmp_path, "student.png")


def test_refusal_looks_different_and_offers_further_reading(page, student):
    page.goto(student[0])
    page.locator("#question textarea").wait_for()
    ask(page, REFUSED)
    heading = last_answer(page).locator("h4")
    assert heading.inner_text() == "Not found in the sources"
    assert "[1]" not in last_answer(page).inner_text()
    background = heading.evaluate("h => getComputedStyle(h.closest('.message')).backgroundColor")
    assert background == "rgb(255, 251, 235)"  # the refusal's own colour, unlike an answer's
    assert "Further reading" in page.locator("#sources").inner_text()
    assert page.locator("#sources .source-card.further").count() >= 1

    # a follow-up after the refusal; clicking the refusal again brings back its further reading
    ask(page, TROTSKY)
    assert "16 June 2001" in last_answer(page).inner_text()
    page.locator("#sources .source-card.cited").wait_for()
    page.locator('#chat [data-testid="bot"]').first.click()
    page.locator("#sources .source-card.further").first.wait_for()

    # a new conversation clears everything
    page.locator("#new-chat").click()
    page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")
    page.locator("#sources .sources-empty").wait_for()


def test_markup_in_a_question_is_shown_as_text_and_never_runs(page, student):
    page.goto(student[0])
    page.locator("#question textarea").wait_for()
    ask(page, XSS)
    shown = page.locator('#chat [data-testid="user"]').last
    assert shown.inner_text().strip() == XSS
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#chat img[src='x'], #chat script").count() == 0
    page.wait_for_timeout(500)  # give an injected handler every chance to fire
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_a_failure_is_a_polite_message_and_clear_starts_over(page, student):
    page.goto(student[0])
    page.locator("#question textarea").wait_for()
    ask(page, "please explode")
    reply = last_answer(page)
    assert reply.locator("h5").inner_text().startswith("Sorry, something went wrong")
    assert "internal detail" not in page.content() and "Traceback" not in page.content()
    ask(page, TROTSKY)  # the conversation goes on
    page.locator("#sources mark.quote").first.wait_for()
    page.locator('#chat button[aria-label="Clear"]').click()
    page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")
    page.locator("#sources .sources-empty").wait_for()


def test_kiosk_works_with_nothing_leaving_the_machine(browser, kiosk, tmp_path):
    url, settings = kiosk
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    outside: list[str] = []
    seen: list[str] = []

    def route(r):
        seen.append(r.request.url)
        if urlparse(r.request.url).hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    try:
        page.goto(url)
        box = page.locator("#question textarea")
        box.wait_for()
        assert box.get_attribute("maxlength") == str(settings.kiosk_max_question_chars)
        assert f"up to {settings.kiosk_max_question_chars} characters" in page.locator("#question").inner_text()

        # starter questions are on screen and touch-sized, the type is large
        starter = page.locator("#starters button.starter").first
        assert starter.bounding_box()["height"] >= 48
        starter.click()
        page.locator("#sources mark.quote").first.wait_for()
        assert "16 June 2001" in last_answer(page).inner_text()
        size = last_answer(page).evaluate("e => parseFloat(getComputedStyle(e.querySelector('p')).fontSize)")
        assert size >= 20

        # nothing for a visitor to wander into: no footer, API docs or settings links
        assert page.locator("footer a, a[href*='api'], a[href*='settings']").count() == 0
        page.wait_for_timeout(1000)  # late requests (fonts, icons) would show up here
        save_screenshot(page, tmp_path, "kiosk.png")
    finally:
        context.close()
    assert seen, "the route saw no requests at all"
    assert not outside, f"requests left the machine: {outside}"


def test_kiosk_resets_after_the_idle_time(browser, assistant, seed_settings, tmp_path):
    settings = seed_settings.with_overrides(kiosk=True, kiosk_idle_seconds=3, feedback_path=tmp_path / "fb.jsonl")
    app, url = launched(assistant, settings)
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(WAIT)
    try:
        page.goto(url)
        page.locator("#question textarea").wait_for()
        ask(page, TROTSKY)
        page.locator("#sources mark.quote").first.wait_for()
        page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")
        page.locator("#sources .sources-empty").wait_for()
    finally:
        context.close()
        app.close()
