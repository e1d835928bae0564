"""Probing a running kiosk as a hostile visitor would: file routes, malformed API calls, injected markup.

The kiosk app is built with `create_app` and served in-process on 127.0.0.1 at a free port, with the
launch options `python app.py --kiosk` uses. Nothing on disk may be read through it, errors carry no
traceback or server path, and markup sent in a question comes back as plain text, escaped when shown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from helpers import ROOT, SEED_CORPUS

from assistant.bench.serving import free_port
from assistant.index.layout import read_manifest
from assistant.web import render

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SCRIPT = "<script>alert('x')</script>"
QUESTION = "When did Russia rehabilitate Leon Trotsky?"


@pytest.fixture(scope="module")
def kiosk(seed_settings, encoder):
    """A kiosk server on loopback, as `python app.py --kiosk` serves it; yields (base url, settings)."""
    from assistant import Assistant
    from assistant.index.read import load_index
    from assistant.web.page import create_app
    from assistant.web.serve import launch_options

    settings = seed_settings.with_overrides(kiosk=True, host="127.0.0.1", port=free_port())
    assistant = Assistant(load_index(settings.index_dir, encoder.model_id), encoder, settings)
    demo = create_app(assistant, settings)
    demo.launch(**launch_options(settings), prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{settings.port}", settings
    finally:
        demo.close()


@pytest.fixture(scope="module")
def client(kiosk):
    with httpx.Client(base_url=kiosk[0], timeout=60, follow_redirects=False) as c:
        yield c


def secrets_on_disk(settings) -> dict[str, str]:
    """Files a visitor must never read, each with a piece of its content to look for in responses."""
    build, _ = read_manifest(settings.index_dir)
    files = {
        "/etc/passwd": "root:",
        str(ROOT / "app.py"): "def main",
        str(ROOT / "assistant" / "web" / "page.py"): "def create_app",
        str(ROOT / "assistant" / "config.py"): "class Settings",
        str(build / "manifest.json"): '"format_version"',
        str(build / "documents.jsonl"): '"title"',
        str(settings.index_dir / "CURRENT"): build.name,
        str(SEED_CORPUS / "sources.toml"): "licence",
        str(SEED_CORPUS / "rehabilitation-soviet.txt"): "reabilitatsiya",
    }
    return files


def traversal_urls(settings) -> list[str]:
    """Gradio's file routes asked for files outside anything it serves, plainly and with URL tricks."""
    urls = []
    for path, _ in secrets_on_disk(settings).items():
        rel_up = "../" * 12 + path.lstrip("/")
        urls += [
            f"/gradio_api/file={path}",
            f"/file={path}",
            f"/gradio_api/file={rel_up}",
            f"/gradio_api/file={rel_up.replace('/', '%2f').replace('..', '%2e%2e')}",
            f"/gradio_api/file={rel_up.replace('/', '%252f').replace('..', '%252e%252e')}",
            f"/gradio_api/file={rel_up.replace('/', chr(92))}",
            f"/gradio_api/file=/{path}",
            f"/gradio_api/file={path}%00.png",
            f"/gradio_api/file/{path}",
            f"/static/{rel_up}",
            f"/assets/{rel_up}",
            f"/gradio_api/static/{rel_up}",
            f"/favicon.ico/{rel_up}",
        ]
    for rel in (
        "app.py",
        "index/CURRENT",
        "corpus/sources.toml",
        "assistant/config.py",
        "pyproject.toml",
        ".git/config",
    ):
        urls += [f"/gradio_api/file={rel}", f"/file={rel}", f"/{rel}", f"/gradio_api/{rel}"]
    urls += [
        "/gradio_api/file=/proc/self/environ",
        "/gradio_api/file=/proc/self/cmdline",
        "/gradio_api/file=file:///etc/passwd",
        "/gradio_api/file=http://127.0.0.1:1/",
        "/gradio_api/proxy=http://127.0.0.1:1/etc/passwd",
        "/gradio_api/file=~/.bashrc",
    ]
    return urls


