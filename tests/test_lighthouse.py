"""Lighthouse 12.2.3 (tools/lighthouse, pinned by its lockfile) on both pages as app.py serves them (the student page
and --kiosk, on the seed index), with its default mobile emulation and Debian's chromium.

What issue 21 fixed is held as behaviour: layout shift (a property of the layout, not of the machine's speed), text
compression, cache lifetimes and the meta description. The scores and timings follow the machine's load: they are
printed here and recorded by `assistant bench` (its `pages` part), never asserted.
"""

from __future__ import annotations

import pytest
from conftest import require

from assistant.bench.lighthouse import lighthouse_missing, run_lighthouse, start_page
from assistant.bench.serving import free_port, stop_server, wait_for_server

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.timeout(900)]
PAGES = ("student", "kiosk")
# Lighthouse waits for a quiet network, which Gradio's open heartbeat request never gives, so each run waits out
# --max-wait-for-load: 45 s by default, 15 s here. A page's last request ended 1.1 s after the start (measured under a load
# average of 8 on 2 cores), so the trace still holds the whole load, and any shift in it, many times over.
MAX_WAIT_MS = 15_000


@pytest.fixture(scope="module")
def reports(seed_settings, tmp_path_factory) -> dict:
    """{page: Lighthouse's figures} for one load of each page, each served by its own app.py."""
    missing = lighthouse_missing()
    require("browser", missing is None, missing or "")
    folder = tmp_path_factory.mktemp("lighthouse")
    settings = seed_settings.with_overrides(feedback_path=folder / "feedback.jsonl")
    servers, urls = [], {}
    try:
        for name in PAGES:
            port = free_port()
            servers.append(start_page(name, port, settings, folder))
            urls[name] = f"http://127.0.0.1:{port}/"
        for (proc, log), url in zip(servers, urls.values(), strict=True):
            wait_for_server(url, proc, log)
        found = {name: run_lighthouse(url, folder, max_wait_ms=MAX_WAIT_MS) for name, url in urls.items()}
    finally:
        for proc, _ in servers:
            stop_server(proc)
    for name, r in found.items():
        print(f"{name}: performance {r['performance']}, LCP {r['lcp_ms']:.0f} ms, CLS {r['cls']:.3f}, "
              f"TBT {r['tbt_ms']:.0f} ms, SEO {r['seo']}; report {r['report']}")  # fmt: skip
    return found


@pytest.mark.parametrize("name", PAGES)
def test_the_page_does_not_shift_as_it_loads(reports, name):
    assert reports[name]["cls"] <= 0.1


@pytest.mark.parametrize("name", PAGES)
def test_every_text_response_is_compressed(reports, name):
    r = reports[name]
    assert r["uncompressed"] == [] and r["compression"] == 1


@pytest.mark.parametrize("name", PAGES)
def test_the_page_has_a_description(reports, name):
    assert reports[name]["meta_description"] == 1


@pytest.mark.parametrize("name", PAGES)
def test_only_gradios_unhashed_static_files_are_cached_for_less_than_lighthouse_asks(reports, name):
    """Hashed bundles are kept a year; /static/ (fonts, a script) a week, as their names do not change with them."""
    for url, days in reports[name]["short_cache"]:
        assert "/static/" in url and days >= 7, (url, days)
