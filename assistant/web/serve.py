"""How the page is served: local only, nothing shared or tracked, nothing uploaded."""

from ..config import Settings
from .page import page_css, theme


def launch_options(settings: Settings, **overrides) -> dict:
    """Keyword arguments for `app.launch`; a kiosk shows no footer. `overrides` win (tests pick a free port)."""
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
        "favicon_path": None,
    }
    options.update(overrides)
    return options


def serve(app, settings: Settings) -> None:
    """Serve a built page until Ctrl-C, saying where."""
    _, url, _ = app.launch(**launch_options(settings), quiet=True, prevent_thread_lock=True)
    print(f"Serving the {'kiosk' if settings.kiosk else 'student'} page at {url} (Ctrl-C stops).", flush=True)
    app.block_thread()
