"""Serve the chat page: a study companion for students, and with `--kiosk` a museum screen.

    python app.py [--kiosk] [--language kk|ru|en] [--host 127.0.0.1] [--port 7860] [--index DIR]

`python app.py --curator` serves the curator's console instead (assistant/curator/: upload, edit and remove
documents, the index rebuilt in the background, what visitors needed, the audit log) on its own port.
Every serving process follows the index by itself (assistant/live.py), so a rebuild needs no restart.

Flags become settings, the index is built first when it is missing or stale, then the page from
`assistant.web` is served, in Kazakh, Russian or English (a switch on the page; it opens in
`kiosk_language`, Kazakh by default, on a kiosk and in `page_language`, English, for students).
Besides the page there is one public endpoint, `/ask` (question, optional history of
{"role", "content"} messages, optional page language) -> the answer as a dict with the question's
detected language, for gradio_client and scripts; and on the student page's server the JSON API
at /api/v1/ (assistant/web/api.py). Every event handler turns errors into a polite message; a
traceback only reaches the server log. With `replica` set (ASSISTANT_REPLICA=1, behind nginx) the
index is never built here, and an index that cannot be loaded is reported on /api/v1/health (503).
"""

import argparse
import sys
from pathlib import Path

from assistant.config import Settings, load_settings, set_offline_environment
from assistant.errors import AssistantError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: mode, address and index folder."""
    parser = argparse.ArgumentParser(
        prog="app.py", description="Serve the chat page (student mode, or --kiosk for a museum screen)."
    )
    parser.add_argument(
        "--kiosk", action="store_true", help="museum screen: large type, idle reset, no API docs or footer"
    )
    parser.add_argument(
        "--language",
        choices=("kk", "ru", "en"),
        help="the page's language when it opens (default: kk on a kiosk, en for students)",
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("--index", type=Path, help="index folder (default index/)")
    parser.add_argument(
        "--curator",
        action="store_true",
        help="serve the curator's console instead (curator_host:curator_port, default 127.0.0.1:7870; "
        "password from ASSISTANT_CURATOR_TOKEN)",
    )
    return parser.parse_args(argv)


def ensure_index(settings: Settings) -> None:
    """Build the index first when it is missing or stale, with progress in the terminal."""
    from assistant.embedding import Encoder
    from assistant.index.build import build_index, format_report, skipped_warnings
    from assistant.index.status import index_status

    multilingual = Encoder.for_multilingual(settings)
    if multilingual:
        multilingual.prepare()  # a missing or damaged e5 ONNX export is (re)made here, never in a serving load

    status = index_status(settings)
    if status.stale:
        print(f"Index {settings.index_dir}/ needs building: {status.reason}.", flush=True)
        # rebuild=False: checked again under the folder's lock, so a server started beside another one on the same
        # stale index waits for that one's build and serves it, rather than failing or building it twice
        report = build_index(settings, progress=True, wait=True)
        if report.up_to_date:
            print(f"Index {settings.index_dir}/ was built by another process meanwhile.", flush=True)
            return
        for line in skipped_warnings(report):
            print(line, file=sys.stderr)
        print(format_report(report, settings), flush=True)


def main(argv: list[str] | None = None) -> int:
    """Flags -> settings -> index -> assistant -> page -> served until Ctrl-C."""
    set_offline_environment()
    args = parse_args(argv)
    settings = None
    try:
        settings = load_settings(index_dir=args.index).with_overrides(
            kiosk=True if args.kiosk else None, host=args.host, port=args.port
        )
        if args.language:
            settings = settings.with_overrides(
                **{"kiosk_language" if settings.kiosk else "page_language": args.language}
            )
        if args.curator:  # its own process and port: the public page never carries the console
            from assistant.curator.server import serve_console

            serve_console(settings.with_overrides(curator_host=args.host, curator_port=args.port))
            return 0
        if not settings.replica:  # a replica never builds: the index is read-only while serving
            ensure_index(settings)
        from assistant import Assistant
        from assistant.feedback import purge_old_logs
        from assistant.live import LiveAssistant

        purge_old_logs(settings)  # visitors' questions are kept needs_retention_days, no longer
        # Follows the index's CURRENT pointer: a rebuilt index is served without a restart (assistant/live.py).
        assistant = LiveAssistant.start(Assistant.load(settings.index_dir, settings), settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if settings is not None and settings.replica:  # stay up and say why (503), so the balancer routes around it
            from assistant.web.serve import serve_unready

            serve_unready(settings, str(exc))
        return 2
    from assistant.web.page import create_app
    from assistant.web.serve import serve

    serve(create_app(assistant, settings), settings, assistant)
    return 0


if __name__ == "__main__":
    sys.exit(main())
