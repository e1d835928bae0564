"""GradioGuard (assistant/web/guard.py) as pure ASGI logic: what it refuses, and that it hands everything else on unchanged.

The app behind it is a stand-in that records what reached it (the real Gradio app is probed in test_security.py).
"""

from __future__ import annotations

import asyncio
import json

import pytest

from assistant.web.guard import GradioGuard


class FakeGradio:
    """What the guard reads of a Gradio app (its published dependencies), and an ASGI app that echoes the body."""

    def __init__(self):
        self.bodies: list[bytes] = []

    def get_blocks(self):
        class Blocks:
            config = {"dependencies": [{"id": 0, "api_name": "ask"}, {"id": 3, "api_name": "feedback"}]}

        return Blocks()

    async def __call__(self, scope, receive, send):
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"reached"})


def request(
    path: str, body: bytes = b"", method: str = "POST", pieces: int = 1, app=None
) -> tuple[int, bytes, FakeGradio]:
    """Send one request through the guard, its body in `pieces` messages; (status, response body, the app)."""
    app = app or FakeGradio()
    guard = GradioGuard(app)
    size = max(1, -(-len(body) // pieces))
    messages = [
        {"type": "http.request", "body": body[i : i + size], "more_body": i + size < len(body)}
        for i in range(0, max(len(body), 1), size)
    ]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [], "app": app}
    asyncio.run(guard(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"), app


@pytest.mark.parametrize(
    "path", ["/gradio_api/call/nope", "/gradio_api/call/v2/nope", "/gradio_api/run/predict", "/gradio_api/api/nope/"]
)
def test_a_call_to_an_unpublished_name_is_404_and_never_reaches_gradio(path):
    status, body, app = request(path, b'{"data": []}')
    assert status == 404 and path.rstrip("/").rsplit("/", 1)[-1] in json.loads(body)["detail"]
    assert app.bodies == []


@pytest.mark.parametrize("fn_index", ["99999", "-1", '"99999"', "1e9", "2"])
def test_a_queue_join_naming_no_published_function_is_404(fn_index):
    status, _, app = request(
        "/gradio_api/queue/join", b'{"data": [], "fn_index": %s, "session_hash": "x"}' % fn_index.encode()
    )
    assert status == 404 and app.bodies == []


@pytest.mark.parametrize("path", ["/gradio_api/queue/join", "/gradio_api/run/predict", "/gradio_api/api/x/"])
@pytest.mark.parametrize("pieces", [1, 7])
def test_a_published_function_index_reaches_gradio_with_the_same_bytes(path, pieces):
    """As the page's own events post it: the queue, or run/predict for an unqueued event (any name, the index rules)."""
    body = json.dumps({"data": ["Когда? " * 500, []], "fn_index": 3, "session_hash": "abc"}).encode()
    status, answer, app = request(path, body, pieces=pieces)
    assert (status, answer, app.bodies) == (200, b"reached", [body])


@pytest.mark.parametrize("path", ["/gradio_api/run/predict", "/gradio_api/api/ask"])
def test_run_with_an_unpublished_index_is_404_even_under_a_published_name(path):
    status, body, app = request(path, b'{"data": [], "fn_index": 99}')
    assert status == 404 and "99" in json.loads(body)["detail"] and app.bodies == []


@pytest.mark.parametrize(
    "path, body",
    [
        ("/gradio_api/call/ask", b'{"data": []}'),  # a published name
        ("/gradio_api/call/ask", b'{"data": [], "fn_index": 99}'),  # /call/ reads no fn_index: the name rules
        ("/gradio_api/run/ask", b'{"data": []}'),  # a published name, no index
        ("/gradio_api/queue/join", b"not json"),  # Gradio's own 422
        ("/gradio_api/queue/join", b"[" * 100_000),  # too deep for json: Gradio's own answer
        ("/gradio_api/queue/join", b'{"fn_index": "x"}'),  # not a number: Gradio's 422
        ("/gradio_api/queue/join", b'{"data": null}'),  # no fn_index at all
        ("/gradio_api/upload", b"anything"),
        ("/api/v1/ask", b"{}"),
        ("/mcp", b"{}"),
    ],
)
def test_everything_else_passes_through_untouched(path, body):
    status, _, app = request(path, body)
    assert status == 200 and app.bodies == [body]


def test_other_methods_and_an_app_without_gradio_pass_through():
    assert request("/gradio_api/call/nope", method="GET")[0] == 200
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    asyncio.run(GradioGuard(app)({"type": "lifespan"}, None, None))  # no path, no method: handed on
    assert reached == ["lifespan"]

    class NotGradio(FakeGradio):
        def get_blocks(self):
            raise ValueError("No Blocks has been configured for this app.")

    assert request("/gradio_api/call/nope", b"{}", app=NotGradio())[0] == 200  # nothing to check against
