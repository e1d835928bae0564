"""The page's first paint: its title and what it does, in the page's own HTML, before Gradio's scripts arrive.

Gradio's page (`/`) is an empty `<gradio-app>` until its scripts (about 400 KB) have loaded and built every
component; on a slow phone that is seconds of "Loading...". `Shell`, an ASGI middleware, writes the page's
header into that element as it leaves the server, over the rest of the screen, so the visitor reads what the
page is for at once. It steps aside (removed by its own few lines of script) as soon as Gradio's header shows
the same text; it is out of the flow, so nothing moves when it goes. Screen readers skip it (aria-hidden): the
real header follows within the second.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Gradio's own page opens with this tag (gradio/templates/frontend/index.html); the shell goes right inside it.
APP_TAG = b"<gradio-app"
# Until Gradio shows its header (student.css keeps the page hidden until every kind of component is there), the
# shell covers the page (its look follows student.css / kiosk.css); it goes in the frame the real header shows in,
# or after 15 s whatever happened, so that it never hides what Gradio shows when the page cannot be built.
STEP_ASIDE_JS = (
    "(() => { const s = document.getElementById('page-shell'); if (!s) return;"
    " const shown = () => { const p = document.querySelector('#header .app-header p');"
    " return p && p.checkVisibility({visibilityProperty: true}); };"
    " const began = performance.now();"
    " const step = () => { if (shown() || performance.now() - began > 15000) s.remove();"
    " else requestAnimationFrame(step); };"
    " requestAnimationFrame(step); })();"
)


def shell_html(header: str, kiosk: bool) -> str:
    """The shell around the page's header (render.header_html), with the few styles it needs before any CSS."""
    size = "font-size:24px;line-height:1.35" if kiosk else "font-size:16px;line-height:1.5"
    title = "font-size:34px;margin:0 0 4px;line-height:1.2" if kiosk else "font-size:1.7rem;margin:0.2rem 0 0.3rem"
    style = (
        "#page-shell{position:absolute;inset:0;min-height:100vh;z-index:10;box-sizing:border-box;"
        "padding:var(--size-4,16px) var(--size-4,16px);background:var(--bg,#fff);color:var(--col,#1c1917);"
        "font-family:'Source Sans Pro',ui-sans-serif,system-ui,sans-serif}"
        f"#page-shell p{{{size};margin:0 0 0.4rem;max-width:70rem}}#page-shell h1{{{title};font-weight:600}}"
    )
    return (
        f'<div id="page-shell" aria-hidden="true"><style>{style}</style>{header}</div><script>{STEP_ASIDE_JS}</script>'
    )


def shell_middleware(html: str) -> Middleware:
    return Middleware(Shell, html=html)


class Shell:
    """Writes `html` just inside `<gradio-app ...>` in Gradio's page (a GET of `/`), and fixes its length."""

    def __init__(self, app: ASGIApp, html: str) -> None:
        self.app = app
        self.html = html.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def held(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = self.with_shell(b"".join(body), start)
            MutableHeaders(scope=start)["Content-Length"] = str(len(page))
            await send(start)
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, held)

    def with_shell(self, page: bytes, start: Message) -> bytes:
        headers = MutableHeaders(scope=start)
        if start["status"] != 200 or not headers.get("content-type", "").startswith("text/html"):
            return page
        if headers.get("content-encoding"):
            return page
        at = page.find(APP_TAG)
        end = page.find(b">", at) if at >= 0 else -1
        if end < 0:
            return page
        return page[: end + 1] + self.html + page[end + 1 :]
