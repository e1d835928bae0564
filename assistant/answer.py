"""Choosing the source sentences that answer a question, citing them, or refusing honestly.

An answer is 1 to 3 verbatim sentences, each followed by its [n] marker. Sentences are scored by
their precomputed vectors against the query, their (IDF-weighted) term overlap with it, and
whether they hold what the question type asks for (when: a date; how many: a number; who: a
name; where: a place; why: a reason). Nothing is written that is not in the sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .types import Answer, Citation, Hit

MAX_ANSWER_CHARS = 350
SIMILARITY_WEIGHT = 0.55  # cosine of sentence and query vectors
OVERLAP_WEIGHT = 0.35  # share of the query's IDF mass the sentence contains
FEATURE_BONUS = 0.15  # the sentence holds the kind of fact asked for
CLOSE_RATIO = 0.85  # a runner-up scoring this close to the best is added
RANK_PENALTY = 0.01  # per place the sentence's passage sits below the first
FEATURE_FIRST_RATIO = 0.6  # a sentence with the asked-for kind of fact wins if it scores this close

_YEAR = r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b"
_MONTH = r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
FEATURES = {
    "when": re.compile(f"{_YEAR}|{_MONTH}|\\b(?:century|decade)\\b", re.I),
    "how_many": re.compile(r"\b\d[\d,.]*\b|\b(?:thousands?|hundreds?|millions?|dozens?|five|ten|twenty)\b", re.I),
    "who": re.compile(r"(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b|\b(?:Khrushchev|Stalin|Mikoyan|Beria|Snegov|Trotsky)\b|\b(?:government|commission|prisoners|leaders|ally|people|persons|victims)\b"),
    "where": re.compile(r"\b(?:in|to|at|from|into)\s+(?:the\s+)?[A-Z][\w-]+|\b(?:Siberia|Kazakhstan|Crimea|Armenia|Yerevan|Asia|Russia|Ukraine)\b"),
    "why": re.compile(r"\b(?:because|as|since|due to|so that|in order to|for|reflects?|affirm|aim|way to|to (?:restore|recognize|acknowledge))\b", re.I),
}
_QUESTION_TYPES = [
    ("how_many", re.compile(r"\bhow (?:many|much)\b|\bnumber of\b|\bhow large\b|\bwhat (?:number|figure)\b", re.I)),
    ("when", re.compile(r"\bwhen\b|\bwhat (?:year|date|month|day|time)\b|\bwhich (?:year|date)\b|\bhow long\b|\bin what year\b", re.I)),
    ("where", re.compile(r"\bwhere\b|\bwhich (?:place|city|country|region|republic)\b|\bwhat (?:place|city|country|region)\b", re.I)),
    ("who", re.compile(r"\bwho(?:m|se)?\b|\bwhich (?:person|people|leader|man|woman|poet|groups?|nationalit(?:y|ies))\b|\bwhat (?:groups?|nationalit(?:y|ies)|peoples?)\b", re.I)),
    ("why", re.compile(r"\bwhy\b|\bwhat (?:was|is) the (?:reason|purpose|point)\b|\bfor what reason\b|\bhow come\b", re.I)),
]


def question_type(question: str) -> str:
    """One of when, how_many, where, who, why, what (the default)."""
    for name, pattern in _QUESTION_TYPES:
        if pattern.search(question):
            return name
    return "what"


@dataclass(frozen=True)
class Candidate:
    """A sentence that might answer, with where it sits and how well it scored."""

    doc_id: str
    start: int
    end: int
    text: str
    hit_rank: int
    score: float
    similarity: float
    overlap: float
    has_feature: bool


def score_candidates(
    hits: list[Hit],
    sentence_vectors: list[np.ndarray],
    query_vector: np.ndarray,
    query_terms: set[str],
    idf: dict[str, float],
    qtype: str,
    sentence_terms,
    skip: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Score every sentence of the retrieved passages (except `skip`, e.g. titles); best first."""
    feature = FEATURES.get(qtype)
    total_idf = sum(idf.get(t, 1.0) for t in query_terms) or 1.0
    out, seen = [], set()
    for rank, (hit, vectors) in enumerate(zip(hits, sentence_vectors, strict=True)):
        for sentence, vector in zip(hit.chunk.sentences, vectors, strict=True):
            key = (hit.chunk.doc_id, sentence.start, sentence.end)
            if key in seen or len(sentence.text) < 12 or sentence.text in skip:
                continue
            seen.add(key)
            similarity = float(np.dot(vector, query_vector))
            overlap = sum(idf.get(t, 1.0) for t in query_terms & sentence_terms(sentence.text)) / total_idf
            has_feature = bool(feature and feature.search(sentence.text))
            score = SIMILARITY_WEIGHT * similarity + OVERLAP_WEIGHT * overlap + (FEATURE_BONUS if has_feature else 0.0) - RANK_PENALTY * rank
            out.append(Candidate(hit.chunk.doc_id, sentence.start, sentence.end, sentence.text, rank, score, similarity, overlap, has_feature))
    return sorted(out, key=lambda c: -c.score)


