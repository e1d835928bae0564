"""Answer, citation, refusal and retrieval metrics for the evaluation, on plain values.

Answer metrics follow SQuAD (normalised containment and token F1); ranking metrics come from
ranx over qrels derived from evidence spans (BEIR-style, relevance 1). Nothing here loads a model
or an index; ranx and numpy are imported inside the functions that need them.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping

RANKING_METRICS = {"hit@1": "hit_rate@1", "hit@5": "hit_rate@5", "mrr@10": "mrr@10", "ndcg@10": "ndcg@10"}
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = frozenset(string.punctuation)
_CITATION_MARK = re.compile(r"\s*\[\d+\]")


def normalize_answer(text: str) -> str:
    """SQuAD's normaliser: lowercase, drop punctuation and the articles a/an/the, squeeze whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def token_f1(prediction: str, truth: str) -> float:
    """SQuAD token F1 between two strings after normalisation."""
    pred, gold = normalize_answer(prediction).split(), normalize_answer(truth).split()
    if not pred or not gold:
        return float(pred == gold)
    common = sum((Counter(pred) & Counter(gold)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def best_f1(prediction: str, accepted: Iterable[str]) -> float:
    """Token F1 against the best-matching accepted answer (0 when there is none)."""
    return max((token_f1(prediction, a) for a in accepted), default=0.0)


def contains_answer(text: str, accepted: Iterable[str]) -> bool:
    """Whether any accepted answer occurs in the text, case-insensitively."""
    folded = text.casefold()
    return any(a.casefold() in folded for a in accepted)


def strip_citation_marks(text: str) -> str:
    """Answer text without its [n] markers, so they do not count as answer tokens."""
    return _CITATION_MARK.sub("", text)


def spans_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether two half-open character ranges [start, end) share at least one character."""
    return a_start < b_end and b_start < a_end


def overlaps_evidence(doc_id: str, start: int, end: int, evidence: Iterable[Mapping]) -> bool:
    """Whether a span of a document overlaps any gold evidence span of the same document."""
    return any(doc_id == ev["doc_id"] and spans_overlap(start, end, ev["start"], ev["end"]) for ev in evidence)


def derive_qrels(evidence_by_query: Mapping[str, list[Mapping]], chunks: Iterable) -> dict[str, dict[str, int]]:
    """BEIR-style qrels: every chunk (doc_id/start/end/id) overlapping a query's evidence has relevance 1."""
    chunks = list(chunks)
    return {
        qid: {c.id: 1 for c in chunks if overlaps_evidence(c.doc_id, c.start, c.end, evidence)}
        for qid, evidence in evidence_by_query.items()
    }


def ranking_scores(qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, list[str]]) -> dict[str, dict[str, float]]:
    """Per-query hit@1, hit@5, MRR@10 and nDCG@10 from ranx; `run` maps query id -> doc ids best first."""
    import warnings

    from ranx import Qrels, Run, evaluate

    qids = sorted(qrels)
    if not qids:
        return {}
    # Scores from ranks, so ranx keeps the retriever's order (fused scores can tie).
    ranked = {q: {doc: 1.0 / rank for rank, doc in enumerate(dict.fromkeys(run.get(q, [])), 1)} for q in qids}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's type-safety chatter
        scores = evaluate(
            Qrels({q: dict(qrels[q]) for q in qids}), Run(ranked), list(RANKING_METRICS.values()), return_mean=False
        )
    return {q: {name: float(scores[metric][i]) for name, metric in RANKING_METRICS.items()} for i, q in enumerate(qids)}


def refusal_scores(should_refuse: Iterable[bool], refused: Iterable[bool]) -> dict:
    """Refusal precision and recall (positive class: should refuse); None where undefined."""
    pairs = list(zip(should_refuse, refused, strict=True))
    tp = sum(1 for gold, pred in pairs if gold and pred)
    fp = sum(1 for gold, pred in pairs if pred and not gold)
    fn = sum(1 for gold, pred in pairs if gold and not pred)
    return {
        "refusal_precision": tp / (tp + fp) if tp + fp else None,
        "refusal_recall": tp / (tp + fn) if tp + fn else None,
        "false_refusals": fp,
        "missed_refusals": fn,
    }


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation, as numpy computes it; None when empty."""
    values = sorted(values)
    if not values:
        return None
    pos = (len(values) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (pos - low)


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None
