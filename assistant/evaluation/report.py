"""The `assistant eval` reports: the JSON of everything a run found, the Markdown report, the terminal table."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

from .configs import CONFIGS, DEFAULT_CONFIG, LANGUAGES
from .formatting import fmt, markdown_table, rounded
from .gate import GATED, GateResult, goal_lines
from .run import ItemResult
from .summary import base, breakdown, by_kind, by_split, failures

TABLE_ROWS = (
    "n",
    *GATED[:6],
    "citation_correctness",
    "refusal_precision",
    "refusal_recall",
    "false_refusals",
    "missed_refusals",
    "answer_chars_median",
    "answer_chars_mean",
    "latency_p50_ms",
    "latency_p95_ms",
)
LANGUAGE_ROWS = (  # the default configuration by language: what a visitor in each language gets
    "n",
    "accuracy",
    "overall_accuracy",
    "citation_correctness",
    "refusal_precision",
    "refusal_recall",
    "false_refusals",
    "missed_refusals",
    "hit@1",
    "hit@5",
    "f1",
    "answer_chars_median",
    "latency_p50_ms",
    "latency_p95_ms",
)

KIND_ROWS = ("n", "accuracy", "refusal_rate", "citations_mean", "answer_chars_median")  # per kind: kind_summary's figures


def build_report(
    assistant, results: dict[str, list[ItemResult]], gold: Path, split: str, language: str = "all"
) -> dict:
    """Everything a run found, JSON-serialisable."""
    manifest = getattr(assistant.index, "manifest", {}) or {}
    return {
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "gold": str(gold),
        "split": split,
        "language": language,
        "index": {
            "build": manifest.get("build"),
            "created": manifest.get("created"),
            "model": manifest.get("model", {}).get("id"),
        },
        "settings": assistant.settings.summary(),
        "default_config": DEFAULT_CONFIG,
        "configs": {
            name: {
                "overrides": CONFIGS.get(name, {}),
                # the overall figures and their breakdowns: factoid and unanswerable items (gold.BASE_KINDS)
                "splits": rounded(by_split(base(rs))),
                "by_type": rounded(breakdown(base(rs), "type")),
                "by_style": rounded(breakdown(base(rs), "style")),
                "by_language": rounded(breakdown(base(rs), "language")),
                "by_kind": rounded(by_kind(rs)),  # every kind, scored as it asks
            }
            for name, rs in results.items()
        },
        "failures": failures(results.get(DEFAULT_CONFIG, [])),
        "items": {name: [asdict(r) for r in rs] for name, rs in results.items()},
    }


def format_table(report: dict, rows=TABLE_ROWS) -> str:
    """A compact metrics-by-configuration table for the terminal."""
    columns = [(c, s) for c, v in report["configs"].items() for s in v["splits"]]
    head = f"{'':<22}" + "".join(f"{c:<18}" for c in report["configs"])
    sub = f"{'metric':<22}" + "".join(f"{s:>8} " for _, s in columns)
    lines = [head, sub]
    for row in rows:
        lines.append(
            f"{row:<22}" + "".join(f"{fmt(report['configs'][c]['splits'][s].get(row)):>8} " for c, s in columns)
        )
    return "\n".join(lines)


def _language_columns(groups: dict[str, dict[str, dict]]) -> list[tuple[str, str]]:
    """(language, split) pairs in the order of LANGUAGES (en, ru, kk), any other language after them."""
    order = sorted(groups, key=lambda g: (LANGUAGES.index(g) if g in LANGUAGES else len(LANGUAGES), g))
    return [(g, s) for g in order for s in groups[g]]


def format_by_language(report: dict, rows=LANGUAGE_ROWS) -> str:
    """The default configuration's metrics per language and split, for the terminal."""
    groups = report["configs"][report["default_config"]]["by_language"]
    columns = _language_columns(groups)
    lines = [f"{report['default_config'] + ' by language':<22}" + "".join(f"{f'{g} {s}':>10}" for g, s in columns)]
    for row in rows:
        lines.append(f"{row:<22}" + "".join(f"{fmt(groups[g][s].get(row)):>10}" for g, s in columns))
    return "\n".join(lines)


def _kind_columns(groups: dict[str, dict[str, dict]]) -> list[str]:
    """The figure groups of every kind, splits first ("tune", "test"), then per language ("en:test", ...)."""
    names = {g for splits in groups.values() for g in splits}
    order = {lang: i for i, lang in enumerate(LANGUAGES)}
    return sorted(names, key=lambda g: (":" in g, order.get(g.split(":")[0], -1), g.split(":")[-1] != "tune"))


def format_by_kind(report: dict) -> str:
    """The default configuration's accuracy by kind (as each kind scores it), per split and language, for the terminal."""
    groups = report["configs"][report["default_config"]].get("by_kind", {})
    columns = _kind_columns(groups)
    lines = [f"{report['default_config'] + ' by kind':<26}" + "".join(f"{c:>10}" for c in columns) + "   (accuracy, n)"]
    for kind, splits in groups.items():
        lines.append(
            f"{kind:<26}"
            + "".join(
                f"{fmt(splits[c]['accuracy']) + ' ' + str(splits[c]['n']) if c in splits else '':>10}" for c in columns
            )
        )
    return "\n".join(lines)


