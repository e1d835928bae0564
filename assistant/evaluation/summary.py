"""Metrics over a set of item results: per split, per question type, style, language or kind, and the failures.

The overall figures (and the floors and expected figures over them) are taken over the kinds the gold set had
before issue 13 (gold.BASE_KINDS); every kind also gets its own figures (kind_summary), gated as "kind:<kind>:<split>".
"""

from __future__ import annotations

from . import metrics as m
from .configs import SPLITS
from .gold import BASE_KINDS, KINDS
from .run import ItemResult

MIN_LANGUAGE_ITEMS = 5  # a kind's figures per language and split are reported (and gated) from this many items


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


def base(results: list[ItemResult]) -> list[ItemResult]:
    """The results of the kinds the overall figures are taken over (factoids and the original unanswerables)."""
    return [r for r in results if r.kind in BASE_KINDS]


def kind_summary(results: list[ItemResult]) -> dict:
    """One kind's figures: accuracy as the kind scores it (for an unanswerable kind, the share refused), refusals, citations."""
    answered = [r for r in results if not r.abstained]
    return {
        "n": len(results),
        "accuracy": m.mean(float(r.correct) for r in results),
        "refusal_rate": m.mean(float(r.abstained) for r in results),
        "citations_mean": m.mean(len(r.citations) for r in answered),
        "answer_chars_median": m.percentile([len(r.text) for r in answered], 50),
        "latency_p95_ms": m.percentile([r.latency_ms for r in results], 95),
    }


def by_kind(results: list[ItemResult]) -> dict[str, dict[str, dict]]:
    """kind_summary per kind, keyed "<split>" and, where a language has enough items, "<language>:<split>"."""
    out = {}
    for kind in [k for k in KINDS if any(r.kind == k for r in results)]:
        of_kind = [r for r in results if r.kind == kind]
        groups = {}
        for split in SPLITS:
            in_split = [r for r in of_kind if r.split == split]
            if in_split:
                groups[split] = kind_summary(in_split)
            for lang in sorted({r.language for r in in_split}):
                of_lang = [r for r in in_split if r.language == lang]
                if len(of_lang) >= MIN_LANGUAGE_ITEMS:
                    groups[f"{lang}:{split}"] = kind_summary(of_lang)
        out[kind] = groups
    return out


def gated_figures(results: list[ItemResult]) -> dict[str, dict]:
    """What the gate holds: metrics per split, per language and split ("ru:test"), and per kind ("kind:list:test")."""
    core = base(results)
    per_language = breakdown(core, "language")
    return (
        by_split(core)
        | {f"{lang}:{split}": m for lang, splits in per_language.items() for split, m in splits.items()}
        | {f"kind:{kind}:{group}": m for kind, groups in by_kind(results).items() for group, m in groups.items()}
    )


def failures(results: list[ItemResult]) -> list[dict]:
    """Every item answered wrongly, refused wrongly, or cited off its evidence."""
    keep = (
        "id", "split", "language", "kind", "type", "style", "history", "question", "answers", "abstained", "text",
        "citations", "unanswered", "wanted",
    )  # fmt: skip
    return [{"problems": r.problems, **{k: getattr(r, k) for k in keep}} for r in results if r.problems]
