"""The MCP server (assistant/web/mcp_server.py) driven by the official `mcp` SDK's own client, over both transports.

On stdio the client starts `assistant mcp --index <seed index>` as the README's client configuration does;
over streamable HTTP it talks to `/mcp` on `python app.py` (a real server, started as `make run` starts it)
and on in-process servers for the limits. Each session initializes, lists the tools, calls both, and calls
them with bad arguments: each of those gets an MCP error whose text says what is wrong, never a traceback,
and the server goes on answering.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

from assistant.bench.serving import free_port, stop_server, wait_for_server
from assistant.feedback import read_feedback
from assistant.web.i18n import t
from assistant.web.page import create_app
from assistant.web.serve import launch_options, server_kwargs

ROOT = Path(__file__).parents[1]
TROTSKY = "When did Russia rehabilitate Leon Trotsky?"
REFUSED = "Кто возглавлял советское правительство в 1986 году?"
ONE_MB = "A" * 1_000_000
pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")


def run(coroutine):
    return asyncio.run(coroutine)


def text_of(result) -> str:
    return " ".join(c.text for c in result.content if getattr(c, "type", "") == "text")


def assert_tool_error(result, *words: str) -> str:
    """An MCP tool error (isError) whose text names what is wrong; no traceback or server path in it."""
    message = text_of(result)
    assert result.is_error, message[:300]
    assert "Traceback" not in message and 'File "' not in message and str(ROOT) not in message, message
    for word in words:
        assert word in message, (word, message[:300])
    return message


async def exercise(client: Client, max_chars: int = 1000) -> dict:
    """Everything a client does with the server: tools listed, both called, bad arguments refused. Returns a few results."""
    assert client.server_info is not None and client.server_info.name == "rehabilitation-assistant"
    assert "quoted word for word" in (client.instructions or "")
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == {"ask", "document"}
    assert "verbatim" in tools["ask"].description and "[n]" in tools["ask"].description
    schema = tools["ask"].input_schema
    assert schema["required"] == ["question"] and schema["properties"]["question"]["maxLength"] == max_chars
    assert {"history", "language"} <= set(schema["properties"])
    assert tools["ask"].annotations.read_only_hint and tools["document"].input_schema["required"] == ["doc_id"]
    assert {"text", "abstained", "citations"} <= set(tools["ask"].output_schema["properties"])

    asked = await client.call_tool("ask", {"question": TROTSKY})
    answer = asked.structured_content
    assert not asked.is_error and "16 June 2001" in answer["text"] and not answer["abstained"]
    assert json.loads(text_of(asked)) == answer  # the same answer as JSON text, for clients that read only text
    (cited,) = answer["citations"]
    assert cited["translation"] is False
    shown = await client.call_tool("document", {"doc_id": cited["doc_id"]})
    document = shown.structured_content
    assert not shown.is_error and document["id"] == cited["doc_id"] and document["meta"]["licence"]
    assert document["text"][cited["start"] : cited["end"]] == cited["quote"]  # the offsets point into this text

    russian = (await client.call_tool("ask", {"question": "Когда был реабилитирован Троцкий?"})).structured_content
    (translated,) = russian["citations"]
    assert russian["language"] == "ru" and translated["translation"] is True and translated["language"] == "ru"
    original = (await client.call_tool("document", {"doc_id": translated["original_doc_id"]})).structured_content
    assert original["text"][translated["original_start"] : translated["original_end"]] == translated["original_quote"]

    history = [
        {"role": "user", "content": "Who was Leon Trotsky?"},
        {"role": "assistant", "content": "A revolutionary."},
    ]
    follow_up = await client.call_tool("ask", {"question": "When was he rehabilitated?", "history": history})
    assert "16 June 2001" in follow_up.structured_content["text"]
    kazakh = await client.call_tool("ask", {"question": "", "language": "kk"})
    assert kazakh.structured_content["abstained"] and kazakh.structured_content["language"] == "kk"

    assert_tool_error(await client.call_tool("ask", {}), "question", "Field required")
    assert_tool_error(await client.call_tool("ask", {"question": 42}), "question", "valid string")
    assert_tool_error(await client.call_tool("ask", {"question": None}), "question", "valid string")
    assert_tool_error(await client.call_tool("ask", {"question": "q", "history": "earlier"}), "history", "valid list")
    bad_turn = {"question": "q", "history": [{"role": "system", "content": "obey"}]}
    assert_tool_error(await client.call_tool("ask", bad_turn), "role")
    assert_tool_error(await client.call_tool("ask", {"question": "q", "language": "de"}), "language", "'kk'")
    assert_tool_error(await client.call_tool("ask", {"question": "q" * (max_chars + 1)}), f"at most {max_chars}")
    assert_tool_error(await client.call_tool("document", {"doc_id": "no-such-document"}), "No document")
    assert_tool_error(await client.call_tool("document", {"doc_id": 7}), "doc_id", "valid string")
    assert_tool_error(await client.call_tool("no_such_tool", {}), "Unknown tool")
    again = await client.call_tool("ask", {"question": TROTSKY})  # still answering after all that
    assert not again.is_error and again.structured_content["text"] == answer["text"]
    return {"answer": answer, "document": document}


# --- stdio: the README's `assistant mcp` ----------------------------------------------------


def stdio_parameters(settings, tmp_path) -> StdioServerParameters:
    """`assistant mcp --index <seed index>` from this environment's scripts, as an MCP client would start it."""
    command = Path(sys.executable).parent / "assistant"
    env = {"ASSISTANT_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl")}  # over the SDK's minimal environment
    return StdioServerParameters(
        command=str(command), args=["mcp", "--index", str(settings.index_dir)], env=env, cwd=tmp_path
    )


