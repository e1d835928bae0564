"""How the pages travel (assistant/web/delivery.py): compressed, cached where their names carry their content, and
described in their language, on a real server (the student page and the kiosk) and through a real nginx."""

from __future__ import annotations

import gzip
import html
import http.client
import json
import re
from urllib.parse import urlparse

import pytest
from test_app import TROTSKY, client

from assistant.bench.serving import free_port
from assistant.web.delivery import WEEK, YEAR, cache_control
from assistant.web.i18n import LANGUAGES, t
from assistant.web.page import create_app, page_head
from assistant.web.serve import launch_options

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")
GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def pages(assistant, seed_settings, tmp_path_factory):
    """{"student": url, "kiosk": url}, each served in-process as app.py serves it (the JSON API beside the student page)."""
    folder = tmp_path_factory.mktemp("delivery")
    built, urls = [], {}
    for name, overrides in (("student", {}), ("kiosk", {"kiosk": True})):
        settings = seed_settings.with_overrides(feedback_path=folder / f"{name}.jsonl", **overrides)
        app = create_app(assistant, settings)
        options = launch_options(settings, assistant, server_port=free_port(), prevent_thread_lock=True, quiet=True)
        urls[name] = app.launch(**options)[1]
        built.append(app)
    yield urls
    for app in built:
        app.close()


def fetch(url: str, path: str, headers: dict | None = None, body_limit: int | None = None, post: dict | None = None):
    """(status, headers with lower-case names, body) of a GET (a POST of `post` as JSON); the body cut at body_limit
    (0: not read at all)."""
    parts = urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        if post is None:
            conn.request("GET", path, headers=headers or {})
        else:
            conn.request("POST", path, json.dumps(post), (headers or {}) | {"Content-Type": "application/json"})
        response = conn.getresponse()
        body = b"" if body_limit == 0 else response.read(body_limit) if body_limit else response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def page_assets(url: str) -> list[str]:
    """The /assets/ files the page's HTML names (Vite's hashed bundles)."""
    _, _, body = fetch(url, "/")
    return re.findall(r'(?:src|href)="\.?(/assets/[^"]+)"', body.decode())


def test_cache_lifetimes_follow_what_a_url_says_of_its_content():
    assert cache_control("/assets/index-DphvyggB.js", "") == YEAR  # Vite puts a hash of the content in the name
    assert cache_control("/theme.css", "v=9ae3da464ecc722d") == YEAR
    assert cache_control("/theme.css", "") is None
    cached = "/gradio_api/file=/tmp/gradio/" + "ab" * 32 + "/scan.png"  # Gradio's cache: a folder per content hash
    assert cache_control(cached, "") == YEAR
    assert cache_control("/gradio_api/file=/srv/corpus/scan.png", "") is None  # a file by its own path may change
    assert cache_control("/static/fonts/SourceSansPro/SourceSansPro-Regular.woff2", "") == WEEK
    assert cache_control("/favicon.ico", "") == WEEK
    for path in ("/", "/config", "/gradio_api/info", "/api/v1/ask", "/gradio_api/queue/data"):
        assert cache_control(path, "") is None, path


@pytest.mark.server
@pytest.mark.parametrize("name", ["student", "kiosk"])
def test_html_json_js_and_css_are_compressed(pages, name):
    url = pages[name]
    for path in ("/", "/config", "/gradio_api/info", *page_assets(url)):
        status, headers, body = fetch(url, path, GZIP)
        assert status == 200, path
        if "content-encoding" not in headers:  # under 500 bytes (the kiosk's API list), gzip would only add to it
            assert len(body) < 500, (path, headers)
            continue
        assert headers["content-encoding"] == "gzip", (path, headers)
        assert "accept-encoding" in headers.get("vary", "").lower(), path
        plain = gzip.decompress(body)
        if path == "/config":
            assert json.loads(plain)["components"]
        elif path == "/":
            assert b"gradio_config" in plain
    status, headers, body = fetch(url, "/", {"Accept-Encoding": "identity"})
    assert status == 200 and "content-encoding" not in headers and b"gradio_config" in body  # no gzip unless asked


@pytest.mark.server
def test_the_json_api_is_compressed_too(pages):
    status, headers, body = fetch(pages["student"], "/api/v1/ask", GZIP, post={"question": TROTSKY})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert "16 June 2001" in json.loads(gzip.decompress(body))["text"]


@pytest.mark.server
def test_server_sent_events_stream_uncompressed_and_the_queue_still_answers(pages):
    url = pages["student"]
    # The headers only: the stream's first bytes come with Gradio's heartbeat, many seconds later.
    status, headers, body = fetch(url, "/gradio_api/heartbeat/delivery-test", GZIP, body_limit=0)
    assert status == 200, (status, headers, body)
    assert headers["content-type"].startswith("text/event-stream"), headers  # (was inside the message, never checked)
    assert "content-encoding" not in headers
    answer = client(url).predict(TROTSKY, api_name="/ask")  # gradio_client reads its answer from the event stream
    assert "16 June 2001" in answer["text"]


