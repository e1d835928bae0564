"""How the page is served: local only, nothing shared or tracked, nothing uploaded; the JSON API and MCP beside it."""

from starlette.middleware import Middleware

from ..config import Settings
from .api import Api, api_enabled, app_kwargs
from .delivery import delivery_middleware
from .guard import GradioGuard
from .page import page_css, page_head, page_shell, theme
from .shell import shell_middleware


def launch_options(settings: Settings, assistant=None, **overrides) -> dict:
    """Keyword arguments for `app.launch`; a kiosk shows no footer. `overrides` win (tests pick a free port).

    With an `assistant`, the JSON API (assistant.web.api) and the MCP server at /mcp (assistant.web.mcp_server)
    are served beside the page when `api_enabled`; Gradio's own routes are always behind `GradioGuard`.
    Responses are compressed and static files cached as assistant.web.delivery says.
    """
    options = {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "inbrowser": False,
        "show_error": False,
        "footer_links": [] if settings.kiosk else ["api", "gradio"],
        "run_history": False,
        "enable_monitoring": False,
        "max_file_size": 1024,  # bytes; the page has no uploads
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "state_session_capacity": 200,  # API calls without a session each open one; keep memory flat
        "theme": theme(settings),
        "css": page_css(settings),
        "head": page_head(settings),
        "favicon_path": None,
    }
    kwargs = server_kwargs(settings, assistant)
    shell = shell_middleware(page_shell(settings))  # inside the compression, which then compresses the page with it
    options["app_kwargs"] = kwargs | {"middleware": [*delivery_middleware(), shell, *kwargs["middleware"]]}
    options.update(overrides)
    return options


def server_kwargs(settings: Settings, assistant=None) -> dict:
    """The FastAPI app's routes, middleware, error handlers and lifespan: the guard, and the API and MCP when on."""
    if assistant is None or not api_enabled(settings):
        return {"middleware": [Middleware(GradioGuard)]}
    from .mcp_server import http_kwargs  # the MCP SDK is imported only by a server that offers it

    api = Api(assistant, settings)  # one rate limit per client address for both doors
    kwargs, mcp = app_kwargs(assistant, settings, api=api), http_kwargs(api, settings)
    return kwargs | {
        "routes": kwargs["routes"] + mcp["routes"],
        "middleware": kwargs["middleware"] + [Middleware(GradioGuard)],
        "lifespan": mcp["lifespan"],
    }


def serve(app, settings: Settings, assistant=None) -> None:
    """Serve a built page (and with `assistant`, the JSON API beside it) until Ctrl-C, saying where."""
    _, url, _ = app.launch(**launch_options(settings, assistant), quiet=True, prevent_thread_lock=True)
    print(f"Serving the {'kiosk' if settings.kiosk else 'student'} page at {url} (Ctrl-C stops).", flush=True)
    app.block_thread()


def serve_unready(settings: Settings, reason: str) -> None:
    """A replica whose index cannot be loaded: only the API, answering 503 with `reason`, so a balancer routes around it."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, **app_kwargs(None, settings, reason))
    not_ready = f"Not ready: {reason}"
    # Everything else (the page, /mcp) is 503 as well, whatever the method (a POST to /mcp got 405 from a GET-only
    # route, which nginx passed on), so nginx's proxy_next_upstream routes around it.
    app.add_api_route(
        "/{path:path}",
        lambda path: PlainTextResponse(not_ready, 503, {"Retry-After": "5"}),
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    )
    print(f"Not ready ({reason}); serving 503 at http://{settings.host}:{settings.port}/api/v1/health.", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
