"""`assistant eval --unseen`, `--sealed` and `--ablate`: the engine on documents it was never tuned on.

--unseen and --sealed each build a temporary index (unseen_index.py), ask their set's items through the public API
as `assistant eval` does (run.evaluate_items) and report unseen_figures.py's figures against the goals. The sealed
set is reported as aggregates only: no item, question or answer of it is printed or written.
--ablate switches each rule of assistant/rules.py off in turn (setting `rules_off`) and prints what changes on the
seed test and tune splits (the seed index) and the unseen tune set (its temporary index).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from ..errors import AssistantError
from .arguments import report_folder
from .formatting import fmt, markdown_table, rounded
from .gold import load_gold
from .report import print_failures
from .run import evaluate_items
from .summary import base, failures, summarize
from .unseen import unseen_sets
from .unseen_figures import format_figures, goal_status, read_unseen_goals, sealed_view, unseen_figures
from .unseen_index import build_temp_index


def run_unseen(args, settings) -> int:
    """Run the unseen sets the flags name (and the ablation); always exit 0: the goals are reported, not gated."""
    for flag in ("sweep", "update_expected"):
        if getattr(args, flag, None):
            raise AssistantError(
                f"--{flag.replace('_', '-')} works on the seed gold set only; run it without --unseen/--sealed/--ablate."
            )
    sets = unseen_sets(Path(args.unseen_dir))
    goals = read_unseen_goals(args.goals)
    out = report_folder(args)
    names = [n for n, flag in (("tune", args.unseen), ("sealed", args.sealed)) if flag]
    for name in names:
        report = measure_set(sets[name], settings, goals, quiet=args.quiet)
        paths = write_report(report, out)
        print("report: " + ", ".join(str(p) for p in paths))
    if args.ablate:
        print(ablate(sets["tune"], args.gold, settings, quiet=args.quiet))
    return 0


def measure_set(unseen, settings, goals: dict, quiet: bool = False) -> dict:
    """Build the set's temporary index, ask its items, and return its report (sealed: figures only)."""
    items = load_gold(unseen.gold)
    if not items:
        raise AssistantError(f"{unseen.gold} has no items.")
    temp = build_temp_index(settings, unseen.index_folders, progress=not quiet)
    try:
        results, ask_seconds = _ask(temp, settings, items, quiet)
    finally:
        shutil.rmtree(temp.root, ignore_errors=True)
    figures = unseen_figures(results, items)
    if unseen.name == "sealed":  # aggregates only: no group small enough to be an item's result
        figures = sealed_view(figures)
    status = goal_status(figures, goals)
    timing = {
        "build_seconds": temp.seconds,
        "ask_seconds": ask_seconds,
        "documents": temp.documents,
        "embedded": temp.embedded,
        "reused": temp.reused,
    }
    title = f"Unseen {unseen.name} set ({unseen.gold})"
    print(format_figures(figures, status, title))
    print(
        f"\nindex: {temp.documents} documents, {temp.embedded} texts embedded, {temp.reused} from the cache, "
        f"built in {temp.seconds:.1f} s; {len(items)} items asked in {ask_seconds:.1f} s"
    )
    report = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "set": unseen.name,
        "gold": str(unseen.gold),
        "settings": settings.summary(),
        "timing": timing,
        "figures": figures,
        "goals": status,
        "markdown": format_figures(figures, status, title),
    }
    if unseen.name != "sealed":  # the tune set is for tuning: its failures are listed; the sealed set's never
        fails = failures(results)
        report["failures"] = fails
        if not quiet:
            print_failures(fails)
    return report


def _ask(temp, settings, items: list[dict], quiet: bool):
    from tqdm import tqdm

    from .. import Assistant

    assistant = Assistant.load(temp.index_dir, settings.with_overrides(corpus_dir=temp.corpus_dir))
    started = time.perf_counter()
    with tqdm(total=len(items), disable=quiet, unit="q", file=sys.stderr) as bar:
        results = evaluate_items(assistant, items, bar)
    return results, time.perf_counter() - started