def _by_kind_section(report: dict) -> list[str]:
    """Markdown: every kind's figures, per split and (with enough items) per language."""
    groups = report["configs"][report["default_config"]].get("by_kind", {})
    rows = [[kind, g, *(fmt(v.get(r)) for r in KIND_ROWS)] for kind, splits in groups.items() for g, v in splits.items()]
    out = [
        "",
        f"## By kind ({report['default_config']})",
        "",
        "Each kind scored as it asks (evals/README.md, \"Kinds\"): for an unanswerable kind, accuracy is the share refused. "
        "The overall figures above are over the factoid and unanswerable kinds only. The gate holds each row's accuracy "
        "(`kind:<kind>:<group>` in evals/expected.json).",
        "",
        markdown_table(["kind", "group", *KIND_ROWS], rows),
    ]
    if report.get("goals"):
        out += ["", "### Goals (reported, not gated)", "", *(f"- {line}" for line in goal_lines(report["goals"]))]
    return out


def _by_language_section(report: dict) -> list[str]:
    """Markdown: the default configuration per language and split, then answer accuracy per configuration."""
    configs, default = report["configs"], report["default_config"]
    groups = configs[default]["by_language"]
    columns = _language_columns(groups)
    out = [
        "",
        f"## By language ({default})",
        "",
        "Each language's items scored on their own (the gold set's `language`; the gate holds each of these columns).",
        "",
        markdown_table(
            ["metric", *(f"{g} {s}" for g, s in columns)],
            [[row, *(fmt(groups[g][s].get(row)) for g, s in columns)] for row in LANGUAGE_ROWS],
        ),
    ]
    if len(configs) > 1:
        out += [
            "",
            "Answer accuracy / overall accuracy by language, every configuration:",
            "",
            markdown_table(
                ["language split", *configs],
                [
                    [
                        f"{g} {s}",
                        *(
                            f"{fmt(c['by_language'].get(g, {}).get(s, {}).get('accuracy'))} / "
                            f"{fmt(c['by_language'].get(g, {}).get(s, {}).get('overall_accuracy'))}"
                            for c in configs.values()
                        ),
                    ]
                    for g, s in columns
                ],
            ),
        ]
    return out


def _gate_section(gate: GateResult) -> list[str]:
    out = ["", "## Gate", "", gate.summary().replace("GATE FAILED", "**Gate failed**") + "."]
    if gate.lines():
        out += ["", *(f"- {line}" for line in gate.lines())]
    return out


def format_markdown(report: dict, gate: GateResult | None) -> str:
    """The Markdown report: the comparison table, breakdowns of the default configuration, every failure."""
    configs = report["configs"]
    columns = [(c, s) for c, v in configs.items() for s in v["splits"]]
    out = [
        f"# Evaluation {report['created']}",
        "",
        f"Gold set `{report['gold']}` (split: {report['split']}, language: {report.get('language', 'all')}); index build `{report['index']['build']}`, "
        f"model `{report['index']['model']}`; settings: "
        + ", ".join(f"{k}={v}" for k, v in report["settings"].items())
        + ".",
        "",
        "## Configurations",
        "",
        markdown_table(
            ["metric", *(f"{c} {s}" for c, s in columns)],
            [[row, *(fmt(configs[c]["splits"][s].get(row)) for c, s in columns)] for row in TABLE_ROWS],
        ),
    ]
    default = configs.get(report["default_config"])
    if default:
        out += _by_language_section(report)
        out += _by_kind_section(report)
    if gate is not None:
        out += _gate_section(gate)
    if default:
        for key in ("by_type", "by_style"):
            out += ["", f"## {report['default_config']}: {key.replace('_', ' ')}", "", _breakdown_table(default[key])]
    fails = report["failures"]
    out += ["", f"## Failed items of {report['default_config']} ({len(fails)})", ""]
    for f in fails:
        cites = ", ".join(f"[{c['n']}] {c['doc_id']} {c['start']}-{c['end']}" for c in f["citations"]) or "none"
        out += [
            f"### {f['id']} ({f.get('language', 'en')}, {f['split']}, {f.get('kind', 'factoid')}, {f['type']}, {f['style']}): "
            f"{', '.join(f['problems'])}",
            "",
            *(f"- earlier turn: {h}" for h in f["history"]),
            f"- question: {f['question']}",
            f"- expected: {' | '.join(f['answers']) or f.get('wanted') or '(abstain)'}",
            f"- abstained: {'yes' if f['abstained'] else 'no'}; citations: {cites}"
            + (f"; unanswered: {' | '.join(f['unanswered'])}" if f.get("unanswered") else ""),
            f"- answer: {' '.join(f['text'].split())}",
            "",
        ]
    return "\n".join(out) + "\n"


def _breakdown_table(groups: dict[str, dict[str, dict]]) -> str:
    cols = ("n", "overall_accuracy", "accuracy", "f1", "hit@5", "citation_correctness")
    rows = [[g, s, *(fmt(v.get(c)) for c in cols)] for g, splits in groups.items() for s, v in splits.items()]
    return markdown_table(["group", "split", *cols], rows)


def write_reports(report: dict, markdown: str, out: Path) -> list[Path]:
    """eval-<date>.json and eval-<date>.md under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"eval-{report['created'][:10]}"
    paths = [stem.with_suffix(".json"), stem.with_suffix(".md")]
    paths[0].write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown, encoding="utf-8")
    return paths


def print_failures(fails: list[dict]) -> None:
    """Every failed item of the default configuration, one line each, for the terminal."""
    print(f"\nfailed items of {DEFAULT_CONFIG}: {len(fails)}")
    for f in fails:
        got = "(abstained)" if f["abstained"] else " ".join(f["text"].split())[:100]
        print(f"  {f['id']} {f.get('language', 'en')} {f.get('kind', 'factoid')} [{', '.join(f['problems'])}] {f['question'][:60]!r} want {list(f['answers'][:2]) or f.get('wanted', '')[:60]} got {got!r}")
