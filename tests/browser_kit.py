"""What the browser tests share: Debian's Chromium, a context that lets nothing leave the machine, axe-core.

Imported by tests/test_browser*.py (no tests here). The pages are served in-process with `create_app`
on free local ports; the browser is Playwright's Python API driving /usr/bin/chromium (never
`playwright install`). axe-core comes from npm (`make axe`: tools/axe/, its lockfile committed).
"""

from __future__ import annotations

import importlib.util
import io
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from conftest import require

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
LOCAL = "127.0.0.1"  # the only host a page may ask anything of
WAIT = 60_000  # ms; a shared two-core machine can be slow, the page is not
BOTS = "document.querySelectorAll('#chat [data-testid=\"bot\"]').length"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# WCAG 2.1 A and AA plus axe's best practices; the kiosk also at AAA contrast (7:1).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_TAGS_KIOSK = [*AXE_TAGS, "wcag2aaa"]

LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@contextmanager
def chromium():
    """Debian's headless Chromium through Playwright, with the flags every browser test uses."""
    require("browser", CHROMIUM.exists(), f"install Debian's chromium at {CHROMIUM} (`make browser`)")
    require(
        "browser", importlib.util.find_spec("playwright") is not None, "install the dev extra (pip install -e '.[dev]')"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


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


def open_page(browser, url: str, viewport=None, **options):
    """(context, page) at `url`, its question box ready; the caller closes the context."""
    offline = Offline.open(browser, viewport=viewport or {"width": 1280, "height": 860}, **options)
    page = offline.new_page()
    page.goto(url)
    page.locator("#question textarea").wait_for()
    page.wait_for_function("window.__pageLanguage !== undefined")
    return offline, page


def settled(page) -> None:
    """The page loaded, its fonts and images fetched: what a load asks for has been asked for."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")


def ask(page, question: str) -> None:
    """Type a question, press Enter, and wait for its answer to appear in the chat (and the box to empty)."""
    before = page.evaluate(BOTS)
    box = page.locator("#question textarea")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box.fill(question)
    box.press("Enter")
    try:
        page.wait_for_function(f"{BOTS} > {before}", timeout=15_000)
    except PlaywrightTimeout:
        # Gradio ignores a submit while the previous answer's event is still being marked finished (its
        # trigger mode "once"); on a loaded machine the test can press Enter in that gap, where a visitor
        # would simply press again. The question is still in the box, so press again, once.
        if box.input_value() == question:
            box.press("Enter")
        page.wait_for_function(f"{BOTS} > {before}")
    page.wait_for_function("document.querySelector('#question textarea').value === ''")  # the answer's update is in


def wait_for_attribute(page, selector: str, name: str, value: str) -> None:
    """Wait until an element's attribute says `value` (a click's update lands a moment after the click)."""
    page.wait_for_function(
        "([s, n, v]) => { const e = document.querySelector(s); return e && e.getAttribute(n) === v; }",
        arg=[selector, name, value],
    )


def last_answer(page):
    return page.locator('#chat [data-testid="bot"]').last


def switch_language(page, name: str, code: str) -> None:
    page.locator("#language").get_by_text(name, exact=True).click()
    page.wait_for_function(f"document.documentElement.lang === '{code}'")


def axe(page, tags=AXE_TAGS) -> list[dict]:
    """axe-core's violations on the page as it stands: [{id, impact, nodes: [target, summary]}]."""
    require("axe-core", AXE.exists(), "run `make axe` (npm ci --prefix tools/axe)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    page.wait_for_timeout(350)  # let transitions finish: axe reads colours as they are drawn
    return page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.map(n => [n.target.join(' '), n.failureSummary.slice(0, 200)])}));
        }""",
        tags,
    )


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['nodes'][:4]}" for v in violations)


def save_screenshot(page, tmp_path: Path, name: str, full_page: bool = False, pointer_away: bool = True) -> Path:
    """A screenshot in tmp_path; also docs/screenshots/<name> when missing or UPDATE_SCREENSHOTS=1.

    The pointer is moved out of the way first (no hover colours), unless that would count as use.
    """
    shot = tmp_path / name
    if pointer_away:
        page.mouse.move(0, 0)
    page.screenshot(path=str(shot), full_page=full_page)
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


def pump_until(page, condition) -> None:
    """Wait for a condition on the server's side while Playwright keeps serving the page's routed requests."""
    while not condition():
        page.wait_for_timeout(50)