def select_sentences(candidates: list[Candidate], qtype: str, max_sentences: int) -> list[Candidate]:
    """The best sentence, plus close runners-up that add to it, within the length budget.

    For when / how many questions a runner-up giving a different date or figure is kept, so
    sources that disagree are both shown rather than silently merged.
    """
    if not candidates:
        return []
    best = candidates[0]
    if qtype in ("when", "how_many", "where") and not best.has_feature:
        typed = next((c for c in candidates if c.has_feature and c.score >= FEATURE_FIRST_RATIO * best.score), None)
        if typed is not None:
            best = typed
            candidates = [typed] + [c for c in candidates if c is not typed]
    chosen = [best]
    length = len(best.text)
    for c in candidates[1:]:
        if len(chosen) >= max_sentences:
            break
        close = c.score >= CLOSE_RATIO * best.score
        same_subject = c.overlap > 0 and c.overlap >= 0.8 * best.overlap
        conflicting = (
            qtype in ("when", "how_many") and c.has_feature and same_subject
            and c.score >= 0.75 * best.score and bool(_values(c.text) - _values(best.text))
        )
        if not (close or conflicting) or length + len(c.text) > MAX_ANSWER_CHARS:
            continue
        if qtype in ("when", "how_many", "where", "who") and best.has_feature and not c.has_feature:
            continue
        chosen.append(c)
        length += len(c.text)
    return sorted(chosen, key=lambda c: (c.doc_id != best.doc_id, c.doc_id, c.start))


def _values(text: str) -> set[str]:
    return set(re.findall(rf"{_YEAR}|\b\d[\d,.]*\d\b", text))


def compose(question: str, query: str, chosen: list[Candidate], hits: list[Hit], titles: dict[str, str], notice: str = "") -> Answer:
    """An answer whose text is the chosen sentences, each followed by its [n]."""
    citations, parts = [], []
    for n, c in enumerate(chosen, start=1):
        hit = next(h for h in hits if h.chunk.doc_id == c.doc_id and h.chunk.start <= c.start and c.end <= h.chunk.end)
        citations.append(_citation(n, c, hit, titles))
        parts.append(f"{c.text} [{n}]")
    return Answer(question, " ".join(parts), False, tuple(citations), (), query, notice)


def refuse(question: str, query: str, hits: list[Hit], candidates: list[Candidate], titles: dict[str, str], notice: str = "") -> Answer:
    """An honest refusal, with the closest passages as further reading (not as an answer)."""
    reading = []
    for hit in hits[:3]:
        best = next((c for c in candidates if c.doc_id == hit.chunk.doc_id and hit.chunk.start <= c.start and c.end <= hit.chunk.end), None)
        if best is not None:
            reading.append(_citation(len(reading) + 1, best, hit, titles))
    text = "The sources here do not answer that question."
    if reading:
        text += " The closest passages are listed below as further reading."
    return Answer(question, text, True, (), tuple(reading), query, notice)


def _citation(n: int, c: Candidate, hit: Hit, titles: dict[str, str]) -> Citation:
    chunk = hit.chunk
    return Citation(
        n=n,
        doc_id=c.doc_id,
        title=titles.get(c.doc_id, c.doc_id),
        section=" › ".join(chunk.section[1:]) or chunk.section[0] if chunk.section else "",
        quote=c.text,
        passage=chunk.text,
        start=c.start,
        end=c.end,
        score=round(c.score, 4),
        passage_start=chunk.start,
    )