def write_report(report: dict, out: Path) -> list[Path]:
    """unseen-<set>-<date>.json and .md under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"unseen-{report['set']}-{report['created'][:10]}"
    t = report["timing"]
    markdown = (
        f"# Unseen documents: the {report['set']} set, {report['created']}\n\n{report['markdown']}\n\n"
        f"Index of {t['documents']} documents built in {t['build_seconds']:.1f} s ({t['embedded']} texts embedded, "
        f"{t['reused']} from the cache); items asked in {t['ask_seconds']:.1f} s.\n"
    )
    if "failures" in report:  # the tune set only: the sealed set's report never holds an item
        markdown += (
            f"\n## Failed items ({len(report['failures'])})\n\n"
            + "\n".join(_failure_line(f) for f in report["failures"])
            + "\n"
        )
    paths = [stem.with_suffix(".json"), stem.with_suffix(".md")]
    paths[0].write_text(
        json.dumps(
            rounded({k: v for k, v in report.items() if k != "markdown"}), indent=1, ensure_ascii=False, default=str
        )
        + "\n",
        encoding="utf-8",
    )
    paths[1].write_text(markdown, encoding="utf-8")
    return paths


def _failure_line(f: dict) -> str:
    got = "(refused)" if f["abstained"] else " ".join(f["text"].split())[:160]
    want = "; ".join(f["answers"][:3]) or f.get("wanted", "")[:120]
    history = f" (after: {' / '.join(f['history'])})" if f["history"] else ""
    return f"- {f['id']} {f['language']} {f['kind']} [{', '.join(f['problems'])}] {f['question']!r}{history}: want {want!r}; got {got!r}"


# --- ablation -------------------------------------------------------------------------------------------------

ABLATION_FIGURES = (  # name, higher is better
    ("seed test accuracy", True),
    ("seed test overall", True),
    ("seed tune overall", True),
    ("unseen answer accuracy", True),
    ("unseen near-topic refusal", True),
    ("unseen false refusals", False),
    ("unseen small talk", True),
    ("unseen off-topic refusal", True),
)


def ablation_figures(
    seed_results: list, unseen_results: list, unseen_items: list[dict], seed_tune_results: list
) -> dict[str, float | None]:
    """The figures an ablation compares: the seed test split's (as the gate takes them), the seed tune split's overall
    (answers and refusals) and the unseen tune set's."""
    core = summarize(base(seed_results))
    tune = summarize(base(seed_tune_results))
    unseen = unseen_figures(unseen_results, unseen_items)
    return {
        "seed test accuracy": core["accuracy"],
        "seed test overall": core["overall_accuracy"],
        "seed tune overall": tune["overall_accuracy"],
        "unseen answer accuracy": unseen["answer_accuracy"],
        "unseen near-topic refusal": unseen["near_topic_refusal"],
        "unseen false refusals": unseen["false_refusal_share"],
        "unseen small talk": unseen["smalltalk_accuracy"],
        "unseen off-topic refusal": unseen["off_topic_refusal"],
    }


def ablation_row(name: str, baseline: dict, without: dict) -> list:
    """One table row: what switching the rule off changes (figure off - figure on), and whether the rule earns anything.

    A rule earns something when switching it off makes any figure worse.
    """
    deltas, earns = [], False
    for figure, higher_better in ABLATION_FIGURES:
        on, off = baseline.get(figure), without.get(figure)
        delta = None if on is None or off is None else off - on
        deltas.append(None if delta is None else f"{delta:+.3f}")
        if delta is not None and abs(delta) > 1e-9 and ((delta < 0) == higher_better):
            earns = True
    return [name, *deltas, "earns" if earns else "earns nothing: goes"]


def ablate(tune, gold: Path, settings, quiet: bool = False) -> str:
    """Each registered rule switched off in turn, against everything on; a markdown table."""
    from .. import Assistant
    from ..rules import RULES

    if not RULES:
        return "ablation: no rules are registered in assistant/rules.py RULES, so there is nothing to switch off."
    seed_items, seed_tune = load_gold(gold, "test"), load_gold(gold, "tune")
    tune_items = load_gold(tune.gold)
    seed = Assistant.load(settings.index_dir, settings)
    temp = build_temp_index(settings, tune.index_folders, progress=not quiet)
    try:
        unseen = Assistant.load(temp.index_dir, settings.with_overrides(corpus_dir=temp.corpus_dir))

        def measure(off: str) -> dict:
            return ablation_figures(
                evaluate_items(seed.with_settings(rules_off=off), seed_items),
                evaluate_items(unseen.with_settings(rules_off=off), tune_items),
                tune_items,
                evaluate_items(seed.with_settings(rules_off=off), seed_tune),
            )

        baseline = measure("")
        rows = [ablation_row(name, baseline, measure(name)) for name in RULES]
    finally:
        shutil.rmtree(temp.root, ignore_errors=True)
    header = ["rule off", *(f for f, _ in ABLATION_FIGURES), "verdict"]
    all_on = ["(all on)", *(fmt(baseline[f]) for f, _ in ABLATION_FIGURES), ""]
    return "## Ablation (figure with the rule off minus with it on)\n\n" + markdown_table(header, [all_on, *rows])
