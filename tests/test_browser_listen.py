"""Answers read aloud in a real headless Chromium: Listen plays the answer's audio from the page's own server and
it ends; pressing again, a new question and the idle reset stop it; keyboard and touch work it; a screen reader
hears what plays (aria-pressed, a polite status in the page's language); a kiosk can start reading every answer.

Headless Chromium plays audio with no sound card (it reaches `ended` in real time); a click, a key or a tap on
the page is the user gesture its autoplay policy asks for, so no policy flag is needed.
"""

from __future__ import annotations

import pytest
from browser_kit import AXE_TAGS, AXE_TAGS_KIOSK, LANDSCAPE, ask, axe, describe, open_page, switch_language
from test_app import serve

from assistant.web.i18n import LANGUAGE_NAMES, t
from assistant.web.page import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.timeout(300),
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),
]
TROTSKY_RU = "Когда был реабилитирован Троцкий?"
KAZAKH = "Қазақстанда қанша адам ақталды?"
PRESSED = "document.querySelector('#listen .listen-button').getAttribute('aria-pressed')"
STATUS = "(document.querySelector('#listen-status') || {}).textContent"
PLAYING = "window.__speechAudio && !window.__speechAudio.paused && window.__speechAudio.currentTime > 0"


@pytest.fixture(scope="module")
def pages(assistant, seed_settings, tmp_path_factory):
    """{"student": url, "kiosk": url}: the kiosk (Kazakh) starting with 'read every answer aloud' on."""
    folder = tmp_path_factory.mktemp("listen")
    built, urls = [], {}
    for name, overrides in (("student", {}), ("kiosk", {"kiosk": True, "kiosk_read_aloud": True})):
        settings = seed_settings.with_overrides(
            feedback_path=folder / f"{name}.jsonl", speech_dir=folder / "speech", **overrides
        )
        app = create_app(assistant, settings)
        urls[name] = serve(app, settings)
        built.append(app)
    yield urls
    for app in built:
        app.close()


def wait_status(page, key: str, language: str) -> None:
    page.wait_for_function(f"{STATUS} === {t(key, language)!r}")


def test_listen_plays_the_answer_to_its_end_by_keyboard_and_stops_when_pressed_or_asked_again(browser, pages):
    offline, page = open_page(browser, pages["student"])
    try:
        switch_language(page, LANGUAGE_NAMES["ru"], "ru")
        ask(page, TROTSKY_RU)
        button = page.locator("#listen .listen-button")
        assert button.inner_text().strip() == t("listen", "ru") and page.evaluate(PRESSED) == "false"
        assert page.locator("#listen .read-all").get_attribute("aria-pressed") == "false"  # off for students
        button.focus()
        page.keyboard.press("Enter")  # plays
        page.wait_for_function(f"{PRESSED} === 'true'")
        wait_status(page, "listen_playing", "ru")
        page.wait_for_function(PLAYING)
        playing = axe(page, AXE_TAGS)
        assert not playing, describe(playing)
        page.keyboard.press("Space")  # the same button again: stops
        page.wait_for_function(f"{PRESSED} === 'false' && window.__speechAudio.paused")
        wait_status(page, "listen_stopped", "ru")
        page.evaluate("window.__ended = 0; window.__speechAudio.addEventListener('ended', () => window.__ended++)")
        page.keyboard.press("Enter")
        page.wait_for_function(PLAYING)
        duration = page.evaluate("window.__speechAudio.duration")
        page.wait_for_function("window.__ended === 1", timeout=(duration + 30) * 1000)  # played to its end
        assert page.evaluate(PRESSED) == "false" and 3 < duration < 60, duration
        wait_status(page, "listen_ended", "ru")
        first = button.get_attribute("data-speech")
        button.click()
        page.wait_for_function(PLAYING)
        box = page.locator("#question textarea")
        box.fill("Троцкий " * 130)  # asked, though too long to answer: the page says so, and what played stops
        box.press("Enter")
        page.locator("#notice .notice").wait_for()
        assert page.evaluate("window.__speechAudio.paused") and button.get_attribute("data-speech") == first
        button.click()
        page.wait_for_function(PLAYING)
        ask(page, "Кто такой Хрущёв?")  # a new question: what played stops, and Listen reads the new answer
        assert page.evaluate("window.__speechAudio.paused")
        assert page.locator("#listen .listen-button").get_attribute("data-speech") != first
        assert page.evaluate(PRESSED) == "false"
        speech = [u for u in offline.seen if "/speech/" in u]
        assert speech and all(u.startswith("http://127.0.0.1:") for u in speech)
    finally:
        offline.context.close()
    offline.check("reading aloud")


def test_a_kiosk_reads_every_answer_when_set_and_touch_and_the_idle_reset_work_it(browser, pages):
    offline, page = open_page(browser, pages["kiosk"], LANDSCAPE, has_touch=True)
    try:
        toggle = page.locator("#listen .read-all")
        assert toggle.inner_text().strip() == t("read_all", "kk") and toggle.get_attribute("aria-pressed") == "true"
        ask(page, KAZAKH)
        page.wait_for_function(PLAYING)  # read at once, nothing pressed
        assert page.evaluate(PRESSED) == "true"
        wait_status(page, "listen_playing", "kk")
        found = axe(page, AXE_TAGS_KIOSK)
        assert not found, describe(found)
        page.locator("#listen .listen-button").tap()  # a touch stops it
        page.wait_for_function(f"{PRESSED} === 'false' && window.__speechAudio.paused")
        toggle.tap()  # reading every answer: off
        page.wait_for_function("document.querySelector('#listen .read-all').getAttribute('aria-pressed') === 'false'")
        wait_status(page, "read_all_off", "kk")
        ask(page, "Лев Троцкий қашан ақталды?")
        page.wait_for_timeout(1500)
        assert page.evaluate("window.__speechAudio.paused") and page.evaluate(PRESSED) == "false"  # not read
        page.locator("#listen .listen-button").tap()
        page.wait_for_function(PLAYING)
        page.evaluate("document.querySelector('#idle-reset').click()")  # what the idle watch presses at zero
        page.wait_for_function("window.__speechAudio.paused && !document.querySelector('#listen .listen-button')")
        page.wait_for_function("document.querySelector('#listen .read-all').getAttribute('aria-pressed') === 'true'")
        assert page.evaluate(STATUS) == ""  # the next visitor hears nothing left over
    finally:
        offline.context.close()
    offline.check("the kiosk reading aloud")