@pytest.mark.server
def test_file_routes_refuse_traversal_and_url_tricks(kiosk):
    """Every trick gets 400, 403 or 404 (never a file, never a 500), and no response holds a secret's content."""
    base, settings = kiosk
    secrets = secrets_on_disk(settings)
    wrong = []
    with httpx.Client(base_url=base, timeout=60) as http:
        for url in traversal_urls(settings):
            # httpx would normalise "../" away; send the raw path as an attacker's client would
            response = http.send(http.build_request("GET", httpx.URL(base + "/").copy_with(raw_path=url.encode())))
            body = response.text
            leaked = [path for path, marker in secrets.items() if marker in body and marker not in url]
            if response.status_code not in (400, 403, 404) or leaked:
                wrong.append((url, response.status_code, leaked, body[:120]))
            asked = unquote(unquote(url))  # what the server decoded from the asker's own URL
            echoed = [path for path in server_paths(settings) if path in body and path not in asked]
            if "Traceback" in body or echoed:  # echoing the asker's own path back tells nothing new
                wrong.append((url, response.status_code, echoed, body[:200]))
    assert not wrong, wrong


class WrongStatus(AssertionError):
    """A probe was refused with another status than it should be (and nothing worse)."""


STREAM_404 = "an event stream whose first event is a 404 error"
CLIENT_ERROR = range(400, 500)


def probe(name, method, url, body, expected, *marks):
    """A hostile request and the status it must get: a number, a range, or STREAM_404."""
    return pytest.param(method, url, body, expected, id=name, marks=marks)


MALFORMED = [
    probe("not-json", "POST", "/gradio_api/call/ask", b"not json", 422),
    probe("data-not-a-list", "POST", "/gradio_api/call/ask", b'{"data": "not a list"}', 422),
    probe("no-arguments", "POST", "/gradio_api/call/ask", b'{"data": []}', 200),
    probe("too-many-arguments", "POST", "/gradio_api/call/ask", b'{"data": [1, 2, 3, 4, 5]}', 200),
    probe("nested-junk", "POST", "/gradio_api/call/ask", b'{"data": [{"nested": [[[[[]]]]]}, {"x": 1}]}', 200),
    probe("lone-surrogate", "POST", "/gradio_api/call/ask", b'{"data": ["\\ud800 trotsky", []]}', 200),
    probe(
        "junk-history",
        "POST",
        "/gradio_api/call/ask",
        b'{"data": ["q", [{"role": "user", "content": {"x": 1}}, 7, null]]}',
        200,
    ),
    probe("two-megabytes", "POST", "/gradio_api/call/ask", b'{"data": ["' + b"A" * 2_000_000 + b'", []]}', 200),
    probe("binary-garbage", "POST", "/gradio_api/call/ask", b"\xff\xfe\x00garbage", 422),
    probe("deep-brackets", "POST", "/gradio_api/call/ask", b"[" * 100_000 + b"]" * 100_000, 400),
    # Gradio alone answers the next four with a bare 500; assistant/web/guard.py answers 404 in front of it
    probe("unknown-api-name", "POST", "/gradio_api/call/does_not_exist", b'{"data": []}', 404),
    probe("unknown-event-id", "GET", "/gradio_api/call/ask/not-an-event-id", None, STREAM_404),
    probe(
        "unknown-fn-index",
        "POST",
        "/gradio_api/queue/join",
        b'{"data": [], "fn_index": 99999, "session_hash": "x"}',
        CLIENT_ERROR,
    ),
    probe(
        "negative-fn-index",
        "POST",
        "/gradio_api/queue/join",
        b'{"data": ["q"], "fn_index": -1, "session_hash": "../../etc"}',
        CLIENT_ERROR,
    ),
    probe("join-null-data", "POST", "/gradio_api/queue/join", b'{"data": null}', 422),
    probe("session-traversal", "GET", "/gradio_api/queue/data?session_hash=../../../../etc/passwd", None, STREAM_404),
    probe("run-predict", "POST", "/gradio_api/run/predict", b'{"data": ["q"]}', 404),
    probe("call-v2-unknown", "POST", "/gradio_api/call/v2/does_not_exist", b"{}", 404),
    probe("api-unknown", "POST", "/gradio_api/api/does_not_exist/", b'{"data": ["q"]}', 404),
    probe(
        "join-fn-index-text",
        "POST",
        "/gradio_api/queue/join",
        b'{"data": [], "fn_index": "99999", "session_hash": "x"}',
        404,
    ),
    probe(
        "join-fn-index-float",
        "POST",
        "/gradio_api/queue/join",
        b'{"data": [], "fn_index": 1e9, "session_hash": "x"}',
        404,
    ),
    # the direct-POST routes would answer outside the queue (past queue_max_size and queue_concurrency):
    # app.queue(api_open=False) refuses them, so /ask is reached only through the queue
    probe("direct-post-junk", "POST", "/gradio_api/api/ask", b'{"data": ["q"]}', 404),
    probe("direct-post-question", "POST", "/gradio_api/api/ask", json.dumps({"data": [QUESTION, []]}).encode(), 404),
    probe("direct-post-run", "POST", "/gradio_api/run/ask", json.dumps({"data": [QUESTION, []]}).encode(), 404),
    probe(
        "upload-traversal",
        "POST",
        "/gradio_api/upload",
        b'--x\r\nContent-Disposition: form-data; name="files"; filename="../../a.txt"\r\n\r\n'
        + b"A" * 4096
        + b"\r\n--x--\r\n",
        413,
    ),
    probe("upload-progress-traversal", "GET", "/gradio_api/upload_progress?upload_id=../../etc", None, 404),
    probe("heartbeat-traversal", "GET", "/gradio_api/heartbeat/../../etc/passwd", None, 404),
    probe("cancel-junk", "POST", "/gradio_api/cancel", b'{"session_hash": 1, "fn_index": "x", "event_id": []}', 422),
    probe("info-percent-signs", "GET", "/gradio_api/info?x=" + "%" * 1000, None, 200),
]


