"""The page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Without Chromium or Playwright these tests fail (`require`), unless ASSISTANT_ALLOW_SKIP=1.
Every page is opened in a context that routes each request: only 127.0.0.1 is let through, and a
test fails if anything else was asked for. Screenshots go to pytest's tmp folder;
docs/screenshots/{student,student-ru,kiosk}.png are written only when they are missing or UPDATE_SCREENSHOTS=1
is set. Never waits for `networkidle`, which a Gradio page never reaches: it waits for elements instead.
"""

from __future__ import annotations

import importlib.util
import io
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import gradio as gr
import pytest
from conftest import require
from test_app import REFUSED, TROTSKY, Fragile, serve

from assistant.feedback import read_feedback
from assistant.web.handlers import PageHandlers, PageState
from assistant.web.i18n import LANGUAGE_NAMES, STARTERS, t
from assistant.web.page import create_app

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parents[1] / "docs" / "screenshots"
QUOTE = "Leon Trotsky (murdered in 1940) was rehabilitated on 16 June 2001 by Russia."
XSS = "<img src=x onerror=window.__xss=1> <script>window.__xss=2</script> When was Leon Trotsky rehabilitated?"
LOCAL = "127.0.0.1"  # the only host a page may ask anything of
WAIT = 60_000  # ms; a shared two-core machine can be slow, the page is not
BOTS = "document.querySelectorAll('#chat [data-testid=\"bot\"]').length"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.timeout(300),
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),  # pandas notes in Gradio's own local event stats
]


@pytest.fixture(scope="module")
def assistant(seed_settings):
    from assistant import Assistant

    return Assistant.load(seed_settings.index_dir, seed_settings)


@pytest.fixture(scope="module")
def browser():
    require("browser", CHROMIUM.exists(), f"install Debian's chromium at {CHROMIUM} (`make browser`)")
    require(
        "browser", importlib.util.find_spec("playwright") is not None, "install the dev extra (pip install -e '.[dev]')"
    )
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


def launched(assistant, settings, handlers=None):
    app = create_app(assistant, settings, handlers)
    return app, serve(app, settings)


