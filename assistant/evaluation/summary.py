"""Metrics over a set of item results: per split, per question type or style, and the failures."""

from __future__ import annotations

from . import metrics as m
from .configs import SPLITS
from .run import ItemResult


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
    """summarize() per split that has items."""
    return {s: summarize([r for r in results if r.split == s]) for s in SPLITS if any(r.split == s for r in results)}


def breakdown(results: list[ItemResult], key: str) -> dict[str, dict[str, dict]]:
    """Metrics per split and per value of `key` ("type", "style" or "language")."""
    values = sorted({getattr(r, key) for r in results})
    return {v: by_split([r for r in results if getattr(r, key) == v]) for v in values}


def gated_figures(results: list[ItemResult]) -> dict[str, dict]:
    """What the gate holds: metrics per split, and per language and split ("ru:test")."""
    per_language = breakdown(results, "language")
    return by_split(results) | {f"{lang}:{split}": m for lang, splits in per_language.items() for split, m in splits.items()}


def failures(results: list[ItemResult]) -> list[dict]:
    """Every item answered wrongly, refused wrongly, or cited off its evidence."""
    keep = ("id", "split", "language", "type", "style", "history", "question", "answers", "abstained", "text", "citations")
    return [{"problems": r.problems, **{k: getattr(r, k) for k in keep}} for r in results if r.problems]