@pytest.mark.server
def test_hashed_bundles_are_cached_for_a_year_and_the_page_is_not(pages):
    url = pages["kiosk"]
    assets = page_assets(url)
    assert assets
    for path in assets:
        assert fetch(url, path)[1].get("cache-control") == YEAR, path
    _, headers, body = fetch(url, "/config")
    assert "cache-control" not in headers
    theme = f"/theme.css?v={json.loads(body)['theme_hash']}"
    assert fetch(url, theme)[1].get("cache-control") == YEAR
    font = "/static/fonts/SourceSansPro/SourceSansPro-Regular.woff2"
    status, headers, _ = fetch(url, font, GZIP)
    assert status == 200 and headers.get("cache-control") == WEEK and "content-encoding" not in headers
    for path in ("/", "/gradio_api/info"):
        assert "cache-control" not in fetch(url, path)[1], path
    assert "cache-control" not in fetch(url, "/assets/no-such-file.js")[1]  # a 404 is never cached


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_meta_description_is_in_the_language_the_page_opens_in(seed_settings, language):
    for settings in (seed_settings.with_overrides(page_language=language),
                     seed_settings.with_overrides(kiosk=True, kiosk_language=language)):  # fmt: skip
        head = page_head(settings)
        assert f'<meta name="description" content="{t("meta_description", language)}">' in head
    assert len({t("meta_description", code) for code in LANGUAGES}) == 3


@pytest.mark.server
@pytest.mark.browser
def test_the_page_carries_its_description_and_follows_a_language_switch(pages, browser):
    from browser_kit import open_page, switch_language

    offline, page = open_page(browser, pages["kiosk"])  # a kiosk opens in Kazakh
    description = "document.querySelector('meta[name=\"description\"]').content"
    assert page.evaluate(description) == t("meta_description", "kk")
    switch_language(page, "English", "en")
    assert page.evaluate(description) == t("meta_description", "en")
    offline.check("description")
    offline.context.close()


@pytest.mark.server
@pytest.mark.parametrize("name", ["student", "kiosk"])
def test_the_page_itself_carries_its_header_before_any_script(pages, name):
    """assistant/web/shell.py: the header, in the language the page opens in, is in the HTML Gradio sends, inside
    its <gradio-app>, whether the page travels compressed or not."""
    title = t("title_kiosk", "kk") if name == "kiosk" else t("title_student", "en")
    for headers in (GZIP, {"Accept-Encoding": "identity"}):
        status, got, body = fetch(pages[name], "/", headers)
        page = (gzip.decompress(body) if got.get("content-encoding") == "gzip" else body).decode()
        assert status == 200 and int(got["content-length"]) == len(body)
        app = page[page.index("<gradio-app") : page.index("</gradio-app>")]
        assert 'id="page-shell"' in app and f"<h1>{html.escape(title)}</h1>" in app


@pytest.mark.server
@pytest.mark.browser
def test_the_header_shows_with_no_script_and_steps_aside_for_gradios(pages, browser):
    """Before Gradio's scripts have run (here: none run at all), the visitor reads the page's title; once Gradio has
    built the page, the shell is gone and the title shows once, in Gradio's header."""
    from browser_kit import Offline, open_page

    title = t("title_student", "en")
    still = Offline.open(browser, java_script_enabled=False)
    bare = still.new_page()
    bare.goto(pages["student"])
    assert bare.locator("#page-shell h1").inner_text() == title and bare.locator("#page-shell h1").is_visible()
    assert bare.locator("#header").count() == 0  # nothing of Gradio's is built without its scripts
    still.check("no script")
    still.context.close()
    offline, page = open_page(browser, pages["student"])
    page.wait_for_function("!document.getElementById('page-shell')")
    assert page.locator("h1", has_text=title).count() == 1 and page.locator("#header h1").is_visible()
    offline.check("shell")
    offline.context.close()


@pytest.mark.server
@pytest.mark.browser
def test_the_header_never_hides_a_page_gradio_cannot_build(pages, browser):
    """With Gradio's scripts refused, the shell gives way after its 15 s (on the page's faked clock), leaving what
    Gradio's page shows without them."""
    from browser_kit import Offline

    offline = Offline.open(browser)
    offline.context.route("**/assets/index-*.js", lambda route: route.abort())
    page = offline.new_page()
    page.clock.install()
    page.goto(pages["kiosk"])
    page.clock.run_for(5_000)
    assert page.locator("#page-shell").is_visible()
    page.clock.run_for(11_000)
    assert page.locator("#page-shell").count() == 0
    offline.context.close()


@pytest.mark.nginx
@pytest.mark.server
@pytest.mark.slow
def test_nginx_compresses_at_the_edge_and_passes_the_cache_headers_on(seed_settings, tmp_path):
    """deploy/nginx/assistant.conf: a replica behind a real nginx; the page, its bundles and the API come gzipped
    (the replica asked for plain bodies), the event streams come plain, and a question is answered through them."""
    from conftest import require
    from test_nginx import nginx_present

    from assistant.serving.replicas import start_cluster, stop_cluster

    require("nginx", nginx_present(), "apt-get install -y nginx (the Makefile's test target installs it)")
    env = {"ASSISTANT_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl")}
    cluster = start_cluster(seed_settings.index_dir, replicas=1, folder=tmp_path / "cluster", env=env)
    try:
        url = cluster.url
        for path in ("/", "/config", *page_assets(url)):
            status, headers, body = fetch(url, path, GZIP)
            assert status == 200 and headers.get("content-encoding") == "gzip", (path, headers)
            assert gzip.decompress(body), path
            if path.startswith("/assets/"):
                assert headers.get("cache-control") == YEAR, path
        status, headers, body = fetch(url, "/api/v1/ask", GZIP, post={"question": TROTSKY})
        assert status == 200 and headers.get("content-encoding") == "gzip"
        assert "16 June 2001" in json.loads(gzip.decompress(body))["text"]
        status, headers, _ = fetch(url, "/gradio_api/heartbeat/nginx-test", GZIP, body_limit=6)
        assert status == 200 and "content-encoding" not in headers
        assert "16 June 2001" in client(url).predict(TROTSKY, api_name="/ask")["text"]
    finally:
        stop_cluster(cluster)
