"""The `assistant` command: ingest, info, ask, chat, mcp, eval, bench.

User errors (AssistantError) become one line on stderr and exit code 2; nothing else is caught,
so real bugs still show their traceback to the developer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import Settings, load_settings, set_offline_environment
from .conversation import add_turn
from .errors import AssistantError


def main(argv: list[str] | None = None) -> int:
    set_offline_environment()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        settings = load_settings(
            corpus_dir=getattr(args, "corpus", None),
            index_dir=getattr(args, "index", None),
            model=getattr(args, "model", None),
        )
        return args.func(args, settings) or 0
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        note = "; the previous index is unchanged" if getattr(args, "func", None) is cmd_ingest else ""
        print(f"interrupted{note}.", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Cited answers from sources on Soviet political rehabilitation.")
    sub = parser.add_subparsers(title="commands")

    p = sub.add_parser("ingest", help="chunk and embed the corpus into the index folder")
    _paths(p, corpus=True)
    p.add_argument("--model", help="sentence-transformers model name or local path")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if the index is up to date")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument(
        "--ray",
        metavar="auto|ADDRESS",
        help="embed on a Ray cluster first (auto: one started on 127.0.0.1 for this ingest; ADDRESS: host:port of a head; "
        'needs the cluster extra: pip install -e ".[cluster]")',
    )
    p.add_argument("--ray-workers", type=int, default=2, metavar="N", help="Ray actors embedding at once (default 2)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("info", help="what the index holds and whether it is stale")
    _paths(p, corpus=True)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("ask", help="ask questions in order, as one conversation")
    _paths(p)
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.add_argument("questions", nargs="+", metavar="QUESTION")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="an interactive conversation in the terminal")
    _paths(p)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("mcp", help="serve the tools ask and document to an AI assistant over MCP on stdio")
    _paths(p)
    p.set_defaults(func=cmd_mcp)

    # Only the flags modules: the measurement machinery is imported when its command runs.
    from .bench.arguments import add_arguments as bench_arguments
    from .evaluation.arguments import add_arguments as eval_arguments

    for name, add_arguments, help_text in (
        ("eval", eval_arguments, "score the assistant against the gold question set"),
        ("bench", bench_arguments, "measure speed against the LangChain-tutorial baseline"),
    ):
        p = sub.add_parser(name, help=help_text)
        _paths(p, corpus=True)
        add_arguments(p)
        p.set_defaults(func=cmd_measure, command=name)

    return parser


MEASUREMENT = {  # command -> (the module whose run() it calls, the eval extra's modules it needs)
    "eval": ("assistant.evaluation.command", ("ranx",)),
    "bench": ("assistant.bench.run", ("ranx", "psutil")),
}


def cmd_measure(args, settings: Settings) -> int:
    """`assistant eval` or `assistant bench`: checks the eval extra is installed, then runs the machinery."""
    import importlib

    module, needs = MEASUREMENT[args.command]
    for name in needs:
        try:
            importlib.import_module(name)
        except ImportError:
            raise AssistantError(
                f"`assistant {args.command}` needs {name}; install the eval extra: pip install -e \".[eval]\""
            ) from None
    return importlib.import_module(module).run(args, settings)


def _paths(p: argparse.ArgumentParser, corpus: bool = False) -> None:
    if corpus:
        p.add_argument("--corpus", type=Path, help="corpus folder (default corpus/)")
    p.add_argument("--index", type=Path, help="index folder (default index/)")


def cmd_ingest(args, settings: Settings) -> int:
    from .index.build import build_index, format_report, skipped_warnings

    if getattr(args, "ray", None):  # fill the embedding cache on the cluster; the build below then reuses it all
        from .index.ray_embed import fill_cache_with_ray

        if args.ray_workers < 1:
            raise AssistantError(f"--ray-workers must be at least 1; got {args.ray_workers}.")
        print(fill_cache_with_ray(settings, args.ray, args.ray_workers).line(), flush=True)
    report = build_index(settings, rebuild=args.rebuild, progress=not args.quiet)
    for line in skipped_warnings(report):
        print(line, file=sys.stderr)
    print(format_report(report, settings))
    return 0


def cmd_info(args, settings: Settings) -> int:
    from .index.status import index_status

    status = index_status(settings)
    if not status.exists:
        print(f"No index in {settings.index_dir}/; run `assistant ingest` to build it.")
        return 1
    m = status.manifest
    if m:
        c = m["counts"]
        print(f"index      {settings.index_dir}/{m['build']} (format {m['format_version']}, built {m['created']})")
        print(f"model      {m['model']['id']} ({m['model']['dimension']} dimensions, max {m['model']['max_seq_length']} tokens)")
        print(f"chunks     {m['chunker']['chunk_tokens']} tokens, overlap {m['chunker']['chunk_overlap']}; dense search {m['index']['dense']}")
        print(f"holds      {c['documents']} documents, {c['chunks']} chunks, {c['sentences']} sentences")
        for s in m["skipped"]:
            print(f"skipped    {s['path']}: {s['reason']}")
    if status.stale:
        print(f"status     STALE: {status.reason}" + (f" ({', '.join(status.changed[:5])})" if status.changed else ""))
        if "assistant ingest" not in status.reason:
            print("           run `assistant ingest` to update it.")
    else:
        print("status     up to date with the corpus")
    return 0


def cmd_ask(args, settings: Settings) -> int:
    from . import Assistant

    assistant = Assistant.load(settings.index_dir, settings)
    history: list[dict] = []
    for question in args.questions:
        answer = assistant.ask(question, history=history)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            print(format_answer(answer))
        history = add_turn(history, question, answer.text)
    return 0


def format_answer(answer) -> str:
    """An answer and its sources as plain terminal text."""
    lines = [f"Q: {answer.question}", f"A: {answer.text}"] + ([f"   (language: {answer.language})"] if answer.language != "en" else [])
    for c in answer.citations:
        lines.append(f"   [{c.n}] {c.title} — {c.section} (chars {c.start}-{c.end})")
        if c.translation:
            kind = "translation" if c.reviewed else "draft translation, not reviewed"
            lines.append(f"       {kind} by {c.translator or 'unknown'}; original: {c.original_quote}")
            lines.append(f"       ({c.original_title}, chars {c.original_start}-{c.original_end})")
    if answer.further_reading:
        lines.append("   Further reading:")
        lines += [f"   - {c.title} — {c.section}: {c.passage[:120]}…" for c in answer.further_reading]
    return "\n".join(lines) + "\n"


def cmd_chat(args, settings: Settings) -> int:
    from . import Assistant

    assistant = Assistant.load(settings.index_dir, settings)
    history: list[dict] = []
    print("Ask about Soviet political rehabilitation. An empty line or Ctrl-D ends; 'new' starts over.")
    while True:
        try:
            question = input("> ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        if question.strip().lower() == "new":
            history = []
            continue
        answer = assistant.ask(question, history=history)
        print(format_answer(answer))
        history = add_turn(history, question, answer.text)


def cmd_mcp(args, settings: Settings) -> int:
    """The Model Context Protocol on stdin/stdout (assistant/web/mcp_server.py), for a client that starts it.

    It follows index rebuilds as the app does; nothing but the protocol is written to stdout.
    """
    import contextlib

    from . import Assistant
    from .live import LiveAssistant
    from .web.api import Api
    from .web.mcp_server import run_stdio

    with contextlib.redirect_stdout(sys.stderr):
        assistant = LiveAssistant.start(Assistant.load(settings.index_dir, settings), settings)
    run_stdio(Api(assistant, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