@pytest.fixture(scope="module")
def student(assistant, seed_settings, tmp_path_factory):
    settings = seed_settings.with_overrides(feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl")
    app, url = launched(Fragile(assistant), settings)  # the real assistant, failing on "explode"
    yield url, settings
    app.close()


@pytest.fixture(scope="module")
def kiosk(assistant, seed_settings, tmp_path_factory):
    settings = seed_settings.with_overrides(kiosk=True, feedback_path=tmp_path_factory.mktemp("fbk") / "feedback.jsonl")
    app, url = launched(assistant, settings)
    yield url, settings
    app.close()


@dataclass
class Offline:
    """A browser context whose every request is routed: to 127.0.0.1 it goes on, anywhere else it is recorded and aborted."""

    context: object
    seen: list
    outside: list

    @classmethod
    def open(cls, browser, **options) -> Offline:
        context = browser.new_context(**options)
        offline = cls(context, [], [])

        def route(r):
            offline.seen.append(r.request.url)
            if urlparse(r.request.url).hostname == LOCAL:
                r.continue_()
            else:
                offline.outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        return offline

    def new_page(self):
        page = self.context.new_page()
        page.set_default_timeout(WAIT)
        return page

    def check(self, when: str) -> None:
        assert self.seen, f"{when}: the route saw no requests at all"
        assert not self.outside, f"{when}: requests left the machine: {self.outside}"


def settled(page) -> None:
    """The page loaded, its fonts and images fetched: what a load asks for has been asked for."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")


@pytest.fixture
def page(browser):
    offline = Offline.open(browser, viewport={"width": 1280, "height": 860})
    yield offline.new_page()
    offline.context.close()
    offline.check("during the test")


def ask(page, question: str) -> None:
    """Type a question, press Enter, and wait for its answer to appear in the chat."""
    before = page.evaluate(BOTS)
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"{BOTS} > {before}")


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
    pump_until(page, lambda: read_feedback(settings.feedback_path))
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


def test_the_page_switches_language_and_answers_a_russian_question_in_russian(page, student, tmp_path):
    """Қазақша, then Русский: labels, placeholder, a refusal and <html lang> change; a Russian question shows the
    Russian sentence labelled as a draft translation, with the English original beside it and a way to read it."""
    page.goto(student[0])
    box = page.locator("#question textarea")
    box.wait_for()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert t("question_label", "en", cap=1000) in page.locator("#question").inner_text()
    off_topic = {"kk": "Ертең Шымкентте ауа райы қандай болады?", "ru": "Какая погода будет завтра в Астане?"}
    for language in ("kk", "ru"):
        page.locator("#language").get_by_text(LANGUAGE_NAMES[language], exact=True).click()
        page.wait_for_function(f"document.documentElement.lang === '{language}'")
        label = t("question_label", language, cap=1000)
        page.wait_for_function(f"document.querySelector('#question').innerText.includes({label!r})")
        page.wait_for_function(f"document.querySelector('#new-chat').innerText === {t('new_chat', language)!r}")
        assert box.get_attribute("placeholder") == t("question_placeholder_student", language)
        assert page.locator("#question button").last.inner_text() == t("ask", language)
        assert page.locator("#starters button.starter").all_inner_texts() == list(STARTERS[language])
        assert t("starters_label", language) in page.locator("#starters").inner_text()
        assert page.locator("#reader").get_by_text(t("reader", language)).count() == 1
        assert page.title() == t("tab_student", language)
        assert t("footer", language) in page.locator("#footer").inner_text()
        ask(page, off_topic[language])  # a refusal, in the language asked (the page's own here)
        assert last_answer(page).locator("h4").inner_text() == t("refusal_heading", language)
        page.locator("#sources").get_by_text(t("further_heading", language)).wait_for()
        # Gradio's own chat buttons speak the page's language too
        page.locator(f'#chat button[aria-label="{t("gr_clear", language)}"]').wait_for()
        page.locator(f'#chat button[aria-label="{t("gr_like", language)}"]').last.wait_for()
        assert page.evaluate("document.documentElement.lang") == language

    page.locator("#new-chat").click()  # a fresh conversation, in Russian
    page.wait_for_function(f"{BOTS} === 0")
    ask(page, "Когда был реабилитирован Троцкий?")
    answer = last_answer(page).inner_text()
    assert "Троцкий" in answer and "2001" in answer and "[1]" in answer and QUOTE not in answer
    assert t("sources_label", "ru") in answer and t("draft_translation", "ru") in answer
    card = page.locator("#sources .source-card.translated").first
    card.wait_for()
    assert page.locator("#sources .sources").get_attribute("lang") == "ru"
    assert t("draft_translation", "ru") in card.locator(".translation-label").inner_text()
    assert "Лев Троцкий" in card.locator("mark.quote").inner_text()
    original = card.locator('.source-original .original-quote[lang="en"]')
    assert original.inner_text() == QUOTE and original.is_visible()
    assert card.locator('.original-label cite[lang="en"]').inner_text() == "Rehabilitation (Soviet)"
    # the whole translation opens at the translated sentence, and the original at the original one
    card.locator(".read-button").first.click()
    page.wait_for_function("(document.querySelector('#doc-view #doc-quote') || {}).innerText?.includes('Троцкий')")
    assert t("draft_translation", "ru") in page.locator("#doc-view .doc-translation").inner_text()
    page.locator("#doc-view #doc-quote").wait_for(state="visible")
    page.mouse.move(0, 0)
    save_screenshot(page, tmp_path, "student-ru.png")
    card.locator(".read-original").click()
    page.wait_for_function(f"(document.querySelector('#doc-view #doc-quote') || {{}}).innerText === {QUOTE!r}")
    assert page.locator("#doc-view .doc-text").get_attribute("lang") == "en"
    page.locator("#doc-view #doc-quote").wait_for(state="visible")


def test_the_student_page_sends_nothing_off_the_machine(browser, student):
    offline = Offline.open(browser, viewport={"width": 1280, "height": 860})
    page = offline.new_page()
    try:
        page.goto(student[0])
        page.locator("#question textarea").wait_for()
        settled(page)
        offline.check("after loading")
        loaded = len(offline.seen)
        ask(page, TROTSKY)
        page.locator("#sources .source-card .read-button").first.click()
        page.locator("#doc-view #doc-quote").wait_for(state="visible")
        page.locator("#starters button.starter").nth(1).click()
        page.wait_for_function(f"{BOTS} >= 2")
        settled(page)
    finally:
        offline.context.close()
    assert len(offline.seen) > loaded, "asking made no requests the route could see"
    offline.check("after asking")


def test_kiosk_works_with_nothing_leaving_the_machine(browser, kiosk, tmp_path):
    url, settings = kiosk
    offline = Offline.open(browser, viewport={"width": 1920, "height": 1080})
    page = offline.new_page()
    try:
        page.goto(url)
        box = page.locator("#question textarea")
        box.wait_for()
        settled(page)
        offline.check("after loading")
        assert box.get_attribute("maxlength") == str(settings.kiosk_max_question_chars)
        # the kiosk opens in its own language (Kazakh by default), with the switch at hand
        page.wait_for_function("document.documentElement.lang === 'kk'")
        cap = settings.kiosk_max_question_chars
        assert t("question_label", "kk", cap=cap) in page.locator("#question").inner_text()
        switch = page.locator("#language label")
        assert switch.all_inner_texts() == list(LANGUAGE_NAMES.values())
        assert all(switch.nth(i).bounding_box()["height"] >= 48 for i in range(switch.count()))  # touch-sized

        # starter questions are on screen and touch-sized, the type is large
        starter = page.locator("#starters button.starter").first
        assert starter.inner_text() == STARTERS["kk"][0]
        assert starter.bounding_box()["height"] >= 48
        starter.click()
        page.locator("#sources mark.quote").first.wait_for()
        assert "2001" in last_answer(page).inner_text() and t("sources_label", "kk") in last_answer(page).inner_text()
        size = last_answer(page).evaluate("e => parseFloat(getComputedStyle(e.querySelector('p')).fontSize)")
        assert size >= 20

        # nothing for a visitor to wander into: no footer, API docs or settings links
        assert page.locator("footer a, a[href*='api'], a[href*='settings']").count() == 0
        settled(page)
        save_screenshot(page, tmp_path, "kiosk.png")
    finally:
        offline.context.close()
    offline.check("after asking")


# --- the kiosk's idle reset ---------------------------------------------------------------

IDLE = 6  # seconds; the page's timer then ticks every 1.5 s
SKIPPED = gr.skip()  # what a handler returns for a part of the page it leaves alone

# records the moment (ms since the epoch) each time the chat goes from some answers to none
WATCH_RESETS = f"""() => {{
    window.__resets = [];
    let had = {BOTS} > 0;
    new MutationObserver(() => {{
        const has = {BOTS} > 0;
        if (had && !has) window.__resets.push(Date.now());
        had = has;
    }}).observe(document.body, {{childList: true, subtree: true}});
}}"""


def kiosk_settings(seed_settings, tmp_path):
    return seed_settings.with_overrides(kiosk=True, kiosk_idle_seconds=IDLE, feedback_path=tmp_path / "fb.jsonl")


def test_kiosk_resets_after_the_idle_time_and_not_before(browser, assistant, seed_settings, tmp_path):
    """On the real clock: the chat empties by itself, and never before the idle time has passed since the question."""
    settings = kiosk_settings(seed_settings, tmp_path)
    app, url = launched(assistant, settings)
    offline = Offline.open(browser, viewport={"width": 1280, "height": 860})
    page = offline.new_page()
    try:
        page.goto(url)
        page.locator("#question textarea").wait_for()
        page.evaluate(WATCH_RESETS)
        asked = time.time()  # before the question leaves: the server's idle time starts later than this
        ask(page, TROTSKY)
        page.locator("#sources mark.quote").first.wait_for()
        page.wait_for_function("window.__resets.length > 0")
        page.locator("#sources .sources-empty").wait_for()
        (reset_at,) = page.evaluate("window.__resets")
    finally:
        offline.context.close()
        app.close()
    assert reset_at / 1000 >= asked + IDLE, f"reset {reset_at / 1000 - asked:.2f} s after the question"
    offline.check("kiosk idle reset")


class Clock:
    """A clock that moves only when the test moves it."""

    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


@dataclass
class Tick:
    text: str  # the question box, as the timer sent it
    chat: int  # messages in the chat, as sent
    activity: dict  # the activity record, as sent
    now: float | None  # the clock when the tick decided (None if the test moved it meanwhile)
    reset: bool  # whether this tick started the page afresh


class Watched(PageHandlers):
    """The page's own handlers, recording each kiosk timer tick so a test can wait for one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticks: list[Tick] = []
        self._lock = threading.Lock()

    def idle_check(self, text, chat, activity, language=None):
        before = self.idle.clock()
        result = super().idle_check(text, chat, activity, language)
        after = self.idle.clock()
        out = PageState(*result[: len(PageState._fields)])
        if out.activity != SKIPPED:  # a reset or a keystroke: the new record holds the moment it was decided
            now = out.activity["time"]
        else:
            now = before if before == after else None
        tick = Tick(text or "", len(chat or []), dict(activity or {}), now, out.chat == [])
        with self._lock:
            self.ticks.append(tick)
        return result

    def wait_tick(self, page, wanted, count: int = 1) -> Tick:
        """Wait for `count` new ticks that satisfy `wanted`; the last of them."""
        start = len(self.ticks)

        def matching():
            with self._lock:
                return [t for t in self.ticks[start:] if wanted(t)]

        pump_until(page, lambda: len(matching()) >= count)
        return matching()[count - 1]


def pump_until(page, condition) -> None:
    """Wait for a condition on the server's side while Playwright keeps serving the page's routed requests.

    A plain blocking wait would stall Playwright's own loop, and with it every request the route holds.
    """
    while not condition():
        page.wait_for_timeout(50)


def test_kiosk_keeps_a_conversation_until_the_idle_time_and_while_the_visitor_types(
    browser, assistant, seed_settings, tmp_path
):
    """The page's real timer, on a clock the test moves: still there just before the idle time, gone at it; kept while typing."""
    settings = kiosk_settings(seed_settings, tmp_path)
    clock = Clock()
    handlers = Watched(assistant, settings, clock)
    app, url = launched(assistant, settings, handlers)
    offline = Offline.open(browser, viewport={"width": 1280, "height": 860})
    page = offline.new_page()
    box = page.locator("#question textarea")
    try:
        page.goto(url)
        box.wait_for()
        ask(page, TROTSKY)  # asked at 1000 on the test's clock
        handlers.wait_tick(page, lambda t: t.chat == 2)  # the timer sees the conversation

        clock.now = 1000 + IDLE - 0.01  # just before the idle time
        handlers.wait_tick(page, lambda t: t.now == clock.now, count=2)
        assert page.evaluate(BOTS) == 1 and not any(t.reset for t in handlers.ticks)
        clock.now = 1000 + IDLE  # the idle time: the next tick starts afresh
        page.wait_for_function(f"{BOTS} === 0")
        page.locator("#sources .sources-empty").wait_for()
        assert [t.now for t in handlers.ticks if t.reset] == [1000 + IDLE]

        ask(page, TROTSKY)  # asked at 1006
        handlers.wait_tick(page, lambda t: t.chat == 2)
        typed = ""
        for _ in range(4):  # a key every 4 s for 16 s: well past the idle time since the question
            clock.now += 4
            box.press_sequentially("W")
            typed += "W"
            last = handlers.wait_tick(page, lambda t, typed=typed: t.activity.get("text") == typed)  # taken as activity
            assert page.evaluate(BOTS) == 1
        assert last.activity["time"] == 1000 + IDLE + 16 and len([t for t in handlers.ticks if t.reset]) == 1

        clock.now = last.activity["time"] + IDLE - 0.01  # the visitor stops typing: just before the idle time
        handlers.wait_tick(page, lambda t: t.now == clock.now, count=2)
        assert page.evaluate(BOTS) == 1 and box.input_value() == typed
        clock.now = last.activity["time"] + IDLE
        page.wait_for_function(f"{BOTS} === 0")
        page.wait_for_function("document.querySelector('#question textarea').value === ''")  # the typing goes too
    finally:
        offline.context.close()
        app.close()
    offline.check("kiosk idle reset on the test's clock")
