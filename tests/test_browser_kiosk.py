"""The museum screen in a real headless Chromium: it fits its screen, speaks to a passer-by, and starts afresh politely.

One kiosk server (English by default here, so its labels read plainly) and one browser serve the module;
the idle tests run their own short-idle kiosk on the real clock (a few seconds each).
"""

from __future__ import annotations

import pytest
from browser_kit import (
    BOTS,
    LANDSCAPE,
    LAPTOP,
    PORTRAIT,
    Offline,
    ask,
    last_answer,
    open_page,
    save_screenshot,
    settled,
    switch_language,
    wait_for_attribute,
)
from test_app import REFUSED, TROTSKY, serve

from assistant.web.i18n import LANGUAGE_NAMES, STARTERS, t
from assistant.web.page import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.timeout(300),
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),
]
# Everything a visitor must always be able to reach, and what never scrolls away.
ALWAYS = ("#language", "#new-chat", "#question textarea")




@pytest.fixture(scope="module")
def kiosk(assistant, seed_settings, tmp_path_factory):
    settings = seed_settings.with_overrides(
        kiosk=True, kiosk_language="en", feedback_path=tmp_path_factory.mktemp("fbk") / "feedback.jsonl"
    )
    app = create_app(assistant, settings)
    url = serve(app, settings)
    yield url, settings
    app.close()


def page_overflow(page) -> int:
    """How far the page reaches past the window (0: nothing to scroll)."""
    return page.evaluate("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight) - innerHeight")


def in_view(page, selector: str) -> bool:
    """Whether an element is wholly inside the window (and not hidden)."""
    return page.evaluate(
        "(s) => { const e = document.querySelector(s); if (!e || !e.offsetParent) return false;"
        " const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.left >= 0"
        " && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1; }",
        selector,
    )


@pytest.mark.parametrize(("name", "viewport"), [("landscape", LANDSCAPE), ("portrait", PORTRAIT)])
def test_the_kiosk_fits_its_screen_in_every_state(browser, kiosk, tmp_path, name, viewport):
    """1920x1080 and 1080x1920: no page scroll at the start, after an answer, after a refusal, with the document open."""
    offline, page = open_page(browser, kiosk[0], viewport)
    try:
        settled(page)
        page.wait_for_function("document.documentElement.classList.contains('fit-screen')")

        def check(state: str) -> None:
            assert page_overflow(page) <= 0, f"{name}, {state}: the page scrolls by {page_overflow(page)} px"
            for selector in ALWAYS:
                assert in_view(page, selector), f"{name}, {state}: {selector} is off screen"
            save_screenshot(page, tmp_path, f"kiosk-{name}-{state}.png")

        check("start")
        ask(page, TROTSKY)
        page.locator("#sources mark.quote").first.wait_for()
        check("answer")
        # the visitor's question heads the chat: the answer is read from its start
        assert in_view(page, '#chat [data-testid="user"]') or page.evaluate(
            "(() => { const q = [...document.querySelectorAll('#chat [data-testid=user]')].pop();"
            " const box = document.querySelector('#chat [role=log]').getBoundingClientRect();"
            " const r = q.getBoundingClientRect(); return r.top >= box.top - 1 && r.top < box.bottom; })()"
        )
        # the whole document opens in view, where the sources were, scrolled to the quote
        page.locator("#sources .read-button").first.click()
        page.locator("#doc-view #doc-quote").wait_for(state="visible")
        page.wait_for_function("document.activeElement && document.activeElement.classList.contains('doc-text')")
        assert in_view(page, "#doc-view #doc-quote") and in_view(page, "#reader > button")
        check("document")
        close = page.locator("#doc-view .close-reader")
        assert close.inner_text() == t("close_document", "en") and close.bounding_box()["height"] >= 48
        close.click()  # back to the sources, by touch
        page.locator("#sources .source-card").first.wait_for(state="visible")
        wait_for_attribute(page, "#reader > button", "aria-expanded", "false")
        for _ in range(4):  # a long conversation still fits: the chat scrolls inside itself
            ask(page, REFUSED)
        assert last_answer(page).locator("h3").inner_text() == t("refusal_heading", "en")
        check("refusal")
    finally:
        offline.context.close()
    offline.check(name)


