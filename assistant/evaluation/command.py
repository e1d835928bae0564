"""The `assistant eval` command: gold set -> run per configuration -> reports -> regression gate."""

from __future__ import annotations

from ..errors import AssistantError
from .arguments import report_folder
from .configs import CONFIGS, DEFAULT_CONFIG
from .gate import TOLERANCE, read_expected, regressions, write_expected
from .gold import load_gold
from .report import build_report, format_markdown, format_table, print_failures, write_reports
from .run import evaluate
from .summary import gated_figures


def run(args, settings) -> int:
    """The `assistant eval` command; exit code 1 when a gated metric regressed."""
    from .. import Assistant

    items = load_gold(args.gold, args.split)
    if not items:
        raise AssistantError(f"{args.gold} has no items in split '{args.split}'.")
    out = report_folder(args)
    if args.sweep:
        from .sweep import parse_sweep, run_sweep

        name, values = parse_sweep(args.sweep, settings)
        assistant = Assistant.load(settings.index_dir, settings)
        return run_sweep(assistant, items, name, values, args.split, out, progress=not args.quiet)
    configs = parse_configs(args.configs)
    if args.update_expected and (DEFAULT_CONFIG not in configs or args.split != "all"):
        raise AssistantError(f"--update-expected needs the {DEFAULT_CONFIG} configuration and --split all.")
    assistant = Assistant.load(settings.index_dir, settings)
    results = evaluate(assistant, items, configs, progress=not args.quiet)
    report = build_report(assistant, results, args.gold, args.split)
    expected = read_expected(args.expected) if DEFAULT_CONFIG in results and not args.update_expected else None
    gate = regressions(expected, gated_figures(results[DEFAULT_CONFIG])) if expected is not None else None
    paths = write_reports(report, format_markdown(report, gate), out)
    print(format_table(report))
    if not args.quiet:
        print_failures(report["failures"])
    if args.update_expected:
        write_expected(args.expected, gated_figures(results[DEFAULT_CONFIG]), settings)
        print(f"wrote {args.expected}")
    print("reports: " + ", ".join(str(p) for p in paths))
    if gate:
        print("REGRESSION against " + str(args.expected) + ":\n  " + "\n  ".join(gate))
        return 1
    if gate is not None:
        print(f"gate: every gated metric within {TOLERANCE} of {args.expected}")
    return 0


def parse_configs(text: str) -> dict[str, dict]:
    """--configs NAME,... as {name: settings overrides}; an unknown name is a user error."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown or not names:
        raise AssistantError(
            f"Unknown configuration(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(CONFIGS)}."
        )
    return {n: CONFIGS[n] for n in names}
