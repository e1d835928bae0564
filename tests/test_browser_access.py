"""Access for everyone, in a real headless Chromium: axe-core, the keyboard alone, a phone, screen readers,
reduced motion and 200% zoom, on the student page and the kiosk, in Kazakh, Russian and English.

axe-core (npm, `make axe`) runs with WCAG 2.1 A/AA and best-practice rules on both pages, and with WCAG AAA
too (7:1 text contrast, `color-contrast-enhanced`) on the kiosk. One student and one kiosk server and one
browser serve the module. Screenshots of the student page (desktop and phone) go to docs/screenshots/
when missing or with UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import pytest
from browser_kit import (
    AXE_TAGS,
    AXE_TAGS_KIOSK,
    BOTS,
    LANDSCAPE,
    PHONE,
    PORTRAIT,
    ask,
    axe,
    describe,
    last_answer,
    open_page,
    save_screenshot,
    switch_language,
    wait_for_attribute,
)
from test_app import REFUSED, serve

from assistant.web.i18n import LANGUAGE_NAMES, STARTERS, t
from assistant.web.page import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.timeout(300),
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),
]
# On the topic but not in the sources: refused with further reading (an everyday request such as tomorrow's weather
# gets the off-topic message instead, with nothing to read further).
REFUSALS = {
    "kk": "Анастас Микоян қашан қайтыс болды?",
    "ru": "Когда умер Анастас Микоян?",
    "en": REFUSED,
}
DESKTOP = {"width": 1280, "height": 860}
# The focus ring of the element with focus (or of the label around a focused radio): [style, width px, shadow].
RING = """() => { let e = document.activeElement; if (e && e.type === 'radio') e = e.closest('label') || e;
  const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"""
# What has focus, described: its id, a class, or its text.
FOCUSED = """() => { const e = document.activeElement; if (!e || e === document.body) return 'body';
  const where = e.closest('[id]'); return (e.id || (where && where.id) || '') + '|' + (e.className || '').toString().slice(0, 40)
    + '|' + (e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 40); }"""




@pytest.fixture(scope="module")
def pages(assistant, seed_settings, tmp_path_factory):
    """{"student": url, "kiosk": url}: the kiosk opening in Kazakh, its default."""
    folder = tmp_path_factory.mktemp("access")
    built = []
    urls = {}
    for name, overrides in (("student", {}), ("kiosk", {"kiosk": True})):
        settings = seed_settings.with_overrides(feedback_path=folder / f"{name}.jsonl", **overrides)
        app = create_app(assistant, settings)
        urls[name] = serve(app, settings)
        built.append(app)
    yield urls
    for app in built:
        app.close()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("name", ["student", "kiosk"])
def test_no_axe_violations_in_any_state(browser, pages, tmp_path, name, language):
    """At the start, after an answer (its sources panel filled), with the whole document open, after a refusal."""
    kiosk = name == "kiosk"
    offline, page = open_page(browser, pages[name], LANDSCAPE if kiosk else DESKTOP)
    tags = AXE_TAGS_KIOSK if kiosk else AXE_TAGS
    found = {}
    try:
        if page.evaluate("document.documentElement.lang") != language:
            switch_language(page, LANGUAGE_NAMES[language], language)
        found["start"] = axe(page, tags)
        ask(page, STARTERS[language][0])
        page.locator("#sources mark.quote").first.wait_for()
        page.wait_for_function("document.querySelector('#announce').innerText.length > 0")
        found["answer"] = axe(page, tags)
        if kiosk:
            save_screenshot(page, tmp_path, f"kiosk-{language}-answer.png")
        page.locator("#sources .read-button").first.click()
        page.locator("#doc-view #doc-quote").wait_for(state="visible")
        found["document"] = axe(page, tags)
        if not kiosk:
            save_screenshot(page, tmp_path, f"student-{language}-document.png")
        page.keyboard.press("Escape")
        ask(page, REFUSALS[language])
        assert last_answer(page).locator("h3").inner_text() == t("refusal_heading", language)
        page.locator("#sources .source-card.further").first.wait_for()
        found["refusal"] = axe(page, tags)
        page.locator("#sources .read-button").first.click()  # further reading, opened
        page.locator("#doc-view #doc-quote").wait_for(state="visible")
        found["refusal, document"] = axe(page, tags)
    finally:
        offline.context.close()
    bad = {state: describe(v) for state, v in found.items() if v}
    assert not bad, f"{name} in {language}: " + "\n".join(f"{s}:\n{d}" for s, d in bad.items())
    assert set(found) == {"start", "answer", "document", "refusal", "refusal, document"}


@pytest.mark.parametrize("name", ["student", "kiosk"])
def test_the_whole_page_works_by_keyboard_with_a_visible_focus_ring(browser, pages, name):
    viewport = DESKTOP if name == "student" else LANDSCAPE
    offline, page = open_page(browser, pages[name], viewport)
    try:
        page.locator("#question textarea").focus()
        page.keyboard.type(STARTERS["en"][0])
        page.keyboard.press("Enter")  # Enter asks
        page.wait_for_function(f"{BOTS} === 1")
        page.locator("#sources .read-button").first.wait_for()
        ask(page, REFUSED)
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        seen, rings = [], []
        page.keyboard.press("Tab")
        for _ in range(60):  # every control, one Tab after another, once round
            here = page.evaluate(FOCUSED)
            if here == "body":  # past the page's last control: the browser's own
                page.keyboard.press("Tab")
                continue
            if seen and here == seen[0]:
                break
            seen.append(here)
            style, width, shadow = page.evaluate(RING)
            rings.append((here, style != "none" and width >= 2 or shadow not in ("none", "")))
            page.keyboard.press("Tab")
        assert all(ok for _, ok in rings), [h for h, ok in rings if not ok]
        start = next(i for i, h in enumerate(seen) if h.startswith("language|"))
        seen = seen[start:] + seen[:start]  # the round, from the top of the page
        order = ["read" if "read-button" in h else h.split("|")[0] for h in seen]

        def first(name: str) -> int:
            return order.index(name)

        assert first("language") < first("new-chat") < first("chat") < first("question") < first("read"), order
        assert first("read") < first("reader"), order
        earlier = [i for i, h in enumerate(order) if h == "chat"]
        assert len(earlier) >= 2, f"earlier answers are not reachable: {order}"  # both answers take focus
        # an earlier answer: Enter brings back its sources
        page.locator('#chat [data-testid="bot"]').first.focus()
        page.keyboard.press("Enter")
        page.locator("#sources .source-card.cited").first.wait_for()
        # a read button: Enter opens the document, which takes focus and comes into view; Escape closes it
        button = page.locator("#sources .read-button").first
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement && document.activeElement.classList.contains('doc-text')")
        wait_for_attribute(page, "#reader > button", "aria-expanded", "true")
        box = page.locator("#doc-view .doc-text").bounding_box()
        assert 0 <= box["y"] < viewport["height"], box
        style, width, shadow = page.evaluate(RING)
        assert style != "none" and width >= 2
        page.keyboard.press("Escape")
        page.wait_for_function("document.querySelector('#reader > button').getAttribute('aria-expanded') === 'false'")
        page.wait_for_function("document.activeElement && document.activeElement.classList.contains('read-button')")
        # ... unless the visitor has already moved on: Escape and straight to the question box keeps focus there
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement && document.activeElement.classList.contains('doc-text')")
        page.evaluate(
            "() => { document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));"
            " document.querySelector('#question textarea').focus(); }"
        )
        page.wait_for_function("document.querySelector('#reader > button').getAttribute('aria-expanded') === 'false'")
        page.wait_for_timeout(400)  # past the moment focus would go back to the read button (60 ms)
        assert page.evaluate("document.activeElement.matches('#question textarea')"), page.evaluate(
            "document.activeElement.outerHTML.slice(0, 120)"
        )
    finally:
        offline.context.close()


def test_the_question_box_shows_its_focus_ring(browser, pages):
    for name in ("student", "kiosk"):
        offline, page = open_page(browser, pages[name], DESKTOP)
        try:
            page.locator("#question textarea").focus()
            style, width, _ = page.evaluate(RING)
            assert style == "solid" and width >= 3, (name, style, width)
        finally:
            offline.context.close()


def test_the_student_page_on_a_phone(browser, pages, tmp_path):
    """390x844: opens at its title, shows each answer from its start, the sources one tap away, and says why an
    empty or over-long question was not asked, in the page's language."""
    offline, page = open_page(browser, pages["student"], PHONE, has_touch=True, is_mobile=True)
    try:
        page.wait_for_timeout(300)
        assert page.evaluate("window.scrollY") == 0 and page.evaluate("document.activeElement === document.body")
        title = page.locator(".app-header h1").bounding_box()
        assert title["y"] >= 0 and title["y"] + title["height"] <= PHONE["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        save_screenshot(page, tmp_path, "student-phone-start.png")
        assert not axe(page), describe(axe(page))
        ask(page, "When was the Memorial society founded, and who led the rehabilitation commissions?")
        ask(page, STARTERS["en"][2])
        page.wait_for_timeout(300)
        question = page.locator('#chat [data-testid="user"]').last.bounding_box()
        answer = last_answer(page).bounding_box()
        chat = page.locator("#chat [role=log]").bounding_box()
        assert question["y"] >= chat["y"] - 1 and question["y"] >= 0, "the question scrolled away"
        assert answer["y"] < min(PHONE["height"], chat["y"] + chat["height"]), "the answer's start is out of sight"
        save_screenshot(page, tmp_path, "student-phone-answer.png")
        page.locator("#to-sources").tap()  # one tap to the sources
        page.wait_for_function(
            "(() => { const r = document.querySelector('#sources h2').getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= innerHeight; })()"
        )
        assert page.evaluate("document.activeElement === document.querySelector('#sources h2')")
        save_screenshot(page, tmp_path, "student-phone-sources.png")
        found = axe(page)
        assert not found, describe(found)
        small = page.locator(
            "#question button, #to-sources, #starters button.starter, #sources .read-button"
        ).evaluate_all(
            "bs => bs.filter(b => b.offsetParent && b.getBoundingClientRect().height < 44).map(b => b.textContent)"
        )
        assert not small, f"touch targets under 44 px on a phone: {small}"
        page.locator("#sources .read-button").first.tap()
        page.locator("#doc-view #doc-quote").wait_for(state="visible")
        page.wait_for_function(
            "(() => { const r = document.querySelector('#doc-view .doc-text').getBoundingClientRect();"
            " return r.top >= 0 && r.top < innerHeight; })()"
        )
        save_screenshot(page, tmp_path, "student-phone-document.png")
        switch_language(page, LANGUAGE_NAMES["ru"], "ru")
        box = page.locator("#question textarea")
        box.fill("")
        box.press("Enter")
        page.wait_for_function(
            f"(document.querySelector('#notice .notice') || {{}}).innerText === {t('empty_question', 'ru')!r}"
        )
        notice = page.locator("#notice .notice")
        assert notice.is_visible() and notice.get_attribute("lang") == "ru"
        long = "Когда был реабилитирован Троцкий? " * 40
        box.fill(long)
        box.press("Enter")
        expected = t("too_long", "ru", n=len(long), cap=1000)
        page.wait_for_function(f"document.querySelector('#notice .notice').innerText === {expected!r}")
        assert box.input_value() == long  # nothing lost: the visitor shortens it
        notice.scroll_into_view_if_needed()
        save_screenshot(page, tmp_path, "student-phone-too-long.png")
    finally:
        offline.context.close()


def test_screen_readers_hear_each_finished_answer_once_and_every_control_by_its_name(browser, pages):
    offline, page = open_page(browser, pages["kiosk"], PORTRAIT)
    try:
        live = page.locator("#announce [aria-live]")
        assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
        assert page.locator("#announce").get_attribute("aria-live") is None  # not Gradio's progress beside it
        assert page.locator("#chat [role=log]").get_attribute("aria-live") == "off"  # no token-by-token chatter
        page.evaluate(
            "window.__said = []; const live = document.querySelector('#announce [aria-live]');"
            " new MutationObserver(() => window.__said.push(live.innerText))"
            ".observe(live, {childList: true, subtree: true, characterData: true})"
        )
        ask(page, STARTERS["kk"][0])
        page.locator("#sources mark.quote").first.wait_for()
        page.wait_for_timeout(500)
        said = [s for s in page.evaluate("window.__said") if s.strip()]
        assert len(said) == 1 and said[0].startswith(t("answer_ready", "kk")) and "2001" in said[0], said
        assert live.locator("p").get_attribute("lang") == "kk"
        # the sources panel is a named region; each button says which source it opens, in the page's language
        region = page.get_by_role("region", name=t("sources_heading", "kk"))
        assert region.count() == 1
        ask(page, "Сталин кезінде қандай халықтар жер аударылды?")
        names = page.locator("#sources .read-button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
        assert names and len(set(names)) == len(names), names
        assert all(n.startswith((t("read_button", "kk"), t("read_original", "kk"))) for n in names), names
        header = page.locator("#reader > button")
        assert header.get_attribute("aria-expanded") == "false" and header.get_attribute("aria-controls")
        page.locator("#sources .read-button").first.click()
        page.wait_for_function("document.querySelector('#reader > button').getAttribute('aria-expanded') === 'true'")
        # quoted text in another language says so: the English original beside a Kazakh draft translation
        originals = page.locator("#sources .original-quote")
        if originals.count():
            assert originals.first.get_attribute("lang") == "en"
        assert page.locator("#doc-view .doc-text").get_attribute("role") == "region"
        switch_language(page, LANGUAGE_NAMES["ru"], "ru")
        assert page.locator("#chat [role=log]").get_attribute("aria-label") == t("chat_label", "ru")
    finally:
        offline.context.close()


def test_reduced_motion_is_respected_and_200_percent_zoom_loses_nothing(browser, pages):
    offline, page = open_page(browser, pages["student"], DESKTOP, reduced_motion="reduce")
    try:
        durations = page.locator("#new-chat, #starters button.starter").evaluate_all(
            "bs => bs.map(b => parseFloat(getComputedStyle(b).transitionDuration))"
        )
        assert durations and max(durations) <= 0.001, durations
        ask(page, STARTERS["en"][0])
        page.locator("#sources .read-button").first.click()
        page.wait_for_function("document.activeElement && document.activeElement.classList.contains('doc-text')")
    finally:
        offline.context.close()
    zoomed = {"width": DESKTOP["width"] // 2, "height": DESKTOP["height"] // 2}  # 200%: half the CSS pixels
    offline, page = open_page(browser, pages["student"], zoomed, device_scale_factor=2)
    try:
        ask(page, STARTERS["en"][0])
        page.locator("#sources .read-button").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= zoomed["width"], "cut off at the side"
        for selector in ("#language label", "#new-chat", "#question textarea", "#starters button.starter",
                         "#sources .read-button", "#reader > button"):  # fmt: skip
            target = page.locator(selector).last
            target.scroll_into_view_if_needed()
            box = target.bounding_box()
            assert target.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= zoomed["width"] + 1, selector
    finally:
        offline.context.close()