def _events(stream_text: str) -> list[tuple[str, str]]:
    events, kind = [], None
    for line in stream_text.splitlines():
        if line.startswith("event:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((kind, line.split(":", 1)[1].strip()))
    return events


def server_paths(settings) -> list[str]:
    """Strings that would tell a visitor where the server keeps its code and data."""
    import gradio

    return [str(ROOT), str(settings.index_dir), str(Path(gradio.__file__).parent), "site-packages", "/work/", "/root/"]


def assert_no_trace_or_path(text: str, settings, context) -> None:
    assert "Traceback" not in text and 'File "' not in text, (context, text[:300])
    for path in server_paths(settings):
        assert path not in text, (context, path, text[:300])


@pytest.mark.server
@pytest.mark.timeout(300)
@pytest.mark.parametrize("method, url, body, expected", MALFORMED)
def test_a_malformed_request_gets_its_status_and_no_trace_or_server_path(kiosk, method, url, body, expected):
    base, settings = kiosk
    headers = {"content-type": "multipart/form-data; boundary=x" if "upload" in url else "application/json"}
    # a connection of its own, so no probe can pass or fail because of what an earlier one did to a shared one;
    # a timeout or a dropped connection is an error of the test, never a pass
    with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as http:
        if expected == STREAM_404:
            with http.stream(method, url, headers=headers) as response:
                assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
                kind, data = first_event(response)  # read no further: Gradio drops such a stream after its error
            # the queue's own error shape: an `error` event, or a message naming the 404 (an unknown session)
            assert kind == "error" or json.loads(data)["msg"] == "unexpected_error", (kind, data)
            assert "404" in data, data
            assert_no_trace_or_path(data, settings, url)
            return
        response = http.request(method, url, content=body, headers=headers)
        context = (method, url, response.status_code)
        # Gradio answers an upload with the temp path it stored the file at; see docs/security.md
        if "upload" not in url:
            assert_no_trace_or_path(response.text, settings, context)
        if response.status_code == 500:
            assert len(response.text) < 200, context  # even Gradio's own 500s say nothing more
        if url.startswith("/gradio_api/call/ask") and response.status_code == 200:
            event_id = response.json()["event_id"]
            stream = http.get(f"/gradio_api/call/ask/{event_id}")
            assert stream.status_code == 200, context
            assert_no_trace_or_path(stream.text, settings, context)
            events = _events(stream.text)
            assert events and events[-1][0] in ("complete", "error"), (context, stream.text[:300])
            if events[-1][0] == "complete":
                (result,) = json.loads(events[-1][1])
                assert isinstance(result["text"], str) and result["text"], context
        wanted = expected if isinstance(expected, range) else (expected,)
        if response.status_code not in wanted:
            raise WrongStatus(
                f"{method} {url[:80]}: {response.status_code}, expected {expected}: {response.text[:200]}"
            )


def first_event(response) -> tuple[str | None, str]:
    """The first server-sent event of a streamed response: (event kind, data)."""
    kind = None
    for line in response.iter_lines():
        if line.startswith("event:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            return kind, line.split(":", 1)[1].strip()
    raise AssertionError("the stream ended without an event")


@pytest.mark.server
def test_the_kiosk_publishes_no_api_description_and_no_server_paths(client, kiosk):
    _, settings = kiosk
    info = client.get("/gradio_api/info")
    assert info.status_code == 200
    assert not info.json().get("named_endpoints"), info.json()  # /ask works but is not advertised on a kiosk
    config = client.get("/config")
    assert_no_trace_or_path(config.text, settings, "/config")
    assert config.json()["show_error"] is False
    page = client.get("/")
    assert_no_trace_or_path(page.text, settings, "/")


@pytest.mark.server
def test_the_kiosk_listens_only_where_told_and_shares_nothing(kiosk):
    """The listening socket itself is bound to 127.0.0.1: this machine's other addresses are refused."""
    import socket

    import psutil

    from assistant.web.serve import launch_options

    _, settings = kiosk
    listening = [
        c.laddr.ip
        for c in psutil.net_connections("inet")
        if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == settings.port
    ]
    assert listening == ["127.0.0.1"], listening  # not 0.0.0.0, not ::, nothing else
    with socket.create_connection(("127.0.0.1", settings.port), timeout=30):
        pass
    for address in own_addresses():  # this machine's own addresses only: the traffic never leaves it
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, settings.port), timeout=30).close()

    options = launch_options(settings)
    assert options["server_name"] == "127.0.0.1"
    assert options["share"] is False and options["show_error"] is False
    assert options["mcp_server"] is False and options["enable_monitoring"] is False
    assert options["max_file_size"] <= 1024 * 1024
    assert options["footer_links"] == []


