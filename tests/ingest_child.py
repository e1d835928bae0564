"""A child process for the signal and swap tests: an ingest that stops at a chosen stage until told to go on.

    python tests/ingest_child.py --stage STAGE --marker FILE [--after] [--go FILE] build --corpus DIR --index DIR
    python tests/ingest_child.py --stage STAGE --marker FILE [--after] [--go FILE] cli ingest ...

`build` calls `assistant.index.build.build_index(settings, rebuild=True, hook=...)`; `cli` runs
`assistant.cli.main(args)`, the `assistant` command itself, with the same hook given to its
`build_index`. When STAGE starts (or, with --after, when its work is done) the hook writes FILE,
the moment reached, and waits: for the --go file to appear, then the ingest goes on; without --go,
for a signal. A wait of more than WAIT_SECONDS ends the process with NO_SIGNAL, so a test whose
signal never came fails instead of passing on a build that finished on its own.

Stage names are those `build_index` gives its hook (assistant/hooks.py). The tests import
`command()` from here to build the command line.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

WAIT_SECONDS = 60.0
NO_SIGNAL = 97  # exit status when the wait ran out: no signal came, no go file appeared
STAGES = ("embed", "documents", "chunks", "sentences", "dense", "bm25", "multilingual", "manifest", "fsync", "pointer")


def command(stage: str, marker: Path, mode: str, *args: str, after: bool = False, go: Path | None = None) -> list[str]:
    """The argv that runs this driver in a child process."""
    extra = (["--after"] if after else []) + (["--go", str(go)] if go else [])
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--stage",
        stage,
        "--marker",
        str(marker),
        *extra,
        mode,
        *args,
    ]


def stopping_hook(stage: str, marker: Path, after: bool = False, go: Path | None = None):
    """A build_index hook that marks the moment `stage` starts (or ends) and waits there."""
    reached = False

    def wait_here() -> None:
        nonlocal reached
        if reached:  # "embed" runs once per batch of texts: stop at the first only
            return
        reached = True
        marker.write_text(f"{stage} {'after' if after else 'before'} {os.getpid()}\n", encoding="utf-8")
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if go is not None and go.exists():
                return
            time.sleep(0.05)  # a signal interrupts this sleep: KeyboardInterrupt for SIGINT
        print(f"ingest_child: nothing came within {WAIT_SECONDS:.0f} s at {stage}", file=sys.stderr, flush=True)
        os._exit(NO_SIGNAL)

    @contextmanager
    def hook(name: str):
        if name == stage and not after:
            wait_here()
        yield
        if name == stage and after:
            wait_here()

    return hook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", choices=STAGES, required=True)
    parser.add_argument("--marker", type=Path, required=True, help="written when the stage is reached")
    parser.add_argument("--after", action="store_true", help="stop when the stage's work is done, not when it starts")
    parser.add_argument("--go", type=Path, help="go on once this file exists (default: wait for a signal)")
    parser.add_argument("mode", choices=("build", "cli"))
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    # As from a terminal: Ctrl-C raises KeyboardInterrupt even if the test runner's shell ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    from assistant.config import load_settings, set_offline_environment

    set_offline_environment()
    import assistant.index.build as build

    hook = stopping_hook(args.stage, args.marker, args.after, args.go)
    if args.mode == "build":
        paths = argparse.ArgumentParser()
        paths.add_argument("--corpus", type=Path, required=True)
        paths.add_argument("--index", type=Path, required=True)
        where = paths.parse_args(args.rest)
        build.build_index(load_settings(corpus_dir=where.corpus, index_dir=where.index), rebuild=True, hook=hook)
        return 0
    from assistant.cli import main as assistant_main

    product_build_index = build.build_index  # `assistant ingest` imports it from here when it runs

    def build_index_with_hook(*a, **kw):
        return product_build_index(*a, hook=hook, **kw)

    build.build_index = build_index_with_hook
    return assistant_main(args.rest)


if __name__ == "__main__":
    sys.exit(main())
