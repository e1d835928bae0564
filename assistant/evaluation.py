"""`assistant eval`: score the gold set through the public API, side by side, with a regression gate.

Every item is asked as a user would ask it (earlier turns first, their answers fed back as
history), so the numbers describe what the UI and the CLI show. Per configuration and split it
reports retrieval (ranx), answer, citation, refusal and latency metrics; see evals/README.md.
Module-level imports stay light: the CLI imports this file to build its parser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import metrics as m
from .errors import AssistantError

CONFIGS = {  # name -> settings overrides; "hybrid" is what the product ships
    "hybrid": {"retrieval_mode": "hybrid", "resolve_followups": True},
    "dense": {"retrieval_mode": "dense", "resolve_followups": True},
    "bm25": {"retrieval_mode": "lexical", "resolve_followups": True},
    "hybrid-nofollow": {"retrieval_mode": "hybrid", "resolve_followups": False},
}
DEFAULT_CONFIG = "hybrid"
SPLITS = ("tune", "test")
RETRIEVAL_K = 10
GATED = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "ndcg@10",
    "accuracy",
    "f1",
    "overall_accuracy",
    "citation_correctness",
    "refusal_precision",
    "refusal_recall",
)
TOLERANCE = 0.02  # absolute; latency and length are reported, never gated
DEFAULT_GOLD = Path("evals/gold.jsonl")
DEFAULT_OUT = Path("evals/reports")
EXPECTED = Path("evals/expected.json")
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


@dataclass(frozen=True)
class ItemResult:
    """One gold item as asked under one configuration, with its scores."""

    id: str
    split: str
    type: str
    style: str
    answerable: bool
    history: tuple[str, ...]
    question: str
    answers: tuple[str, ...]
    text: str
    abstained: bool
    citations: tuple[dict, ...]  # {n, doc_id, start, end}
    retrieved: tuple[dict, ...]  # {id, doc_id, start, end}, best first
    latency_ms: float
    correct: bool  # answerable: answered and an accepted string is in the text; else: abstained
    f1: float
    citation_ok: bool | None  # only for answered answerable items
    ranking: dict | None = None  # hit@1, hit@5, mrr@10, ndcg@10 for answerable items

    @property
    def problems(self) -> list[str]:
        if not self.answerable:
            return [] if self.abstained else ["missed refusal"]
        if self.abstained:
            return ["false refusal"]
        return (["wrong answer"] if not self.correct else []) + (
            ["citation misses evidence"] if not self.citation_ok else []
        )


# --- gold set -------------------------------------------------------------------------


def load_gold(path: Path, split: str = "all") -> list[dict]:
    """Gold items of a split ("all", "tune" or "test") from a JSON-lines file."""
    path = Path(path)
    if not path.is_file():
        raise AssistantError(f"No gold set at {path}; pass --gold PATH (the format is in evals/README.md).")
    items = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise AssistantError(
                    f"{path}:{lineno} is not valid JSON ({exc}); check it with evals/check_gold.py."
                ) from None
    return [it for it in items if split == "all" or it["split"] == split]


# --- running ---------------------------------------------------------------------------


def ask_item(assistant, item: dict) -> tuple:
    """Ask the earlier turns, then the scored question (timed); also retrieve for it. Returns (answer, hits, ms)."""
    history: list[dict] = []
    for turn in item["history"]:
        earlier = assistant.ask(turn, history=list(history))
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": earlier.text}]
    start = time.perf_counter()
    answer = assistant.ask(item["question"], history=list(history))
    ms = (time.perf_counter() - start) * 1000
    return answer, assistant.retrieve(item["question"], list(history), k=RETRIEVAL_K), ms


def score_item(item: dict, answer, hits, ms: float) -> ItemResult:
    """Answer-side scores of one item (ranking scores are added over all items at once)."""
    answerable, evidence, accepted = item["answerable"], item["evidence"], item["answers"]
    text = m.strip_citation_marks(answer.text)
    answered = answerable and not answer.abstained
    return ItemResult(
        id=item["id"],
        split=item["split"],
        type=item["type"],
        style=item["style"],
        answerable=answerable,
        history=tuple(item["history"]),
        question=item["question"],
        answers=tuple(accepted),
        text=answer.text,
        abstained=answer.abstained,
        citations=tuple({"n": c.n, "doc_id": c.doc_id, "start": c.start, "end": c.end} for c in answer.citations),
        retrieved=tuple(
            {"id": h.chunk.id, "doc_id": h.chunk.doc_id, "start": h.chunk.start, "end": h.chunk.end} for h in hits
        ),
        latency_ms=ms,
        correct=(answered and m.contains_answer(text, accepted)) if answerable else answer.abstained,
        f1=m.best_f1(text, accepted) if answered else 0.0,
        citation_ok=any(m.overlaps_evidence(c.doc_id, c.start, c.end, evidence) for c in answer.citations)
        if answered
        else None,
    )


def add_ranking(results: list[ItemResult], items: list[dict], chunks) -> list[ItemResult]:
    """Attach ranx scores to answerable items; qrels: index chunks and retrieved hits overlapping the evidence."""
    evidence = {it["id"]: it["evidence"] for it in items if it["answerable"]}
    qrels = m.derive_qrels(evidence, chunks)
    for r in results:
        if r.id in qrels:  # merged hits span more than one chunk: judge them by their own span
            qrels[r.id].update(
                {
                    h["id"]: 1
                    for h in r.retrieved
                    if m.overlaps_evidence(h["doc_id"], h["start"], h["end"], evidence[r.id])
                }
            )
    scores = m.ranking_scores(qrels, {r.id: [h["id"] for h in r.retrieved] for r in results if r.id in qrels})
    return [_replace(r, ranking=scores.get(r.id)) for r in results]


def evaluate_items(assistant, items: list[dict], bar=None) -> list[ItemResult]:
    """Ask and score every item under one assistant's settings."""
    results = []
    for item in items:
        results.append(score_item(item, *ask_item(assistant, item)))
        if bar is not None:
            bar.update(1)
    return add_ranking(results, items, assistant.index.chunks)


