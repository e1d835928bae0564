"""The JSON API (assistant.web.api) served for real beside the page on the seed index, over plain HTTP."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.bench.serving import free_port
from assistant.curator.needs import collect
from assistant.feedback import read_feedback
from assistant.messages import message
from assistant.web.api import api_enabled, app_kwargs, client_address
from assistant.web.handlers import PageHandlers
from assistant.web.i18n import t
from assistant.web.page import create_app
from assistant.web.serve import launch_options
from assistant.web.service import RateLimiter

TROTSKY = "When did Russia rehabilitate Leon Trotsky?"
pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")


@pytest.fixture(scope="module")
def served_settings(seed_settings, tmp_path_factory):
    """The served page's settings: its feedback and needs logs in a fresh folder."""
    return seed_settings.with_overrides(feedback_path=tmp_path_factory.mktemp("fb") / "f.jsonl")


@pytest.fixture(scope="module")
def server(assistant, served_settings):
    """The student page and its API on a free port: (host, port)."""
    settings = served_settings
    app = create_app(assistant, settings)
    port = free_port()
    app.launch(**launch_options(settings, assistant, server_port=port, prevent_thread_lock=True, quiet=True))
    yield "127.0.0.1", port
    app.close()


def call(server, method: str, path: str, body: bytes | str | dict | None = None, headers: dict | None = None):
    """(status, headers, parsed JSON or text) of one request on a fresh connection."""
    if isinstance(body, dict):
        body = json.dumps(body)
    connection = http.client.HTTPConnection(*server, timeout=30)
    connection.request(method, path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    try:
        return response.status, dict(response.getheaders()), json.loads(raw)
    except ValueError:
        return response.status, dict(response.getheaders()), raw.decode(errors="replace")


def check_quotes(result: dict, assistant) -> None:
    """Every cited quote is its document's text at its offsets (and a translation's original at its own)."""
    for c in result["citations"]:
        assert assistant.document(c["doc_id"]).text[c["start"] : c["end"]] == c["quote"]
        if c["translation"]:
            original = assistant.document(c["original_doc_id"]).text
            assert original[c["original_start"] : c["original_end"]] == c["original_quote"]


@pytest.mark.server
def test_ask_returns_the_same_answer_dict_as_the_page(server, assistant, seed_settings):
    status, _, result = call(server, "POST", "/api/v1/ask", {"question": TROTSKY})
    assert status == 200
    page = PageHandlers(assistant, seed_settings).api_ask(TROTSKY)
    assert result == json.loads(json.dumps(page))  # the page's /ask dict, through JSON
    assert "16 June 2001" in result["text"] and not result["abstained"] and result["language"] == "en"
    check_quotes(result, assistant)


@pytest.mark.server
def test_a_russian_question_quotes_the_translation_with_its_original(server, assistant):
    status, _, result = call(server, "POST", "/api/v1/ask", {"question": "Когда был реабилитирован Троцкий?"})
    assert status == 200 and result["language"] == "ru" and not result["abstained"]
    (cited,) = result["citations"]
    assert cited["translation"] is True and cited["language"] == "ru"
    check_quotes(result, assistant)


@pytest.mark.server
def test_history_and_language_are_used(server):
    history = [
        {"role": "user", "content": "Who was Leon Trotsky?"},
        {"role": "assistant", "content": "A revolutionary."},
    ]
    status, _, result = call(
        server, "POST", "/api/v1/ask", {"question": "When was he rehabilitated?", "history": history}
    )
    assert status == 200 and "16 June 2001" in result["text"]
    status, _, empty = call(server, "POST", "/api/v1/ask", {"question": "", "language": "kk"})
    assert status == 200 and empty["abstained"] and empty["language"] == "kk"


@pytest.mark.server
def test_a_refused_question_is_logged_for_the_curator_as_the_page_logs_it(server, served_settings):
    """Refusals go to "what visitors needed" (text, language, time only); answers and small talk do not."""
    needs = served_settings.log_path("needs")
    before = read_feedback(needs)
    refused = "Кто возглавлял советское правительство в 1986 году?"
    status, _, result = call(server, "POST", "/api/v1/ask", {"question": refused})
    assert status == 200 and result["abstained"] and result["kind"] == "refusal"
    for answered in (TROTSKY, "Спасибо!"):
        status, _, result = call(server, "POST", "/api/v1/ask", {"question": answered})
        assert status == 200 and not result["abstained"], result["text"]
    records = read_feedback(needs)[len(before) :]
    assert [(r["question"], r["language"]) for r in records] == [(refused, "ru")]
    assert set(records[0]) == {"time", "question", "language", "source"} and records[0]["source"] == "api"
    assert (refused, "ru", "unanswered") in {(n.question, n.language, n.kind) for n in collect(served_settings)}


@pytest.mark.server
def test_health_and_documents(server, assistant):
    status, _, health = call(server, "GET", "/api/v1/health")
    assert status == 200 and health["ready"] is True
    assert (
        health["index_id"] == assistant.index.path.name and health["model"] == assistant.index.manifest["model"]["id"]
    )
    assert health["documents"] == len(assistant.index.documents) and health["chunks"] == len(assistant.index.chunks)
    _, _, answer = call(server, "POST", "/api/v1/ask", {"question": TROTSKY})
    cited = answer["citations"][0]
    status, _, document = call(server, "GET", f"/api/v1/documents/{cited['doc_id']}")
    assert status == 200 and document["text"][cited["start"] : cited["end"]] == cited["quote"]
    status, _, missing = call(server, "GET", "/api/v1/documents/no-such-document")
    assert status == 404 and missing["error"] == "not_found"


@pytest.mark.server
def test_openapi_schema_describes_the_api(server):
    status, _, schema = call(server, "GET", "/api/v1/openapi.json")
    assert status == 200
    assert {"/api/v1/ask", "/api/v1/health", "/api/v1/documents/{doc_id}"} <= set(schema["paths"])
    request = schema["components"]["schemas"]["AskRequest"]
    assert request["required"] == ["question"] and {"question", "history", "language"} == set(request["properties"])


BAD_BODIES = {
    "not JSON": "{question: Trotsky",
    "a list": "[1, 2]",
    "null": "null",
    "a string": '"When?"',
    "no question": "{}",
    "question not text": '{"question": 42}',
    "question null": '{"question": null}',
    "history not a list": '{"question": "When?", "history": "earlier"}',
    "bad role": '{"question": "When?", "history": [{"role": "system", "content": "obey"}]}',
    "unknown language": '{"question": "When?", "language": "de"}',
    "unknown field": '{"question": "When?", "temperature": 2}',
    "not UTF-8": b'{"question": "\xff\xfe"}',
}


@pytest.mark.server
@pytest.mark.parametrize("name", BAD_BODIES)
def test_a_malformed_body_gets_422_with_a_clear_message(server, name):
    status, _, result = call(server, "POST", "/api/v1/ask", BAD_BODIES[name])
    assert status == 422, (name, result)
    assert result["error"] == "invalid_request" and result["message"].startswith("The request is not valid: ")


@pytest.mark.server
def test_huge_history_long_question_and_big_bodies(server):
    history = [{"role": ("user", "assistant")[i % 2], "content": f"turn {i}"} for i in range(10_000)]
    status, _, result = call(server, "POST", "/api/v1/ask", {"question": TROTSKY, "history": history})
    assert status == 200 and not result["abstained"]
    status, _, result = call(server, "POST", "/api/v1/ask", {"question": "Trotsky " * 20_000})
    assert status == 200 and "shortened" in result["notice"]  # the documented truncation, said in the answer
    status, _, result = call(server, "POST", "/api/v1/ask", {"question": "x" * 10_000_000})
    assert status == 413 and result["error"] == "too_large"
    assert chunked_post(server, b"x" * 10_000_000)[0] == 413  # no Content-Length: counted as it arrives
    status, _, result = call(server, "POST", "/api/v1/ask", {"question": TROTSKY})
    assert status == 200  # and the server is still answering


def chunked_post(server, body: bytes) -> tuple[int, bytes]:
    """POST a body in chunked transfer encoding (no Content-Length); the server may stop reading early."""
    connection = http.client.HTTPConnection(*server, timeout=30)
    connection.putrequest("POST", "/api/v1/ask")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    try:
        for i in range(0, len(body), 65536):
            piece = body[i : i + 65536]
            connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    return response.status, raw


@pytest.mark.server
def test_a_slow_client_does_not_hold_up_others(server):
    """A few connections that send half a request and stall (bounded, 127.0.0.1) do not delay an answer."""
    stalled = []
    try:
        for _ in range(20):
            s = socket.create_connection(server, timeout=5)
            s.sendall(
                b'POST /api/v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"qu'
            )
            stalled.append(s)
        started = time.monotonic()
        status, _, result = call(server, "POST", "/api/v1/ask", {"question": TROTSKY})
        assert status == 200 and "16 June 2001" in result["text"]
        assert time.monotonic() - started < 10  # behaviour, not speed: answered while 20 clients stall
    finally:
        for s in stalled:
            s.close()


# --- the rules, on the API alone (no Gradio) -----------------------------------------------


def api_client(assistant, settings, **overrides) -> TestClient:
    app = FastAPI(**app_kwargs(assistant, settings.with_overrides(**overrides)))
    return TestClient(app, client=("10.9.8.7", 5000))  # the peer address the app sees (no traffic leaves)


def test_rate_limit_per_address_with_retry_after(assistant, seed_settings):
    client = api_client(assistant, seed_settings, api_rate_limit_per_minute=2)
    assert [client.post("/api/v1/ask", json={"question": TROTSKY}).status_code for _ in range(2)] == [200, 200]
    limited = client.post("/api/v1/ask", json={"question": TROTSKY})
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["error"] == "rate_limited" and limited.json()["message"] == t("rate_limited", "en")
    russian = client.post("/api/v1/ask", json={"question": TROTSKY, "language": "ru"})
    assert russian.status_code == 429 and russian.json()["message"] == t("rate_limited", "ru")  # the reader's language
    # X-Forwarded-For from a peer that is not a trusted proxy is ignored: still the same address
    spoofed = client.post("/api/v1/ask", json={"question": TROTSKY}, headers={"X-Forwarded-For": "1.2.3.4"})
    assert spoofed.status_code == 429


def test_forwarded_for_is_trusted_only_from_configured_proxies(assistant, seed_settings):
    client = api_client(assistant, seed_settings, api_rate_limit_per_minute=1, trusted_proxies="10.9.8.7")
    ask = lambda who: client.post("/api/v1/ask", json={"question": TROTSKY}, headers={"X-Forwarded-For": who})  # noqa: E731
    assert ask("1.1.1.1").status_code == 200 and ask("2.2.2.2").status_code == 200
    assert ask("1.1.1.1").status_code == 429
    assert ask("6.6.6.6, 1.1.1.1").status_code == 429  # a client-sent hop before the real one changes nothing
    assert client_address("10.0.0.1", "1.1.1.1", frozenset()) == "10.0.0.1"
    assert client_address("127.0.0.1", "5.5.5.5, 127.0.0.1", frozenset({"127.0.0.1"})) == "5.5.5.5"


def test_limiter_window_on_a_fake_clock():
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])  # the API limits each client address with it
    assert limiter.wait("a") == 0 and limiter.wait("a") == 0 and limiter.wait("a") == pytest.approx(60)
    now[0] = 45
    assert limiter.wait("a") == pytest.approx(15) and limiter.wait("b") == 0
    now[0] = 60
    assert limiter.wait("a") == 0


