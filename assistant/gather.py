"""Answers of more than one sentence: lists (every sentence naming members of the asked-for set)
and overviews (the central sentences of the best section, in reading order).

Both quote only citable source sentences, each cited, without duplicates, within `MAX_GATHERED_CHARS`
(about two kiosk screens). Both read only the retrieved passages and their neighbouring chunks, so
their cost does not grow with the index.
"""

from __future__ import annotations

import re

import numpy as np

from .answer.compose import hit_of
from .answer.select import Candidate, citable
from .chunking import fact_field
from .types import Hit

MAX_GATHERED_CHARS = 800
LIST_RATIO = 0.75  # a sentence naming members joins a list when it scores this close to the best
MAX_OVERVIEW_SENTENCES = 5
MIN_OVERVIEW_SENTENCES = 2
NEIGHBOURS = 3  # chunks either side of the best passage read for an overview
DIVERSITY = 0.5  # how much an overview sentence's likeness to those already chosen counts against it
_MEMBERS = re.compile(
    r"(?<!^)(?<![.!?]\s)\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*"  # names inside the sentence
    r"|[\"“«][^\"”»]{3,80}[\"”»]"  # quoted phrases
    r"|\b\w+,\s+\w+(?:\s+\w+)?,?\s+and\s+\w+"  # an enumeration "a, b, and c"
)


def names_members(text: str) -> bool:
    """Whether a sentence names members of a set: names, quoted phrases or an enumeration."""
    return bool(_MEMBERS.search(text))


def list_sentences(
    candidates: list[Candidate], max_chars: int = MAX_GATHERED_CHARS, shown=lambda c: len(c.text)
) -> tuple[list[Candidate], bool]:
    """Every fitting sentence that names members and scores near the best, in document order; and whether some were cut."""
    pool = [c for c in candidates if c.fits]
    if not pool:
        return [], False
    best = pool[0]
    wanted = [best] + [
        c
        for c in pool[1:]
        if c.score >= LIST_RATIO * best.score
        and c.overlap > 0
        and names_members(c.text)
        and c.coverage >= 0.5 * best.coverage
    ]
    kept, length, cut = [], 0, False
    for c in wanted:  # best first, so the cap drops the weakest
        if kept and length + shown(c) > max_chars:
            cut = True
            continue
        kept.append(c)
        length += shown(c)
    return _reading_order(kept, best), cut


def overview_sentences(
    hits: list[Hit], index, vectors_of, query_vector: np.ndarray, max_chars: int = MAX_GATHERED_CHARS, shown=None
) -> tuple[list[Candidate], list[Hit]]:
    """2-5 central sentences of the best passage's section, in reading order, and the hits they sit in.

    Central: close to the mean of the section's sentence vectors and to the question. `vectors_of(row)`
    gives a chunk row's sentence vectors.
    """
    if not hits:
        return [], []
    best = hits[0]
    rows = _section_rows(best, index)
    sentences, vectors, where = {}, [], []
    for row in rows:
        chunk = index.chunks[row]
        for sentence, vector in zip(chunk.sentences, vectors_of(row), strict=True):
            key = (sentence.start, sentence.end)
            if key in sentences or not citable(sentence, chunk) or fact_field(sentence.text):
                continue  # an overview tells in prose: a fact box's field ("- Type: ...") leans on its box
            sentences[key] = sentence
            vectors.append(vector)
            where.append(Hit(chunk, 0.0, rows=(row,)))
    if not sentences:
        return [], []
    matrix = np.asarray(vectors)
    centre = matrix.mean(axis=0)
    centre = centre / (np.linalg.norm(centre) or 1.0)
    scores = 0.6 * (matrix @ centre) + 0.4 * (matrix @ query_vector)
    keys = list(sentences)
    chosen, used_hits, length, picked = [], [], 0, []
    left = set(range(len(keys)))
    while left and len(chosen) < MAX_OVERVIEW_SENTENCES:
        # central and on the question, but unlike the sentences already chosen (each adds a point)
        def gain(i: int) -> float:
            overlap = max((float(matrix[i] @ matrix[j]) for j in picked), default=0.0)
            return float(scores[i]) - DIVERSITY * overlap

        i = max(sorted(left), key=gain)
        left.discard(i)
        sentence = sentences[keys[i]]
        size = shown(best.chunk.doc_id, sentence) if shown else len(sentence.text)
        if length + size > max_chars:
            continue
        picked.append(i)
        c = Candidate(
            best.chunk.doc_id,
            sentence.start,
            sentence.end,
            sentence.text,
            0,
            float(scores[i]),
            float(matrix[i] @ query_vector),
            0.0,
            False,
        )
        chosen.append(c)
        used_hits.append(where[i])
        length += size
    pairs = sorted(zip(chosen, used_hits, strict=True), key=lambda p: p[0].start)
    return [c for c, _ in pairs], [h for _, h in pairs]


def _section_rows(best: Hit, index) -> list[int]:
    """The best hit's chunk rows and their neighbours in the same document and section; when the best hit is in the
    document's lead (its title's own section), the neighbours in the sections after it too: a question the lead
    answers best is about the whole document, whose points stand in its sections."""
    doc, section = best.chunk.doc_id, best.chunk.section
    rows = set(best.rows)
    for row in best.rows:
        for other in range(max(0, row - NEIGHBOURS), min(len(index.chunks), row + NEIGHBOURS + 1)):
            chunk = index.chunks[other]
            if chunk.doc_id == doc and (chunk.section == section or len(section) <= 1):
                rows.add(other)
    return sorted(rows)


def _reading_order(chosen: list[Candidate], best: Candidate) -> list[Candidate]:
    return sorted(chosen, key=lambda c: (c.doc_id != best.doc_id, c.doc_id, c.start))


__all__ = ["list_sentences", "overview_sentences", "names_members", "hit_of", "MAX_GATHERED_CHARS"]