def evaluate(
    assistant, items: list[dict], configs: dict[str, dict], progress: bool = False
) -> dict[str, list[ItemResult]]:
    """Item results per configuration, each under its settings overrides."""
    from tqdm import tqdm

    out = {}
    with tqdm(total=len(items) * len(configs), disable=not progress, unit="q", file=sys.stderr) as bar:
        for name, overrides in configs.items():
            bar.set_description(name)
            out[name] = evaluate_items(assistant.with_settings(**overrides), items, bar)
    return out


def sweep(assistant, items: list[dict], setting_name: str, values, split: str = "tune", progress: bool = False) -> dict:
    """Metrics of the default configuration on one split for each value of one setting (for tuning)."""
    chosen = [it for it in items if split == "all" or it["split"] == split]
    configs = {str(v): {**CONFIGS[DEFAULT_CONFIG], setting_name: v} for v in values}
    return {value: summarize(results) for value, results in evaluate(assistant, chosen, configs, progress).items()}


# --- scoring ---------------------------------------------------------------------------


def summarize(results: list[ItemResult]) -> dict:
    """Every metric over a set of item results (None where a metric has no items)."""
    answerable = [r for r in results if r.answerable]
    ranked = [r.ranking for r in answerable if r.ranking]
    answered = [r for r in answerable if not r.abstained]
    lengths = [len(r.text) for r in results if not r.abstained]
    latencies = [r.latency_ms for r in results]
    out = {"n": len(results), "answerable": len(answerable), "unanswerable": len(results) - len(answerable)}
    out |= {name: m.mean(s[name] for s in ranked) for name in m.RANKING_METRICS}
    out |= {
        "accuracy": m.mean(float(r.correct) for r in answerable),
        "f1": m.mean(r.f1 for r in answerable),
        "overall_accuracy": m.mean(float(r.correct) for r in results),
        "citation_correctness": m.mean(float(r.citation_ok) for r in answered),
    }
    out |= m.refusal_scores([not r.answerable for r in results], [r.abstained for r in results])
    out |= {
        "answer_chars_median": m.percentile(lengths, 50),
        "answer_chars_mean": m.mean(lengths),
        "latency_p50_ms": m.percentile(latencies, 50),
        "latency_p95_ms": m.percentile(latencies, 95),
    }
    return out