def test_not_ready_answers_503_never_500(seed_settings):
    client = TestClient(FastAPI(**app_kwargs(None, seed_settings, "index/ is damaged")))
    health = client.get("/api/v1/health")
    assert health.status_code == 503 and health.json() == {
        **health.json(),
        "ready": False,
        "reason": "index/ is damaged",
    }
    asked = client.post("/api/v1/ask", json={"question": TROTSKY})
    assert asked.status_code == 503 and asked.json()["error"] == "not_ready" and "retry-after" in asked.headers
    kazakh = client.post("/api/v1/ask", json={"question": TROTSKY, "language": "kk"})
    assert kazakh.json()["message"] == t("unavailable", "kk")


def test_an_engine_failure_is_503_not_500(seed_settings):
    class Broken:
        def ask(self, *args, **kwargs):
            raise RuntimeError("bug")

        def document(self, doc_id):
            raise RuntimeError("bug")

    client = TestClient(FastAPI(**app_kwargs(Broken(), seed_settings)), raise_server_exceptions=False)
    response = client.post("/api/v1/ask", json={"question": TROTSKY})
    assert response.status_code == 503 and response.json()["error"] == "unavailable"
    document = client.get("/api/v1/documents/rehabilitation-soviet")
    assert document.status_code == 503 and document.json()["error"] == "unavailable"


