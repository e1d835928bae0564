"""The `assistant eval` command: gold set -> run per configuration -> reports -> the gate (floors and expected figures)."""

from __future__ import annotations

import sys

from ..errors import AssistantError
from .arguments import report_folder
from .configs import CONFIGS, DEFAULT_CONFIG
from .gate import goal_lines, goal_status, judge, read_expected, read_floors, read_kind_goals, write_expected
from .gold import load_gold
from .report import (
    build_report,
    format_by_kind,
    format_by_language,
    format_markdown,
    format_table,
    print_failures,
    write_reports,
)
from .run import evaluate
from .summary import gated_figures


def run(args, settings) -> int:
    """The `assistant eval` command; exit code 1 when the gate fails (a figure below its floor, or a regression)."""
    from .. import Assistant

    if getattr(args, "unseen", False) or getattr(args, "sealed", False) or getattr(args, "ablate", False):
        from .unseen_command import run_unseen

        return run_unseen(args, settings)
    _say_if_stale(settings)
    language = getattr(args, "language", "all")
    items = load_gold(args.gold, args.split, language)
    if not items:
        raise AssistantError(f"{args.gold} has no items in split '{args.split}' and language '{language}'.")
    out = report_folder(args)
    if args.sweep:
        from .sweep import parse_sweep, run_sweep

        name, values = parse_sweep(args.sweep, settings)
        assistant = Assistant.load(settings.index_dir, settings)
        return run_sweep(assistant, items, name, values, args.split, out, progress=not args.quiet, language=language)
    configs = parse_configs(args.configs)
    gated = DEFAULT_CONFIG in configs
    if args.update_expected and (not gated or args.split != "all" or language != "all"):
        raise AssistantError(f"--update-expected needs the {DEFAULT_CONFIG} configuration, --split all and --language all.")
    # Read both files before the long run, so a missing one is said at once.
    floors = read_floors(args.goals) if gated else None
    expected = read_expected(args.expected) if gated and not args.update_expected else None
    assistant = Assistant.load(settings.index_dir, settings)
    results = evaluate(assistant, items, configs, progress=not args.quiet)
    report = build_report(assistant, results, args.gold, args.split, language)
    gate = None
    if gated:
        actual = judged_figures(gated_figures(results[DEFAULT_CONFIG]), language)
        complete = args.split == "all" and language == "all"
        gate = judge(actual, floors, args.goals, expected, args.expected, complete)
        report["goals"] = goal_status(read_kind_goals(args.goals), actual)
    paths = write_reports(report, format_markdown(report, gate), out)
    print(format_table(report))
    if DEFAULT_CONFIG in report["configs"]:
        print("\n" + format_by_language(report))
        print("\n" + format_by_kind(report))
    if report.get("goals"):
        print("\ngoals (reported, not gated; evals/goals.json \"kind_goals\"):")
        for line in goal_lines(report["goals"]):
            print("  " + line)
    if not args.quiet:
        print_failures(report["failures"])
    if args.update_expected:
        if gate.failed:
            print(f"not written: {args.expected} (figures below their floors are not accepted as expected)")
        else:
            write_expected(args.expected, gated_figures(results[DEFAULT_CONFIG]), settings)
            print(f"wrote {args.expected}")
    print("reports: " + ", ".join(str(p) for p in paths))
    if gate is None:
        print(f"gate: not judged (the {DEFAULT_CONFIG} configuration did not run)")
        return 0
    print(gate.summary())
    for line in gate.lines():
        print("  " + line)
    return 1 if gate.failed else 0


def judged_figures(figures: dict[str, dict], language: str) -> dict[str, dict]:
    """The figures the gate judges: all of them, or, for one language's items, only that language's splits."""
    if language == "all":
        return figures
    return {k: v for k, v in figures.items() if k.startswith(f"{language}:") or (k.startswith("kind:") and f":{language}:" in k)}


def parse_configs(text: str) -> dict[str, dict]:
    """--configs NAME,... as {name: settings overrides}; an unknown name is a user error."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown or not names:
        raise AssistantError(
            f"Unknown configuration(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(CONFIGS)}."
        )
    return {n: CONFIGS[n] for n in names}


def _say_if_stale(settings) -> None:
    """A warning on stderr when the index no longer matches the corpus or the rules that read it: its figures would
    be an older engine's (a change to the language data leaves the stored facts of every sentence behind)."""
    from ..index.status import index_status

    status = index_status(settings)
    if status.exists and status.stale:
        print(
            f"warning: the index in {settings.index_dir} is stale ({status.reason}): these figures are not the current"
            " engine's; run `assistant ingest` first",
            file=sys.stderr,
        )
