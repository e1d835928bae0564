"""How the page's files travel: compressed, and kept by the browser where their names say what they hold.

Gradio 6.31 compresses (Brotli, or gzip) only paths that end in a text file's extension (`/assets/*.js`,
`/theme.css`); the page itself (`/`), `/config`, `/gradio_api/info` and the JSON API go out raw, and
no static file carries a Cache-Control header. Two small ASGI middlewares, given to the FastAPI app
Gradio builds (`app_kwargs["middleware"]`, inside Gradio's own), fill those gaps:

- `Compress`: gzip for every response Gradio's Brotli leaves out, except server-sent events (the
  queue's answers and heartbeat stream as before) and what is compressed already (fonts, images);
- `CacheStatic`: a year, immutable, for files whose URL holds a hash of their content (`/assets/`,
  built by Vite with a hash in each name; `/theme.css?v=<hash>`; files in Gradio's cache, kept in a
  folder named by the SHA-256 of what they hold); a week for `/static/` and the favicon, whose names
  stay the same when a Gradio upgrade changes them. The page, its config and every API stay uncached.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

YEAR = "public, max-age=31536000, immutable"
WEEK = "public, max-age=604800"
# The endings Gradio's BrotliMiddleware compresses itself (gradio/brotli_middleware.py).
GRADIO_COMPRESSES = (".html", ".htm", ".js", ".css", ".json", ".md", ".txt", ".csv", ".tsv", ".xml", ".svg")
# /gradio_api/file=<Gradio's cache folder>/<sha256 of the content>/<name>
CACHED_FILE = re.compile(r"^/gradio_api/file=.*/[0-9a-f]{64}/[^/]+$")


def delivery_middleware() -> list[Middleware]:
    """The middlewares `launch_options` gives Gradio's app, outermost first."""
    return [Middleware(CacheStatic), Middleware(Compress, minimum_size=500, compresslevel=6)]


def cache_control(path: str, query: str) -> str | None:
    """The Cache-Control header a GET of `path?query` deserves, or None to leave the response's own."""
    if path.startswith("/assets/") or CACHED_FILE.match(path):
        return YEAR
    if path == "/theme.css" and query.startswith("v="):
        return YEAR
    if path.startswith("/static/") or path == "/favicon.ico":
        return WEEK
    return None


class Compress(GZipMiddleware):
    """starlette's gzip for the responses Gradio's own Brotli middleware passes by (see the module docstring)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].lower().endswith(GRADIO_COMPRESSES):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class CacheStatic:
    """Sets `cache_control`'s header on successful GET and HEAD responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        value = None
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            value = cache_control(scope["path"], scope.get("query_string", b"").decode("latin-1"))
        if value is None:
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                MutableHeaders(scope=message)["Cache-Control"] = value
            await send(message)

        await self.app(scope, receive, send_with_header)