def test_the_kiosk_degrades_sensibly_on_a_small_screen_and_at_200_percent_zoom(browser, kiosk):
    """1366x768 and 1920x1080 at 200% zoom (960x540 CSS px): the page flows and scrolls, and nothing is cut off."""
    for viewport, scale in ((LAPTOP, 1), ({"width": 960, "height": 540}, 2)):
        offline, page = open_page(browser, kiosk[0], viewport, device_scale_factor=scale)
        try:
            ask(page, TROTSKY)
            page.locator("#sources mark.quote").first.wait_for()
            assert not page.evaluate("document.documentElement.classList.contains('fit-screen')")
            wider = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert wider <= 0, f"{viewport}: {wider} px cut off at the side"
            for selector in ("#starters button.starter", "#sources .read-button", "#reader > button"):
                target = page.locator(selector).last
                target.scroll_into_view_if_needed()
                assert target.is_visible(), f"{viewport}: {selector} hidden"
                box = target.bounding_box()
                assert (
                    box and box["height"] >= 48 and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
                )
        finally:
            offline.context.close()


def test_kiosk_type_and_touch_targets_are_large_and_visitors_get_no_copy_like_or_clear(browser, kiosk):
    offline, page = open_page(browser, kiosk[0], LANDSCAPE)
    try:
        ask(page, TROTSKY)
        page.locator("#sources mark.quote").first.wait_for()
        page.locator("#sources .read-button").first.click()  # the document too
        page.locator("#doc-view #doc-quote").wait_for(state="visible")
        smallest = page.evaluate(
            """() => { let min = 1e9, where = '';
              const walk = (n) => { for (const c of n.childNodes) {
                if (c.nodeType === 3 && c.textContent.trim()) { const e = c.parentElement;
                  if (e.closest('#announce, #idle-reset, .visually-hidden, .sr-only, sup') || !e.offsetParent) continue;
                  const s = parseFloat(getComputedStyle(e).fontSize); if (s < min) { min = s; where = e.outerHTML.slice(0, 80); } }
                else if (c.nodeType === 1) walk(c); } };
              walk(document.querySelector('.gradio-container')); return [min, where]; }"""
        )
        assert smallest[0] >= 24, f"text of {smallest[0]} px: {smallest[1]}"
        targets = page.evaluate(
            """() => [...document.querySelectorAll('button, [role=radio], label:has(input), textarea')]
                .filter(e => e.offsetParent && !e.closest('#idle-reset'))
                .map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim().slice(0, 30) || e.getAttribute('aria-label'), Math.round(r.width), Math.round(r.height)]; })"""
        )
        small = [x for x in targets if x[1] < 48 or x[2] < 48]
        assert not small, f"touch targets under 48 px: {small}"
        # no copy, like, dislike or Clear for the public, and no thumbs on a notice
        assert page.locator("#chat button:visible").count() == 0, page.locator("#chat button:visible").all()
        assert page.locator("footer a, a[href*='api'], a[href*='settings']").count() == 0
    finally:
        offline.context.close()


def test_a_notice_is_readable_and_never_in_the_chat(browser, kiosk):
    """An over-long question: said in large dark type beside the box, the question kept to be shortened."""
    offline, page = open_page(browser, kiosk[0], LANDSCAPE)
    try:
        long = "When was Leon Trotsky rehabilitated? " * 10
        box = page.locator("#question textarea")
        box.fill(long)
        assert box.input_value() == long  # no maxlength cutting it short without a word
        box.press("Enter")
        notice = page.locator("#notice .notice")
        notice.wait_for()
        assert notice.inner_text() == t("too_long", "en", n=len(long), cap=kiosk[1].kiosk_max_question_chars)
        style = notice.evaluate("e => [parseFloat(getComputedStyle(e).fontSize), getComputedStyle(e).fontStyle]")
        assert style[0] >= 24 and style[1] == "normal"
        assert page.evaluate(BOTS) == 0 and box.input_value() == long
        box.fill("")
        box.press("Enter")
        page.wait_for_function(f"document.querySelector('#notice .notice').innerText === {t('empty_question', 'en')!r}")
    finally:
        offline.context.close()