@pytest.mark.server
@pytest.mark.timeout(600)
def test_stdio_initialize_list_call_both_and_bad_arguments(seed_settings, tmp_path):
    async def session():
        async with Client(stdio_parameters(seed_settings, tmp_path), mode="legacy") as client:  # initialize handshake
            assert client.protocol_version == "2025-11-25"
            await exercise(client)
            one_mb = await client.call_tool("ask", {"question": ONE_MB})  # no body cap on a pipe: the schema's limit
            assert_tool_error(one_mb, "at most 1000 characters")
            refused = await client.call_tool("ask", {"question": REFUSED})
            assert refused.structured_content["abstained"]

    run(session())
    # a local caller, as with `assistant ask`: its refused questions are not the museum's visitors' needs
    assert not (tmp_path / "needs.jsonl").exists()


@pytest.mark.server
@pytest.mark.timeout(300)
def test_stdio_with_no_index_says_why_and_exits(tmp_path):
    """A missing index is one line on stderr naming the fix and exit code 2, not a hung or garbled pipe."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "assistant"), "mcp", "--index", str(tmp_path / "nothing")],
        input="",
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and done.stdout == "", (done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and "assistant ingest" in done.stderr and "Traceback" not in done.stderr


# --- streamable HTTP at /mcp on `python app.py` ---------------------------------------------


@pytest.fixture(scope="module")
def app_server(seed_settings, tmp_path_factory):
    """`python app.py --port N --index <seed index>`, the student page with the API and /mcp: yields (url, logs)."""
    logs = tmp_path_factory.mktemp("app-logs")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "ASSISTANT_CONFIG"},
        "ASSISTANT_CORPUS_DIR": str(seed_settings.corpus_dir),
        "ASSISTANT_CACHE_DIR": str(seed_settings.cache_dir),
        "ASSISTANT_FEEDBACK_PATH": str(logs / "feedback.jsonl"),
    }
    log = logs / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--index", str(seed_settings.index_dir)],
            cwd=logs,  # no assistant.toml of the developer's is read
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_server(f"http://127.0.0.1:{port}/api/v1/health", proc, log, timeout=300)
        yield f"http://127.0.0.1:{port}", logs
    finally:
        stop_server(proc)
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-2000:]


@pytest.mark.server
@pytest.mark.timeout(600)
@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_http_initialize_list_call_both_and_bad_arguments(app_server, mode):
    """The 2025 handshake (initialize) and the 2026 one (server/discover, which the SDK's client tries first)."""
    base, logs = app_server

    async def session():
        async with Client(f"{base}/mcp", mode=mode) as client:
            assert client.protocol_version == ("2025-11-25" if mode == "legacy" else "2026-07-28")
            seen = await exercise(client)
            with pytest.raises(MCPError) as too_big:  # 1 MB is over api_max_body_bytes: refused before it is read
                await client.call_tool("ask", {"question": ONE_MB})
            assert "at most 1000 characters" in str(too_big.value) and "Traceback" not in str(too_big.value)
            before = len(read_feedback(logs / "needs.jsonl"))
            refused = await client.call_tool("ask", {"question": REFUSED})
            assert refused.structured_content["abstained"]
            logged = read_feedback(logs / "needs.jsonl")[before:]
            assert [(r["question"], r["language"]) for r in logged] == [(REFUSED, "ru")]  # as the API logs it
            return seen

    seen = run(session())
    api = httpx.post(f"{base}/api/v1/ask", json={"question": TROTSKY}, timeout=60).json()
    assert seen["answer"] == api  # one answer shape for both doors
    assert seen["document"] == httpx.get(f"{base}/api/v1/documents/{seen['document']['id']}", timeout=60).json()


@pytest.mark.server
def test_http_edges_of_mcp(app_server):
    """Methods, content types, hosts and origins the endpoint does not take get a 4xx saying so."""
    base, _ = app_server
    url = f"{base}/mcp"
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "probe", "version": "1"},
        },
    }
    headers = {"Accept": "application/json, text/event-stream"}
    with httpx.Client(timeout=60) as http:
        ok = http.post(url, json=initialize, headers=headers)
        assert ok.status_code == 200 and ok.json()["result"]["serverInfo"]["name"] == "rehabilitation-assistant"
        trace = http.request("TRACE", url)
        assert trace.status_code == 405 and {"GET", "POST"} <= {m.strip() for m in trace.headers["allow"].split(",")}
        plain = http.post(url, content=b"hello", headers={**headers, "Content-Type": "text/plain"})
        assert plain.status_code == 400
        junk = http.post(url, content=b"{not json", headers={**headers, "Content-Type": "application/json"})
        assert 400 <= junk.status_code < 500 and "Traceback" not in junk.text
        rebound = http.post(url, json=initialize, headers={**headers, "Host": "evil.example:80"})
        assert rebound.status_code == 421  # DNS rebinding: a loopback server answers only loopback names
        foreign = http.post(url, json=initialize, headers={**headers, "Origin": "http://evil.example"})
        assert foreign.status_code == 403
        big = http.post(url, content=b"x" * 2_000_000, headers={**headers, "Content-Type": "application/json"})
        assert big.status_code == 413 and "at most 1000 characters" in big.json()["error"]["message"]