def own_addresses() -> list[str]:
    """The addresses of this machine's interfaces other than loopback (IPv4, and IPv6 but link-local)."""
    import ipaddress
    import socket

    import psutil

    found = []
    for addresses in psutil.net_if_addrs().values():
        for a in addresses:
            if a.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            ip = ipaddress.ip_address(a.address.split("%")[0])
            if not ip.is_loopback and not ip.is_link_local:
                found.append(str(ip))
    return found


def ask(client, question, history=None, language="en") -> dict:
    """/ask over Gradio's plain HTTP API, which wants every argument: question, history, the page's language."""
    response = client.post("/gradio_api/call/ask", json={"data": [question, history or [], language]})
    assert response.status_code == 200, response.text
    stream = client.get(f"/gradio_api/call/ask/{response.json()['event_id']}")
    kind, data = _events(stream.text)[-1]
    assert kind == "complete", stream.text[:300]
    (result,) = json.loads(data)
    return result


def assert_plain(value, where="") -> None:
    """JSON data only: strings, numbers, flags, lists and dicts of them."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str)
            assert_plain(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            assert_plain(v, f"{where}[{i}]")
    else:
        assert value is None or isinstance(value, (str, int, float, bool)), where


INJECTIONS = [
    SCRIPT,
    '<img src=x onerror="alert(1)">',
    "<iframe src=javascript:alert(1)></iframe>",
    "[click me](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "<style>body{display:none}</style>",
]


@pytest.mark.server
@pytest.mark.parametrize("markup", INJECTIONS)
def test_injected_markup_comes_back_as_plain_text_and_renders_escaped(client, markup):
    from assistant.types import Answer, Citation

    result = ask(client, f"{markup} {QUESTION} {markup}", history=[{"role": "user", "content": markup}])
    assert_plain(result)
    assert markup not in result["text"]  # answers are quoted sources; the markup stays in the echoed question
    assert markup in result["question"] or result.get("error")
    citations = tuple(Citation(**c) for c in result["citations"])
    further = tuple(Citation(**c) for c in result["further_reading"])
    answer = Answer(
        result["question"],
        result["text"],
        result["abstained"],
        citations,
        further,
        result["retrieval_query"],
        result["notice"],
    )
    shown = [
        markdown_html(render.question_markdown(result["question"])),
        markdown_html(render.answer_markdown(answer)),
        render.sources_html(answer),
    ]
    for html in shown:
        assert_no_live_markup(html)


# a dangerous tag, or an event handler or javascript: URL inside any real tag
LIVE_MARKUP = re.compile(
    r"<\s*/?\s*(script|img|iframe|svg|style|object|embed|a)\b|<[a-z][^<>]*(\son\w+\s*=|javascript:)", re.I
)


def markdown_html(text: str) -> str:
    """Markdown as HTML with raw HTML allowed through: stricter than the page, which also sanitises."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).render(text)


