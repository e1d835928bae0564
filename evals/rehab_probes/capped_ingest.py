"""An ingest under a file-size limit set when one stage starts: the child process of disk_full and the tests.

It imports only the standard library and the installed assistant package, so it runs by file path from
any folder (common.ingest_command builds the command):

    python evals/rehab_probes/capped_ingest.py --limit BYTES --stage STAGE --index DIR --corpus DIR [--rebuild]

STAGE is "start" (the limit from the first write on, the embedding cache included) or a stage that
`build_index` names to its hook (assistant/hooks.py). SIGXFSZ is ignored, so a write past the limit fails
with EFBIG from the kernel, as a full disk fails it with ENOSPC. The output is the CLI's: one `error: ...`
line and exit 2 for an AssistantError, else its warnings and ingest summary and exit 0.
"""

from __future__ import annotations

import argparse
import resource
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

from assistant.config import load_settings, set_offline_environment
from assistant.errors import AssistantError
from assistant.hooks import StageHook, no_hook
from assistant.index.build import build_index, format_report, skipped_warnings

START = "start"
STAGES = (START, "embed", "documents", "chunks", "sentences", "dense", "bm25", "manifest", "fsync", "pointer")


def cap_file_size(limit: int) -> None:
    """From now on no file this process writes may grow past `limit` bytes."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def capping_hook(stage: str, limit: int) -> StageHook:
    """A build_index hook that caps the file size when `stage` starts (and leaves it capped)."""

    @contextmanager
    def hook(name: str):
        if name == stage:
            cap_file_size(limit)
        yield

    return hook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, required=True, help="largest file size allowed, in bytes")
    parser.add_argument("--stage", choices=STAGES, default=START, help="when the limit starts (default: at once)")
    parser.add_argument("--index", type=Path, required=True, help="index folder")
    parser.add_argument("--corpus", type=Path, required=True, help="corpus folder")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if the index is up to date")
    args = parser.parse_args(argv)
    set_offline_environment()
    try:
        settings = load_settings(index_dir=args.index, corpus_dir=args.corpus)
        hook: StageHook = no_hook
        if args.stage == START:
            cap_file_size(args.limit)
        else:
            hook = capping_hook(args.stage, args.limit)
        report = build_index(settings, rebuild=args.rebuild, hook=hook)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in skipped_warnings(report):
        print(line, file=sys.stderr)
    print(format_report(report, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
