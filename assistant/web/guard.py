"""A guard in front of Gradio's own routes: a call naming an endpoint the page does not have gets 404.

Gradio 6 answers `POST /gradio_api/call/<name>` (and `run/`, `api/`, `call/v2/`) for a name it has no
endpoint for, and `POST /gradio_api/queue/join` or `run/<name>` with an `fn_index` it has no function for
(the page itself posts `run/predict` with an `fn_index` for its unqueued events), with a bare 500 (its
lookup raises KeyError inside). This ASGI middleware answers those with 404 before Gradio sees
them, reading only what the page publishes at `/config` (each dependency's `id` and `api_name`); every
other request, and every call to an endpoint that exists, passes through untouched, its body replayed
byte for byte. A body that is not JSON, or an `fn_index` that is not a number, is left to Gradio, which
answers 422. The guard reads no internals and changes none: were Gradio to answer these itself, it would
simply never be needed.
"""

import json
import re

from pydantic import TypeAdapter
from starlette.responses import JSONResponse

PREFIX = "/gradio_api/"
BY_NAME = re.compile(r"^/gradio_api/(?:call/v2|call)/([^/]+)/?$")  # the name alone picks the function
# a body's fn_index first, else the name (the page posts run/predict with an fn_index)
BY_INDEX_OR_NAME = re.compile(r"^/gradio_api/(?:run|api)/([^/]+)/?$")
QUEUE_JOIN = "/gradio_api/queue/join"  # the body's fn_index
_INDEX = TypeAdapter(int | None)  # PredictBody.fn_index, in pydantic's lax mode as Gradio validates it


def _published(scope) -> tuple[set[str], set[int]]:
    """The api names and function ids of the Gradio app this request reached (empty when there is none)."""
    app = scope.get("app")
    try:
        dependencies = app.get_blocks().config["dependencies"]
    except Exception:  # not a Gradio app, or not launched yet: nothing to check against
        return set(), set()
    names = {d.get("api_name") for d in dependencies if isinstance(d.get("api_name"), str)}
    ids = {d.get("id") for d in dependencies if isinstance(d.get("id"), int)}
    return names, ids


def _not_found(what: str) -> JSONResponse:
    return JSONResponse({"detail": f"This app has no {what}."}, status_code=404)


class GradioGuard:
    """ASGI middleware: 404 for a call to an unknown Gradio endpoint or function, instead of Gradio's 500."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].startswith(PREFIX):
            return await self.app(scope, receive, send)  # lifespan and websockets too
        path = scope["path"]
        by_name, by_index = BY_NAME.match(path), BY_INDEX_OR_NAME.match(path)
        if not (by_name or by_index or path == QUEUE_JOIN):
            return await self.app(scope, receive, send)
        names, ids = _published(scope)
        if not ids:  # nothing published to check against
            return await self.app(scope, receive, send)
        fn_index = None
        if by_index or path == QUEUE_JOIN:
            body, receive = await _read_body(receive)
            fn_index = _fn_index(body)
        if fn_index is not None:
            if fn_index not in ids:
                return await _not_found(f"function {fn_index}")(scope, receive, send)
        elif (by_name or by_index) and (name := (by_name or by_index).group(1)) not in names:
            return await _not_found(f"endpoint named {name[:100]!r}")(scope, receive, send)
        return await self.app(scope, receive, send)


def _fn_index(body: bytes) -> int | None:
    """The `fn_index` a body names, read as Gradio's own model reads it ("7" and 7.0 are 7), else None."""
    try:
        data = json.loads(body)
        return _INDEX.validate_python(data.get("fn_index")) if isinstance(data, dict) else None
    except (ValueError, RecursionError):  # not JSON, or not a number: Gradio answers 422 itself
        return None


async def _read_body(receive):
    """The whole request body, and a `receive` that hands the same body on to the app."""
    chunks, more, last = [], True, None
    while more:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: hand that on as it came
            last = message
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    pending = [last or {"type": "http.request", "body": body, "more_body": False}]

    async def replay():
        return pending.pop() if pending else await receive()

    return body, replay
