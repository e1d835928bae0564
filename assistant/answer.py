"""Choosing the source sentences that answer a question, citing them, or refusing honestly.

An answer is 1 to 3 verbatim sentences, each followed by its [n] marker. Sentences are scored by
their precomputed vectors against the query, their (IDF-weighted) term overlap with it, and
whether they hold what the question type asks for (when: a date; how many: a number; who: a
name; where: a place; why: a reason). Nothing is written that is not in the sources.

The refusal decision (`should_refuse`) and its wording (`refuse`) live here too, in one place.
The weights and thresholds are settings (`answer_*`, `min_answer_score`, `off_topic_similarity`),
so `assistant eval --sweep` can tune them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .citations import Citer
from .config import Settings
from .messages import message
from .question import Question
from .text import STOPWORDS_BY_LANGUAGE
from .types import Answer, Hit
from .vocabulary import Vocabulary

REFUSAL = message("refusal", "en")

_YEAR = r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b"
_MONTH = r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
FEATURES = {
    "when": re.compile(f"{_YEAR}|{_MONTH}|\\b(?:century|decade)\\b", re.I),
    "how_many": re.compile(r"\b\d[\d,.]*\b|\b(?:thousands?|hundreds?|millions?|dozens?|five|ten|twenty)\b", re.I),
    "who": re.compile(r"(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b|\b(?:Khrushchev|Stalin|Mikoyan|Beria|Snegov|Trotsky)\b|\b(?:government|commission|prisoners|leaders|ally|people|persons|victims)\b"),
    "where": re.compile(r"\b(?:in|to|at|from|into)\s+(?:the\s+)?[A-Z][\w-]+|\b(?:Siberia|Kazakhstan|Crimea|Armenia|Yerevan|Asia|Russia|Ukraine)\b"),
    "why": re.compile(r"\b(?:because|as|since|due to|so that|in order to|for|reflects?|affirm|aim|way to|to (?:restore|recognize|acknowledge))\b", re.I),
}


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
    idf: Callable[[str], float],
    qtype: str,
    sentence_terms: Callable[[str, object], frozenset[str]],
    settings: Settings,
    skip: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Score every sentence of the retrieved passages (except `skip`, e.g. titles); best first."""
    feature = FEATURES.get(qtype)
    total_idf = sum(idf(t) for t in query_terms) or 1.0
    out, seen = [], set()
    for rank, (hit, vectors) in enumerate(zip(hits, sentence_vectors, strict=True)):
        for sentence, vector in zip(hit.chunk.sentences, vectors, strict=True):
            key = (hit.chunk.doc_id, sentence.start, sentence.end)
            if key in seen or len(sentence.text) < 12 or sentence.text in skip:
                continue
            seen.add(key)
            similarity = float(np.dot(vector, query_vector))
            overlap = sum(idf(t) for t in query_terms & sentence_terms(hit.chunk.doc_id, sentence)) / total_idf
            has_feature = bool(feature and feature.search(sentence.text))
            score = (
                settings.answer_similarity_weight * similarity
                + settings.answer_overlap_weight * overlap
                + (settings.answer_feature_bonus if has_feature else 0.0)
                - settings.answer_rank_penalty * rank
            )
            out.append(Candidate(hit.chunk.doc_id, sentence.start, sentence.end, sentence.text, rank, score, similarity, overlap, has_feature))
    return sorted(out, key=lambda c: -c.score)


def select_sentences(candidates: list[Candidate], qtype: str, settings: Settings) -> list[Candidate]:
    """The best sentence, plus close runners-up that add to it, within the length budget.

    For when / how many questions a runner-up giving a different date or figure is kept, so
    sources that disagree are both shown rather than silently merged.
    """
    if not candidates:
        return []
    best = candidates[0]
    if qtype in ("when", "how_many", "where") and not best.has_feature:
        ratio = settings.answer_feature_first_ratio
        typed = next((c for c in candidates if c.has_feature and c.score >= ratio * best.score), None)
        if typed is not None:
            best = typed
            candidates = [typed] + [c for c in candidates if c is not typed]
    chosen = [best]
    length = len(best.text)
    for c in candidates[1:]:
        if len(chosen) >= settings.max_answer_sentences:
            break
        close = c.score >= settings.answer_close_ratio * best.score
        same_subject = c.overlap > 0 and c.overlap >= 0.8 * best.overlap
        conflicting = (
            qtype in ("when", "how_many") and c.has_feature and same_subject
            and c.score >= 0.75 * best.score and bool(_values(c.text) - _values(best.text))
        )
        if not (close or conflicting) or length + len(c.text) > settings.max_answer_chars:
            continue
        if qtype in ("when", "how_many", "where", "who") and best.has_feature and not c.has_feature:
            continue
        chosen.append(c)
        length += len(c.text)
    return sorted(chosen, key=lambda c: (c.doc_id != best.doc_id, c.doc_id, c.start))


def _values(text: str) -> set[str]:
    return set(re.findall(rf"{_YEAR}|\b\d[\d,.]*\d\b", text))


def compose(q: Question, chosen: list[Candidate], hits: list[Hit], citer: Citer) -> Answer:
    """An answer whose text is the chosen sentences (or their translations), each followed by its [n]."""
    citations = [citer.cite(n, c, _hit_of(c, hits), q.language) for n, c in enumerate(chosen, start=1)]
    text = " ".join(f"{c.quote} [{c.n}]" for c in citations)
    return Answer(q.text, text, False, tuple(citations), (), q.query, q.notice, q.language)


def should_refuse(question: Question, candidates: list[Candidate], vocabulary: Vocabulary, settings: Settings) -> bool:
    """Refuse when nothing scores well, or the question names things the sources never mention.

    Rules, in order (thresholds tuned on the gold set's tune split):
      1. no candidate sentence, or the best scores under `min_answer_score`;
      2. the question names something specific the corpus never uses (a capitalised
         name such as "Bukharin", or a rare word the model does not know whole);
      3. most of its content words are unknown to the corpus and nothing is close in meaning
         (best similarity under `off_topic_similarity`).
    """
    english = question.language not in ("ru", "kk")
    min_score = settings.min_answer_score if english else settings.multilingual_min_answer_score
    off_topic = settings.off_topic_similarity if english else settings.multilingual_off_topic_similarity
    if not candidates or candidates[0].score < min_score:
        return True
    language = "en" if english else question.language
    stop = STOPWORDS_BY_LANGUAGE[language]
    content = [w for w in question.words if w not in stop and len(w) >= 3]
    unknown = vocabulary.unknown_words(question.words, language)
    if any(vocabulary.is_specific(w, question.plain, names_only=not english) for w in unknown):
        return True
    return bool(content) and len(unknown) / len(content) > 0.5 and candidates[0].similarity < off_topic


def refuse(q: Question, hits: list[Hit], candidates: list[Candidate], citer: Citer) -> Answer:
    """An honest refusal in the question's language, with the closest passages as further reading (not as an answer)."""
    reading = []
    for hit in hits[:3]:
        best = next((c for c in candidates if c.doc_id == hit.chunk.doc_id and hit.chunk.start <= c.start and c.end <= hit.chunk.end), None)
        if best is not None:
            reading.append(citer.cite(len(reading) + 1, best, hit, q.language))
    text = message("refusal", q.language)
    if reading:
        text += " " + message("further_reading", q.language)
    return Answer(q.text, text, True, (), tuple(reading), q.query, q.notice, q.language)


def _hit_of(c: Candidate, hits: list[Hit]) -> Hit:
    return next(h for h in hits if h.chunk.doc_id == c.doc_id and h.chunk.start <= c.start and c.end <= h.chunk.end)
