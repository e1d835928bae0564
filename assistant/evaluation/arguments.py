"""The `assistant eval` flags and where reports go; cli.py imports only this to build its parser."""

from __future__ import annotations

import argparse
from pathlib import Path

from .configs import CONFIGS, LANGUAGES, SPLITS

DEFAULT_GOLD = Path("evals/gold.jsonl")
EXPECTED = Path("evals/expected.json")
GOALS = Path("evals/goals.json")  # the gate's floors ("floors") and the benchmark's goals ("goals")
LOCAL_REPORTS = Path("evals/reports/local")  # git-ignored: running a measurement leaves the checkout clean
SAVED_REPORTS = Path("evals/reports")  # --save: dated reports meant for the repository
UNSEEN_DIR = Path("evals/unseen")  # issue 20's unseen documents: tune/ and sealed/


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=f"gold set (default {DEFAULT_GOLD})")
    p.add_argument("--split", choices=("all", *SPLITS), default="all", help="which items to run (default all)")
    p.add_argument(
        "--language",
        choices=("all", *LANGUAGES),
        default="all",
        help="only the gold items in this language (default all); the gate then judges that language's splits",
    )
    add_report_arguments(p)
    p.add_argument(
        "--configs", default=",".join(CONFIGS), help=f"comma-separated, from: {', '.join(CONFIGS)} (default all)"
    )
    p.add_argument("--expected", type=Path, default=EXPECTED, help=f"regression gate figures (default {EXPECTED})")
    p.add_argument(
        "--goals", type=Path, default=GOALS, help=f"the gate's floors, under \"floors\" (default {GOALS})"
    )
    p.add_argument(
        "--update-expected",
        action="store_true",
        help="write the default configuration's figures to --expected (refused when a figure is below its floor)",
    )
    p.add_argument(
        "--sweep",
        metavar="SETTING=V1,V2,...",
        help="tune one setting: metrics per value on --split and --language (e.g. min_answer_score=0.3,0.4)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no failure list on the terminal")
    unseen = p.add_argument_group("unseen documents (issue 20; evals/README.md, \"Unseen documents\")")
    unseen.add_argument(
        "--unseen", action="store_true",
        help="index corpus/ plus the unseen tune documents in a temporary folder and report the tune items "
        "by question x document language and by kind, against the goals",
    )
    unseen.add_argument(
        "--sealed", action="store_true",
        help="the same with the sealed documents added; reports the sealed items as aggregates only",
    )
    unseen.add_argument(
        "--ablate", action="store_true",
        help="switch each rule of assistant/rules.py off in turn; print what each changes on the seed test and tune "
        "splits and the unseen tune set",
    )
    unseen.add_argument("--unseen-dir", type=Path, default=UNSEEN_DIR, help=f"the unseen sets (default {UNSEEN_DIR})")


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    """--out and --save, shared by `assistant eval` and `assistant bench`."""
    p.add_argument("--out", type=Path, help=f"report folder (default {LOCAL_REPORTS}/, git-ignored)")
    p.add_argument(
        "--save", action="store_true", help=f"write the dated report into {SAVED_REPORTS}/ for the repository"
    )


def report_folder(args) -> Path:
    """--out if given, else evals/reports/ with --save, else the git-ignored evals/reports/local/."""
    out = getattr(args, "out", None)
    return Path(out) if out else SAVED_REPORTS if getattr(args, "save", False) else LOCAL_REPORTS
