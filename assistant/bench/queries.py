"""ask() latency and gold-set accuracy, ours against the baseline, and the chunk-size candidates' scores.

Latency is over every gold question; accuracy (ours, the baseline's, the chunk sizes') over the kinds
`assistant eval`'s overall figures are taken over (gold.BASE_KINDS: factoids and plain unanswerables), so
it stays comparable with runs from before the gold set had lists, overviews, multi-part questions and small talk.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from ..evaluation.configs import LANGUAGES
from .stats import stage_recorder, stats

if TYPE_CHECKING:
    from .run import Run

KEEP = ("n", "hit@5", "accuracy", "overall_accuracy", "f1", "refusal_precision", "refusal_recall")


def scored_items(items: list[dict]) -> list[dict]:
    """The gold items accuracy is taken over: those of the eval's overall figures (evaluation.summary.base)."""
    from ..evaluation.gold import BASE_KINDS, item_kind

    return [it for it in items if item_kind(it) in BASE_KINDS]


def scored_note(items: list[dict]) -> dict:
    """Which kinds the accuracy figures count, and how many of the gold items that is."""
    from ..evaluation.gold import BASE_KINDS

    return {"kinds": list(BASE_KINDS), "items": len(scored_items(items)), "of": len(items)}


def measure_queries(bench: Run) -> dict:
    """Ours and the baseline on every gold question, alternating which goes first, `repeats` passes.

    Both are timed on every question and scored on `scored_items` alone, as the eval's overall figures are.
    """
    from .. import Assistant
    from ..embedding import Encoder
    from ..evaluation.gold import item_language
    from ..evaluation.run import add_ranking, ask_item, score_item
    from ..evaluation.summary import base, summarize
    from .baseline import Baseline

    assistant = Assistant.load(bench.seed_index, bench.settings)
    baseline = Baseline.build(bench.settings.corpus_dir, Encoder(bench.settings.model).model)
    hook, stages = stage_recorder()
    # One stage recorder per question language, so each language's time can be told apart (e5 or MiniLM).
    per_language = {lang: stage_recorder() for lang in LANGUAGES}
    timed = {lang: assistant.with_hook(_both(hook, h)) for lang, (h, _) in per_language.items()}
    ours_ms, base_ms, ours_results, base_rows = [], [], [], []
    language_ms: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}
    language_cpu_ms: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}  # the process's CPU time per ask
    for rep in range(bench.plan.repeats):
        for i, item in enumerate(bench.items):
            language = item_language(item)
            for who in ("ours", "baseline") if (i + rep) % 2 == 0 else ("baseline", "ours"):
                if who == "ours":
                    cpu = time.process_time()
                    answer, hits, ms = ask_item(timed.get(language, timed["en"]), item)
                    language_cpu_ms.setdefault(language, []).append((time.process_time() - cpu) * 1000)
                    ours_ms.append(ms)
                    language_ms.setdefault(language, []).append(ms)
                    if rep == 0:
                        ours_results.append(score_item(item, answer, hits, ms))
                else:
                    started = time.perf_counter()
                    text = baseline.ask(item["question"])
                    base_ms.append((time.perf_counter() - started) * 1000)
                    if rep == 0:
                        base_rows.append(_baseline_row(item, text))
    ours_results = add_ranking(ours_results, bench.items, assistant.index.chunks)
    by_language = {
        lang: {
            "questions": sum(item_language(it) == lang for it in bench.items),
            "encoder": assistant.multilingual_encoder.model_id
            if lang != "en" and assistant.multilingual_encoder
            else assistant.encoder.model_id,
            "ask_ms": stats(ms),
            "ask_cpu_ms": stats(language_cpu_ms[lang]),
            "stages_ms": {k: stats(v) for k, v in per_language[lang][1].items()} if lang in per_language else {},
            "ours": {k: v.get(k) for k in KEEP}
            if (v := summarize([r for r in base(ours_results) if r.language == lang]))["n"]
            else {},
        }
        for lang, ms in language_ms.items()
        if ms
    }
    multilingual_questions = [it["question"] for it in bench.items if item_language(it) != "en"]
    return {
        "ours_ms": stats(ours_ms),
        "baseline_ms": stats(base_ms),
        "stages_ms": {k: stats(v) for k, v in stages.items()},
        "by_language": by_language,
        "encode_threads_ms": encode_threads(assistant.encoder, [it["question"] for it in bench.items]),
        "e5_threads_ms": e5_threads(assistant, bench.settings, multilingual_questions),
        **accuracy_figures(ours_results, base_rows, bench.items),
        "baseline_chunks": len(baseline.chunks),
    }