def by_split(results: list[ItemResult]) -> dict[str, dict]:
    return {s: summarize([r for r in results if r.split == s]) for s in SPLITS if any(r.split == s for r in results)}


def breakdown(results: list[ItemResult], key: str) -> dict[str, dict[str, dict]]:
    """Metrics per split and per value of `key` ("type" or "style")."""
    values = sorted({getattr(r, key) for r in results})
    return {v: by_split([r for r in results if getattr(r, key) == v]) for v in values}


def failures(results: list[ItemResult]) -> list[dict]:
    """Every item answered wrongly, refused wrongly, or cited off its evidence."""
    keep = ("id", "split", "type", "style", "history", "question", "answers", "abstained", "text", "citations")
    return [{"problems": r.problems, **{k: getattr(r, k) for k in keep}} for r in results if r.problems]


def regressions(expected: dict, actual: dict[str, dict]) -> list[str]:
    """Gated metrics that fell more than the tolerance below the expected figures."""
    tol = expected.get("tolerance", TOLERANCE)
    out = []
    for split, figures in expected.get("splits", {}).items():
        if split not in actual:
            continue
        for name in expected.get("gated", GATED):
            want, got = figures.get(name), actual[split].get(name)
            if want is not None and (got is None or got < want - tol - 1e-9):
                out.append(f"{split} {name}: {_fmt(got)} < expected {want:.3f} - {tol}")
    return out


def expected_figures(split_metrics: dict[str, dict], settings) -> dict:
    """The content of evals/expected.json for the default configuration."""
    return {
        "command": "assistant eval --update-expected",
        "config": DEFAULT_CONFIG,
        "tolerance": TOLERANCE,
        "gated": list(GATED),
        "note": "Figures of the default configuration on the seed index. Update only with the change that moved them, saying why in the commit.",
        "settings": _settings_summary(settings),
        "splits": {s: {k: _round(v[k]) for k in ("n", *GATED)} for s, v in split_metrics.items()},
    }


# --- reports ---------------------------------------------------------------------------


