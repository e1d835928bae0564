"""The `assistant bench` flags; cli.py imports only this to build its parser."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..evaluation.arguments import DEFAULT_GOLD, GOALS, add_report_arguments

FULL_SCALE = (10_000, 100_000, 1_000_000)
QUICK_SCALE = (10_000,)
CHUNK_SIZES = (96, 128, 192, 256)
SOAK_MINUTES, SOAK_MINUTES_QUICK = 20, 1  # the soak's length: 30 clients against one app.py
DEFAULT_GOALS = GOALS  # evals/goals.json: the benchmark's "goals" beside the eval gate's "floors"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--quick", action="store_true", help="a short run (about a minute): one repeat, one chunk size, 10 000 chunks"
    )
    p.add_argument(
        "--scale",
        help="synthetic corpus sizes in chunks, comma-separated (default 10000,100000,1000000; quick 10000; 0 for none)",
    )
    add_report_arguments(p)
    p.add_argument("--repeats", type=int, help="passes over the gold questions and ingest repeats (default 3; quick 1)")
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=f"gold set (default {DEFAULT_GOLD})")
    p.add_argument("--goals", type=Path, default=DEFAULT_GOALS, help=f"goal thresholds (default {DEFAULT_GOALS})")
    p.add_argument(
        "--chunk-sizes",
        help="chunk-size candidates in model tokens (default 96,128,192,256; quick: the configured one)",
    )
    p.add_argument("--threads", type=int, help="concurrent HTTP clients (default 4; quick 2)")
    p.add_argument(
        "--soak-minutes", type=float, help="minutes of the soak, 30 clients against one app.py (default 20; quick 1; 0: none)"
    )
    p.add_argument("--page-loads", type=int, help="Lighthouse loads of each page (default 5; quick 2; 0: none)")
    p.add_argument("--keep", action="store_true", help="keep the scratch folder of indexes (its path is printed)")