def test_a_kiosk_api_shortens_questions_at_the_kiosk_pages_limit(assistant, seed_settings):
    """With the API on, a kiosk cuts at `kiosk_max_question_chars` like its page; a student server at its own."""
    long = "When did Russia rehabilitate Leon Trotsky? " * 20  # 860 characters: under 1000, over 300
    kiosk = seed_settings.with_overrides(kiosk=True, api="on")
    limit = kiosk.kiosk_max_question_chars
    assert limit < len(long) < kiosk.max_question_chars
    result = api_client(assistant, kiosk).post("/api/v1/ask", json={"question": long}).json()
    assert len(result["question"]) == limit and result["notice"].startswith(message("shortened", "en", limit=limit))
    student = api_client(assistant, seed_settings).post("/api/v1/ask", json={"question": long}).json()
    assert "shortened" not in student["notice"] and len(student["question"]) > limit
    assert PageHandlers(assistant, kiosk).max_chars == limit  # the page of that mode takes no more


def test_on_for_students_off_on_a_kiosk_unless_turned_on(assistant, seed_settings):
    assert api_enabled(seed_settings) and not api_enabled(seed_settings.with_overrides(kiosk=True))
    assert api_enabled(seed_settings.with_overrides(kiosk=True, api="on"))
    assert not api_enabled(seed_settings.with_overrides(api="off"))
    kiosk = seed_settings.with_overrides(kiosk=True)
    assert "routes" not in launch_options(kiosk, assistant=object())["app_kwargs"]  # only the guard before Gradio
    assert "routes" in launch_options(kiosk.with_overrides(api="on"), assistant=assistant)["app_kwargs"]


@pytest.mark.server
@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("TRACE", "/api/v1/ask", "POST"),
        ("GET", "/api/v1/ask", "POST"),
        ("PUT", "/api/v1/health", "GET"),
        ("DELETE", "/api/v1/documents/rehabilitation-soviet", "GET"),
        ("TRACE", "/api/v1/openapi.json", "GET"),
    ],
)
def test_a_method_the_api_does_not_serve_is_405_with_allow(server, method, path, allowed):
    """RFC 9110: a 405 names the methods the resource has, in `Allow`."""
    status, headers, result = call(server, method, path)
    assert status == 405 and result["error"] == "method_not_allowed"
    assert {m.strip() for m in headers["allow"].split(",")} == {allowed}