def test_the_kiosk_api_takes_its_documented_arguments_with_the_optional_ones_left_out(kiosk):
    """gradio_client on the kiosk's unadvertised /ask: question alone, with history, with a language."""
    from gradio_client import Client

    client = Client(kiosk[0], verbose=False)
    alone = client.predict(TROTSKY, api_name="/ask")
    assert "16 June 2001" in alone["text"] and alone["citations"]
    follow = client.predict(
        "What did he denounce in 1956?",
        [
            {"role": "user", "content": "Who advised Khrushchev on rehabilitations?"},
            {"role": "assistant", "content": "Mikoyan"},
        ],
        api_name="/ask",
    )
    assert "text" in follow and "error" not in follow
    russian = client.predict("", None, "ru", api_name="/ask")
    assert russian["language"] == "ru" and russian["abstained"]


# --- the idle reset, on the real clock --------------------------------------------------------

IDLE, WARN = 10, 5  # seconds: the countdown shows after 5 s without use (use comes every 2 s here)


@pytest.fixture(scope="module")
def idle_kiosk(assistant, seed_settings, tmp_path_factory):
    settings = seed_settings.with_overrides(
        kiosk=True,
        kiosk_idle_seconds=IDLE,
        kiosk_idle_warning_seconds=WARN,
        rate_limit_per_minute=2,
        feedback_path=tmp_path_factory.mktemp("idle") / "feedback.jsonl",
    )
    app = create_app(assistant, settings)
    url = serve(app, settings)
    yield url, settings
    app.close()


def test_scrolling_and_touching_keep_a_reader_and_the_countdown_warns_before_a_reset(browser, idle_kiosk, tmp_path):
    """A visitor reading and scrolling the document for twice the idle time keeps it; left alone, the screen shows a
    countdown, a touch dismisses it, and only when nobody touches it does the screen start afresh: in Kazakh again,
    with the rate limit of the visitor before gone."""
    offline, page = open_page(browser, idle_kiosk[0], LANDSCAPE)
    warning = page.locator("#idle-warning")
    try:
        page.wait_for_function("document.documentElement.lang === 'kk'")
        switch_language(page, LANGUAGE_NAMES["en"], "en")
        ask(page, TROTSKY)
        page.locator("#sources .read-button").first.click()
        page.locator("#doc-view #doc-quote").wait_for(state="visible")
        text = page.locator("#doc-view .doc-text").bounding_box()
        for _ in range(7):  # 14 s of reading: a scroll every 2 s
            page.mouse.move(text["x"] + 40, text["y"] + 40)
            page.mouse.wheel(0, 60)
            page.wait_for_timeout(2000)
            assert warning.is_hidden() and page.evaluate(BOTS) == 1
        # left alone: the countdown shows after IDLE - WARN seconds, in the page's language, and counts down
        warning.wait_for(state="visible", timeout=(IDLE - WARN + 3) * 1000)
        first = page.locator("#idle-count").inner_text()
        assert first.startswith("The screen starts afresh in ") and page.locator("#idle-title").inner_text() == t(
            "idle_title", "en"
        )
        page.wait_for_function(f"document.querySelector('#idle-count').innerText !== {first!r}")
        stay = page.locator("#idle-warning button")
        assert stay.evaluate("b => b === document.activeElement") and stay.bounding_box()["height"] >= 48
        save_screenshot(page, tmp_path, "kiosk-landscape-countdown.png", pointer_away=False)
        starter = page.locator("#starters button.starter").first.bounding_box()
        page.mouse.click(starter["x"] + 20, starter["y"] + 20)  # a touch anywhere, here over a starter question
        warning.wait_for(state="hidden")
        page.wait_for_timeout(1000)  # the touch is the countdown's: it asked nothing
        assert page.evaluate(BOTS) == 1 and page.evaluate("window.__idleResets || 0") == 0
        # the next visitor: this one asked twice a minute, the limit; the screen resets by itself
        ask(page, REFUSED)
        page.locator("#question textarea").fill(TROTSKY)
        page.locator("#question textarea").press("Enter")
        page.locator("#notice .notice").wait_for()
        assert page.locator("#notice .notice").inner_text() == t("rate_limited", "en")
        page.locator("#question textarea").fill("")
        page.mouse.move(5, 5)
        warning.wait_for(state="visible", timeout=(IDLE + 3) * 1000)
        page.wait_for_function(f"{BOTS} === 0", timeout=(WARN + 5) * 1000)
        page.wait_for_function("document.documentElement.lang === 'kk'")
        assert warning.is_hidden() and page.evaluate("window.__idleResets") == 1
        page.locator("#sources .sources-empty").wait_for()
        assert page.locator("#notice .notice").count() == 0
        wait_for_attribute(page, "#reader > button", "aria-expanded", "false")
        ask(page, "Лев Троцкий қашан ақталды?")  # a fresh visit: not rate-limited
        assert "2001" in last_answer(page).inner_text() and page.locator("#notice .notice").count() == 0
    finally:
        offline.context.close()
    offline.check("idle reset")