def assert_no_live_markup(html: str) -> None:
    found = LIVE_MARKUP.search(html)
    assert not found, html[max(0, found.start() - 80) : found.end() + 80]


def test_markup_inside_a_source_is_shown_as_text(tmp_path, encoder):
    """A source file that contains markup (a transcribed web page, say) never becomes live HTML on the screen."""
    from assistant import Assistant
    from assistant.config import Settings
    from assistant.index.build import build_index
    from assistant.index.read import load_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.txt").write_text(
        "= Archive page =\n\nThe archive card of Ivan Petrov was reviewed in 1957 <script>alert('card')</script> "
        'and he was rehabilitated in 1958 <img src=x onerror="alert(2)">. Nothing else is known.\n',
        encoding="utf-8",
    )
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")
    build_index(settings, encoder=encoder)
    assistant = Assistant(load_index(settings.index_dir, encoder.model_id), encoder, settings)
    answer = assistant.ask("When was Ivan Petrov rehabilitated?")
    cited = answer.citations or answer.further_reading
    assert cited and any("<script>" in c.passage or "<img" in c.passage for c in cited)
    document = assistant.document(cited[0].doc_id)
    shown = [
        markdown_html(render.answer_markdown(answer)),
        render.sources_html(answer),
        render.document_html(document, cited[0].start, cited[0].end, cited[0].n),
    ]
    for html in shown:
        assert_no_live_markup(html)
    assert "&lt;script&gt;" in render.document_html(document, 0, 0)


@pytest.mark.server
def test_uploads_are_capped_and_stay_in_gradio_temp_folder(client, kiosk):
    """The page has no upload, but Gradio's upload route stays open: it must at least be tiny and contained."""
    _, settings = kiosk
    big = client.post("/gradio_api/upload", files={"files": ("big.txt", b"A" * 4096)})
    assert big.status_code == 413
    small = client.post("/gradio_api/upload", files={"files": ("../../../escape.txt", b"tiny")})
    assert small.status_code == 200, small.text  # accepted, and kept where Gradio keeps its temp files
    (stored,) = small.json()
    assert "/gradio/" in stored and Path(stored).name == "escape.txt"
    assert not Path(stored).resolve().is_relative_to(ROOT)
    assert not (ROOT / "escape.txt").exists() and not Path("/escape.txt").exists()