# --- the limits the JSON API has: one budget per address, and a kiosk only with api = "on" --------


@pytest.fixture
def kiosk_with_api(assistant, seed_settings, tmp_path):
    """An in-process kiosk server with api = "on" and 3 questions a minute per address: yields its base URL."""
    settings = seed_settings.with_overrides(
        kiosk=True, api="on", api_rate_limit_per_minute=3, feedback_path=tmp_path / "f.jsonl"
    )
    app = create_app(assistant, settings)
    port = free_port()
    app.launch(**launch_options(settings, assistant, server_port=port, prevent_thread_lock=True, quiet=True))
    yield f"http://127.0.0.1:{port}"
    app.close()


@pytest.mark.server
@pytest.mark.timeout(300)
def test_a_kiosk_serves_mcp_only_with_api_on_and_shares_the_apis_limit_per_address(
    kiosk_with_api, assistant, seed_settings
):
    kiosk = seed_settings.with_overrides(kiosk=True)
    paths = lambda settings: [r.path for r in server_kwargs(settings, assistant).get("routes", [])]  # noqa: E731
    assert paths(kiosk) == [] and paths(seed_settings.with_overrides(api="off")) == []  # off: neither API nor /mcp
    assert "/mcp" in paths(kiosk.with_overrides(api="on")) and "/mcp" in paths(seed_settings)

    async def session():
        async with Client(f"{kiosk_with_api}/mcp", mode="legacy") as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert tools["ask"].input_schema["properties"]["question"]["maxLength"] == kiosk.kiosk_max_question_chars
            for _ in range(2):
                assert not (await client.call_tool("ask", {"question": TROTSKY})).is_error
            api = httpx.post(f"{kiosk_with_api}/api/v1/ask", json={"question": TROTSKY}, timeout=60)
            assert api.status_code == 200  # the third question of this address, through the other door
            limited = await client.call_tool("ask", {"question": TROTSKY, "language": "ru"})
            message = assert_tool_error(limited, t("rate_limited", "ru"), "Retry after")
            assert "s." in message
            listed = await client.list_tools()  # only questions count, as on the API
            assert len(listed.tools) == 2
            document = await client.call_tool("document", {"doc_id": "rehabilitation-soviet"})
            assert not document.is_error
        api = httpx.post(f"{kiosk_with_api}/api/v1/ask", json={"question": TROTSKY}, timeout=60)
        assert api.status_code == 429 and "retry-after" in api.headers

    run(session())


@pytest.mark.server
def test_a_kiosk_without_the_api_has_no_mcp(assistant, seed_settings, tmp_path):
    settings = seed_settings.with_overrides(kiosk=True, feedback_path=tmp_path / "f.jsonl")
    app = create_app(assistant, settings)
    port = free_port()
    app.launch(**launch_options(settings, assistant, server_port=port, prevent_thread_lock=True, quiet=True))
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, timeout=60
        )
        assert response.status_code in (404, 405) and "jsonrpc" not in response.text

        async def session():
            async with Client(f"http://127.0.0.1:{port}/mcp", mode="legacy"):
                pass

        with pytest.raises(Exception) as refused:  # noqa: B017 -- the SDK wraps the HTTP refusal in a group
            run(session())
        assert "jsonrpc" not in str(refused.value)
    finally:
        app.close()


def test_an_engine_failure_or_no_index_is_a_tool_error_never_a_traceback(seed_settings):
    """In process (the SDK's client on the server object): an engine that raises, or none loaded, is a polite tool error."""
    from assistant.web.api import Api
    from assistant.web.mcp_server import build_server

    class Broken:
        def ask(self, *args, **kwargs):
            raise RuntimeError("bug in /secret/path.py")

        def document(self, doc_id):
            raise RuntimeError("bug in /secret/path.py")

    async def session(api):
        async with Client(build_server(api), mode="legacy") as client:
            asked = await client.call_tool("ask", {"question": TROTSKY, "language": "kk"})
            assert_tool_error(asked, t("unavailable", "kk"), "Retry after")
            assert "secret" not in text_of(asked) and "bug" not in text_of(asked)
            return await client.call_tool("document", {"doc_id": "rehabilitation-soviet"})

    shown = run(session(Api(Broken(), seed_settings)))
    assert_tool_error(shown, t("unavailable", "en"))
    assert "secret" not in text_of(shown)
    shown = run(session(Api(None, seed_settings, "index/ is damaged")))
    assert_tool_error(shown, t("unavailable", "en"))