def accuracy_figures(ours_results: list, base_rows: list[dict], items: list[dict]) -> dict:
    """Ours and the baseline's accuracy, overall and per split, over the eval's overall kinds alone.

    `ours_results` are every item's ItemResult, `base_rows` every item's `_baseline_row`; the other kinds
    are dropped here (evaluation.summary.base), as `assistant eval` drops them from its overall figures.
    """
    from ..evaluation.gold import BASE_KINDS
    from ..evaluation.summary import base, by_split, summarize

    ours = base(ours_results)
    rows = [r for r in base_rows if r["kind"] in BASE_KINDS]
    return {
        "ours": {
            "all": {k: summarize(ours).get(k) for k in KEEP},
            **{s: {k: v.get(k) for k in KEEP} for s, v in by_split(ours).items()},
        },
        "baseline": {
            "all": _baseline_scores(rows),
            **{
                s: _baseline_scores([r for r in rows if r["split"] == s])
                for s in ("tune", "test")
                if any(r["split"] == s for r in rows)
            },
        },
        "scored": scored_note(items),
        "correct_ids": [r.id for r in ours if r.correct],
    }


def _baseline_row(item: dict, text: str) -> dict:
    """The baseline never refuses: right only when an accepted answer is in its top chunk."""
    from ..evaluation.gold import item_kind
    from ..evaluation.metrics import contains_answer

    correct = item["answerable"] and contains_answer(text, item["answers"])
    return {"split": item["split"], "answerable": item["answerable"], "correct": correct, "kind": item_kind(item)}


def _baseline_scores(rows: list[dict]) -> dict:
    from ..evaluation.metrics import mean

    return {
        "overall_accuracy": mean(float(r["correct"]) for r in rows),
        "accuracy": mean(float(r["correct"]) for r in rows if r["answerable"]),
        "n": len(rows),
    }


def encode_threads(encoder, questions: list[str]) -> dict:
    """Query-encoding ms with torch's default thread count and with one thread, alternating (a contention check)."""
    if encoder.backend != "torch":
        return {}
    import torch

    default = torch.get_num_threads()
    times = {default: [], 1: []}
    try:
        for i, question in enumerate(questions):
            for n in (default, 1) if i % 2 == 0 else (1, default):
                torch.set_num_threads(n)
                started = time.perf_counter()
                encoder.encode_query(question)
                times[n].append((time.perf_counter() - started) * 1000)
    finally:
        torch.set_num_threads(default)
    return {str(n): stats(v) for n, v in times.items()}


def _both(first, second):
    """A stage hook that runs two hooks around the same stage."""
    from contextlib import ExitStack, contextmanager

    @contextmanager
    def hook(stage: str):
        with ExitStack() as stack:
            stack.enter_context(first(stage))
            stack.enter_context(second(stage))
            yield

    return hook


def e5_threads(assistant, settings, questions: list[str], limit: int = 60) -> dict:
    """e5 query encoding with the configured threads and with one thread, alternating (a contention check)."""
    from ..embedding import Encoder

    if assistant.multilingual_encoder is None or not questions:
        return {}
    configured = assistant.multilingual_encoder
    one = Encoder.for_multilingual(settings.with_overrides(encoder_threads=1))
    one.encode_query("warm up")
    threads = configured.threads or os.cpu_count()  # encoder_threads = 0 means one per core
    times: dict[str, list[float]] = {"configured": [], "one": []}
    for i, question in enumerate(questions[:limit]):
        for which in ("configured", "one") if i % 2 == 0 else ("one", "configured"):
            encoder = configured if which == "configured" else one
            started = time.perf_counter()
            encoder.encode_query(question)
            times[which].append((time.perf_counter() - started) * 1000)
    return {"threads": threads, "configured": stats(times["configured"]), "one": stats(times["one"])}


def measure_chunk_sizes(bench: Run) -> dict:
    """Gold-set scores of every chunk-size candidate on `scored_items`; the tune split picks the size."""
    from .. import Assistant
    from ..evaluation.run import evaluate_items
    from ..evaluation.summary import by_split, summarize

    keep = ("hit@5", "accuracy", "overall_accuracy", "f1")
    out = {}
    for size in bench.plan.chunk_sizes:
        queries = bench.results.get("queries", {})
        if size == bench.settings.chunk_tokens and "ours" in queries:  # already scored on this index
            out[str(size)] = {s: {k: v.get(k) for k in keep} for s, v in queries["ours"].items()}
            continue
        settings = bench.settings.with_overrides(chunk_tokens=size)
        results = evaluate_items(Assistant.load(bench.index_for(size), settings), scored_items(bench.items))
        splits = {"all": summarize(results), **by_split(results)}
        out[str(size)] = {s: {k: v.get(k) for k in keep} for s, v in splits.items()}
    pick_split = "tune" if all("tune" in v for v in out.values()) else "all"
    best = max(
        out, key=lambda s: (out[s][pick_split]["overall_accuracy"] or 0, out[s][pick_split]["hit@5"] or 0, -int(s))
    )
    return {
        "by_size": out,
        "picked_on": pick_split,
        "best": int(best),
        "configured": bench.settings.chunk_tokens,
        "scored": scored_note(bench.items),
    }