def build_report(assistant, results: dict[str, list[ItemResult]], gold: Path, split: str) -> dict:
    """Everything a run found, JSON-serialisable."""
    manifest = getattr(assistant.index, "manifest", {}) or {}
    return {
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "gold": str(gold),
        "split": split,
        "index": {
            "build": manifest.get("build"),
            "created": manifest.get("created"),
            "model": manifest.get("model", {}).get("id"),
        },
        "settings": _settings_summary(assistant.settings),
        "default_config": DEFAULT_CONFIG,
        "configs": {
            name: {
                "overrides": CONFIGS.get(name, {}),
                "splits": _rounded(by_split(rs)),
                "by_type": _rounded(breakdown(rs, "type")),
                "by_style": _rounded(breakdown(rs, "style")),
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
            f"{row:<22}" + "".join(f"{_fmt(report['configs'][c]['splits'][s].get(row)):>8} " for c, s in columns)
        )
    return "\n".join(lines)


def format_markdown(report: dict, gate: list[str] | None) -> str:
    """The Markdown report: the comparison table, breakdowns of the default configuration, every failure."""
    configs = report["configs"]
    columns = [(c, s) for c, v in configs.items() for s in v["splits"]]
    out = [
        f"# Evaluation {report['created']}",
        "",
        f"Gold set `{report['gold']}` (split: {report['split']}); index build `{report['index']['build']}`, "
        f"model `{report['index']['model']}`; settings: "
        + ", ".join(f"{k}={v}" for k, v in report["settings"].items())
        + ".",
        "",
        "## Configurations",
        "",
        _md_table(
            ["metric", *(f"{c} {s}" for c, s in columns)],
            [[row, *(_fmt(configs[c]["splits"][s].get(row)) for c, s in columns)] for row in TABLE_ROWS],
        ),
    ]
    if gate is not None:
        out += [
            "",
            "## Regression gate",
            "",
            "All gated metrics within tolerance of evals/expected.json."
            if not gate
            else "\n".join(f"- REGRESSION {g}" for g in gate),
        ]
    default = configs.get(report["default_config"])
    if default:
        for key in ("by_type", "by_style"):
            out += ["", f"## {report['default_config']}: {key.replace('_', ' ')}", "", _breakdown_table(default[key])]
    fails = report["failures"]
    out += ["", f"## Failed items of {report['default_config']} ({len(fails)})", ""]
    for f in fails:
        cites = ", ".join(f"[{c['n']}] {c['doc_id']} {c['start']}-{c['end']}" for c in f["citations"]) or "none"
        out += [
            f"### {f['id']} ({f['split']}, {f['type']}, {f['style']}): {', '.join(f['problems'])}",
            "",
            *(f"- earlier turn: {h}" for h in f["history"]),
            f"- question: {f['question']}",
            f"- expected: {' | '.join(f['answers']) or '(abstain)'}",
            f"- abstained: {'yes' if f['abstained'] else 'no'}; citations: {cites}",
            f"- answer: {' '.join(f['text'].split())}",
            "",
        ]
    return "\n".join(out) + "\n"


def _breakdown_table(groups: dict[str, dict[str, dict]]) -> str:
    cols = ("n", "overall_accuracy", "accuracy", "f1", "hit@5", "citation_correctness")
    rows = [[g, s, *(_fmt(v.get(c)) for c in cols)] for g, splits in groups.items() for s, v in splits.items()]
    return _md_table(["group", "split", *cols], rows)


def _md_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def write_reports(report: dict, markdown: str, out: Path) -> list[Path]:
    """eval-<date>.json, eval-<date>.md and eval-latest.md under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"eval-{report['created'][:10]}"
    paths = [stem.with_suffix(".json"), stem.with_suffix(".md"), out / "eval-latest.md"]
    paths[0].write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for p in paths[1:]:
        p.write_text(markdown, encoding="utf-8")
    return paths


def _settings_summary(settings) -> dict:
    names = (
        "model",
        "encoder",
        "ingest_encoder",
        "chunk_tokens",
        "chunk_overlap",
        "top_k",
        "fusion_k",
        "max_answer_sentences",
        "min_answer_score",
    )
    return {n: getattr(settings, n) for n in names if hasattr(settings, n)}


def _fmt(v) -> str:
    if v is None:
        return "-"
    return str(v) if isinstance(v, int) else f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"


def _round(v):
    return round(v, 4) if isinstance(v, float) else v


def _rounded(tree):
    return {k: _rounded(v) for k, v in tree.items()} if isinstance(tree, dict) else _round(tree)


def _replace(r: ItemResult, **changes) -> ItemResult:
    from dataclasses import replace

    return replace(r, **changes)


# --- command line ----------------------------------------------------------------------


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=f"gold set (default {DEFAULT_GOLD})")
    p.add_argument("--split", choices=("all", "tune", "test"), default="all", help="which items to run (default all)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report folder (default {DEFAULT_OUT})")
    p.add_argument(
        "--configs", default=",".join(CONFIGS), help=f"comma-separated, from: {', '.join(CONFIGS)} (default all)"
    )
    p.add_argument("--expected", type=Path, default=EXPECTED, help=f"regression gate figures (default {EXPECTED})")
    p.add_argument(
        "--update-expected", action="store_true", help="write the default configuration's figures to --expected"
    )
    p.add_argument(
        "--sweep",
        metavar="SETTING=V1,V2,...",
        help="tune one setting: metrics per value on --split (e.g. min_answer_score=0.3,0.4)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no failure list on the terminal")


def run(args, settings) -> int:
    """The `assistant eval` command; exit code 1 when a gated metric regressed."""
    from . import Assistant

    items = load_gold(args.gold, args.split)
    if not items:
        raise AssistantError(f"{args.gold} has no items in split '{args.split}'.")
    if args.sweep:
        name, values = _parse_sweep(args.sweep, settings)
        return _run_sweep(Assistant.load(settings.index_dir, settings), items, name, values, args)
    configs = _parse_configs(args.configs)
    if args.update_expected and (DEFAULT_CONFIG not in configs or args.split != "all"):
        raise AssistantError(f"--update-expected needs the {DEFAULT_CONFIG} configuration and --split all.")
    assistant = Assistant.load(settings.index_dir, settings)
    results = evaluate(assistant, items, configs, progress=not args.quiet)
    report = build_report(assistant, results, args.gold, args.split)
    gate = None
    if DEFAULT_CONFIG in results and Path(args.expected).is_file() and not args.update_expected:
        gate = regressions(
            json.loads(Path(args.expected).read_text(encoding="utf-8")), by_split(results[DEFAULT_CONFIG])
        )
    paths = write_reports(report, format_markdown(report, gate), Path(args.out))
    print(format_table(report))
    if not args.quiet:
        _print_failures(report["failures"])
    if args.update_expected:
        Path(args.expected).write_text(
            json.dumps(expected_figures(by_split(results[DEFAULT_CONFIG]), settings), indent=2) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.expected}")
    print("reports: " + ", ".join(str(p) for p in paths))
    if gate:
        print("REGRESSION against " + str(args.expected) + ":\n  " + "\n  ".join(gate))
        return 1
    if gate is not None:
        print(f"gate: every gated metric within {TOLERANCE} of {args.expected}")
    return 0


def _parse_configs(text: str) -> dict[str, dict]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown or not names:
        raise AssistantError(
            f"Unknown configuration(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(CONFIGS)}."
        )
    return {n: CONFIGS[n] for n in names}


def _parse_sweep(text: str, settings) -> tuple[str, list]:
    name, _, values = text.partition("=")
    name = name.strip()
    if not name or not values.strip():
        raise AssistantError(f"--sweep needs SETTING=V1,V2,... (e.g. min_answer_score=0.3,0.4), got {text!r}.")
    return name, [getattr(settings.with_overrides(**{name: v.strip()}), name) for v in values.split(",") if v.strip()]


def _run_sweep(assistant, items: list[dict], name: str, values: list, args) -> int:
    found = sweep(assistant, items, name, values, args.split, progress=not args.quiet)
    rows = ("n", *GATED, "false_refusals", "missed_refusals", "answer_chars_median")
    print(f"sweep of {name} on split {args.split} ({DEFAULT_CONFIG})")
    print(f"{'metric':<22}" + "".join(f"{v:>9}" for v in found))
    for row in rows:
        print(f"{row:<22}" + "".join(f"{_fmt(metrics.get(row)):>9}" for metrics in found.values()))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    path = Path(args.out) / f"sweep-{name}-{dt.date.today().isoformat()}.json"
    path.write_text(
        json.dumps({"setting": name, "split": args.split, "results": _rounded(found)}, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"report: {path}")
    return 0


def _print_failures(fails: list[dict]) -> None:
    print(f"\nfailed items of {DEFAULT_CONFIG}: {len(fails)}")
    for f in fails:
        got = "(abstained)" if f["abstained"] else " ".join(f["text"].split())[:100]
        print(f"  {f['id']} [{', '.join(f['problems'])}] {f['question'][:60]!r} want {f['answers'][:2]} got {got!r}")
