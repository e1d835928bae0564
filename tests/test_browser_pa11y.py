"""A second accessibility engine: pa11y 10 (WCAG2AA, runners htmlcs and axe) in Debian's chromium.

pa11y comes from npm (`make pa11y`: tools/pa11y/, its lockfile committed) and launches /usr/bin/chromium
through its `chromeLaunchConfig.executablePath`; tools/pa11y/states.mjs drives each page through the
states the axe-core tests cover (tests/test_browser_access.py) and runs pa11y in each. Goal: no error on
the student page or the kiosk, in Kazakh, Russian and English, at the start, after an answer, with the
document open, after a refusal and with its further reading open.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, LANDSCAPE, LAUNCH_ARGS
from conftest import require
from test_app import REFUSED, serve
from test_browser_access import DESKTOP

from assistant.web.i18n import STARTERS
from assistant.web.page import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.timeout(900),
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),
]
ROOT = Path(__file__).parents[1]
PA11Y = ROOT / "tools" / "pa11y"
STATES = ["start", "answer", "document", "refusal", "refusal, document"]


def steps(language: str) -> list[dict]:
    """The states of tests/test_browser_access.py, as the plan's steps: switch language, ask, read, refuse, read."""
    bots = "document.querySelectorAll('#chat [data-testid=\"bot\"]').length"
    return [
        {"do": "click", "selector": f'#language input[value="{language}"]',
         "until": f"document.documentElement.lang === '{language}'"},
        {"check": "start"},
        {"do": "ask", "question": STARTERS[language][0], "visible": "#sources mark.quote",
         "until": "document.querySelector('#announce').innerText.length > 0"},
        {"check": "answer"},
        {"do": "click", "selector": "#sources .read-button", "visible": "#doc-view #doc-quote"},
        {"check": "document"},
        {"do": "key", "key": "Escape", "until": "!document.querySelector('#reader > button.label-wrap.open')"},
        {"do": "ask", "question": REFUSED, "visible": "#sources .source-card.further",
         "until": f"{bots} === 2"},
        {"check": "refusal"},
        {"do": "click", "selector": "#sources .read-button", "visible": "#doc-view #doc-quote"},
        {"check": "refusal, document"},
    ]  # fmt: skip


@pytest.fixture(scope="module")
def pages(assistant, seed_settings, tmp_path_factory):
    """{"student": url, "kiosk": url}."""
    folder = tmp_path_factory.mktemp("pa11y")
    built, urls = [], {}
    for name, overrides in (("student", {}), ("kiosk", {"kiosk": True})):
        settings = seed_settings.with_overrides(feedback_path=folder / f"{name}.jsonl", **overrides)
        app = create_app(assistant, settings)
        urls[name] = serve(app, settings)
        built.append(app)
    yield urls
    for app in built:
        app.close()


def run_pa11y(plan: dict, tmp_path: Path) -> list[dict]:
    """tools/pa11y/states.mjs on a plan: [{page, state, issues}]."""
    require("browser", CHROMIUM.exists(), f"install Debian's chromium at {CHROMIUM} (`make browser`)")
    require("pa11y", (PA11Y / "node_modules" / "pa11y").is_dir(), "run `make pa11y` (npm ci --prefix tools/pa11y)")
    require("node", shutil.which("node") is not None, "install Node.js (`make pa11y` installs Debian's npm)")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        ["node", str(PA11Y / "states.mjs"), str(path)], capture_output=True, text=True, timeout=840, cwd=PA11Y
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def describe(found: list[dict]) -> str:
    return "\n".join(
        f"{f['page']} / {f['state']}: {i['runner']} {i['code']} at {i['selector']}: {i['message'][:160]}"
        for f in found
        for i in f["issues"]
    )


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_pa11y_finds_no_error_in_any_state(pages, tmp_path, language):
    """Both pages, every state the axe-core tests cover, in one language: pa11y reports no error."""
    plan = {
        "chromeLaunchConfig": {"executablePath": str(CHROMIUM), "args": LAUNCH_ARGS},
        "pages": [
            {"name": name, "url": pages[name], "viewport": LANDSCAPE if name == "kiosk" else DESKTOP,
             "steps": steps(language)}
            for name in ("student", "kiosk")
        ],
    }  # fmt: skip
    found = run_pa11y(plan, tmp_path)
    assert [(f["page"], f["state"]) for f in found] == [(p, s) for p in ("student", "kiosk") for s in STATES]
    assert not any(f["issues"] for f in found), f"pa11y in {language}:\n{describe(found)}"
