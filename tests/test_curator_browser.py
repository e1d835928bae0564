"""The curator's console in Debian's headless Chromium: signed in and used by keyboard, 0 axe-core violations
(WCAG 2.1 AA and best practice) in English, Russian and Kazakh, on the sign-in page, the console with
needs and documents, and after a refused upload; a screenshot for the README."""

from __future__ import annotations

import importlib.util
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import require
from curator_kit import TOKEN, ConsoleServer, copy_seed

from assistant.feedback import record_unanswered
from assistant.types import Answer

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.browser]


def violations(page) -> list:
    require("axe-core", AXE.exists(), "run `make axe` (npm ci --prefix tools/axe)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))
             .violations.map(v => [v.id, v.nodes.map(n => n.target.join(' ')).slice(0, 3)])""",
        TAGS,
    )


@pytest.mark.timeout(300)
def test_the_console_by_keyboard_with_no_axe_violations_in_three_languages(tmp_path, seed_settings):
    require("browser", CHROMIUM.exists(), f"install Debian's chromium at {CHROMIUM} (`make browser`)")
    require("browser", importlib.util.find_spec("playwright") is not None, "install the dev extra (pip install -e '.[dev]')")
    from playwright.sync_api import sync_playwright

    settings = copy_seed(tmp_path, seed_settings)
    for hours, question in ((2, "Who built the reading room?"), (1, "Кто построил читальный зал?")):
        record_unanswered(settings.log_path("needs"), Answer(question, "no", True, language="ru" if "Кто" in question else "en"),
                          datetime.now(UTC) - timedelta(hours=hours))  # fmt: skip
    note = tmp_path / "script.exe"
    note.write_bytes(b"MZ")
    with ConsoleServer(settings) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            # The console sets a content security policy without 'unsafe-eval'; Playwright's polling evaluates strings.
            page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
            page.set_default_timeout(60_000)
            page.goto(server.url + "?lang=kk")
            assert page.evaluate("document.documentElement.lang") == "kk"
            assert violations(page) == [], "sign-in page"
            page.keyboard.press("Tab")  # the language links come first, then the form
            while page.evaluate("document.activeElement.id") != "who":
                page.keyboard.press("Tab")
            page.keyboard.type("Aigerim")
            page.keyboard.press("Tab")
            page.keyboard.type(TOKEN)
            page.keyboard.press("Enter")
            page.wait_for_selector("#docs-h")
            assert "Aigerim" in page.inner_text("main")
            for code, heading in (("kk", "Келушілер не іздеді"), ("ru", "Что искали посетители"), ("en", "What visitors needed")):
                page.goto(server.url + f"?lang={code}")
                assert page.inner_text("#needs-h") == heading and page.evaluate("document.documentElement.lang") == code
                assert violations(page) == [], f"console in {code}"
            assert "Кто построил читальный зал?" in page.inner_text("#needs-h + p + p + table")
            if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not (ROOT / "docs" / "screenshots" / "curator.png").exists():
                page.screenshot(path=str(ROOT / "docs" / "screenshots" / "curator.png"), full_page=False)
            # A refused upload: the message is announced (role=alert), in the page's language, and the page stays valid.
            page.goto(server.url + "?lang=ru")
            page.set_input_files("#file", str(note))
            page.fill("#new-title", "Программа")
            page.locator("#add-h ~ form button[type=submit]").click()
            page.wait_for_selector("[role=alert]")
            assert "можно добавлять только файлы .txt, .md, .html и .pdf" in page.inner_text("[role=alert]")
            assert page.input_value("#new-title") == "Программа", "the curator's values stay in the form"
            assert violations(page) == [], "after a refused upload"
            # Rebuilding: the progress bar follows the job and the page says when the new build serves.
            page.locator("#rebuild button[type=submit]").click()
            page.wait_for_function("document.querySelector('#rebuild').dataset.state === 'done'", timeout=120_000)
            assert "Перестроено: работает сборка build-" in page.inner_text("#rebuild .status-text")
            assert page.evaluate("document.querySelector('#rebuild progress').value") == 100
            page.focus("#new-title")
            ring = page.evaluate("[getComputedStyle(document.activeElement).outlineStyle, getComputedStyle(document.activeElement).outlineWidth]")
            assert ring == ["solid", "3px"], "a visible focus ring"
        finally:
            browser.close()