def test_typing_keeps_the_kiosk_awake_and_an_untouched_start_screen_never_counts_down(browser, idle_kiosk):
    offline, page = open_page(browser, idle_kiosk[0], LANDSCAPE)
    try:
        page.wait_for_timeout((IDLE + 2) * 1000)  # nothing to take away: no countdown, no reset
        assert page.locator("#idle-warning").is_hidden() and page.evaluate("window.__idleResets || 0") == 0
        box = page.locator("#question textarea")
        for _ in range(6):  # a key every 2 s for 12 s, past the idle time
            box.press_sequentially("W")
            page.wait_for_timeout(2000)
            assert page.locator("#idle-warning").is_hidden()
        assert box.input_value() == "WWWWWW"
        page.wait_for_function("window.__idleResets === 1", timeout=(IDLE + 5) * 1000)
        page.wait_for_function("document.querySelector('#question textarea').value === ''")
    finally:
        offline.context.close()


def test_start_again_asks_first_and_keeps_the_conversation_on_no(browser, kiosk):
    offline, page = open_page(browser, kiosk[0], PORTRAIT)
    try:
        page.locator("#starters button.starter").first.click()
        page.wait_for_function(f"{BOTS} === 1")
        assert page.locator("#starters button.starter").first.inner_text() == STARTERS["en"][0]
        page.locator("#new-chat").click()
        page.locator("#confirm-clear").wait_for(state="visible")
        assert t("confirm_clear", "en") in page.locator("#confirm-clear").inner_text()
        page.wait_for_function("document.activeElement && document.activeElement.id === 'confirm-no'")
        assert in_view(page, "#confirm-no") and in_view(page, "#confirm-yes")
        page.locator("#confirm-no").click()
        page.locator("#confirm-clear").wait_for(state="hidden")
        assert page.evaluate(BOTS) == 1
        page.locator("#new-chat").click()
        page.locator("#confirm-yes").click()
        page.wait_for_function(f"{BOTS} === 0")
        page.locator("#sources .sources-empty").wait_for()
        wait_for_attribute(page, "#reader > button", "aria-expanded", "false")
    finally:
        offline.context.close()


def test_the_kiosk_sends_nothing_off_the_machine(browser, kiosk):
    offline = Offline.open(browser, viewport=LANDSCAPE)
    page = offline.new_page()
    try:
        page.goto(kiosk[0])
        page.locator("#question textarea").wait_for()
        settled(page)
        ask(page, TROTSKY)
        page.locator("#sources .read-button").first.click()
        page.locator("#doc-view #doc-quote").wait_for(state="visible")
        settled(page)
    finally:
        offline.context.close()
    offline.check("kiosk")
