"""A follow-up "why?" or "how?": the reason or manner about the previous answer's subject, not that answer again.

A text tends to give its reasons next to what they explain, so the passages right after the previous answer's
are searched too (`next_passages`), the sentences it quoted are left out, and those just after them (or just
before) in the same document are favoured (`past_previous_answer`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..question import Question
from ..types import Hit
from .passages import Passages

FOLLOWUP_NEAR_CHARS = 400  # a follow-up "why?" favours sentences this close to the previous answer's ...
FOLLOWUP_AFTER_BONUS = 0.15  # ... by this much when they follow it ...
FOLLOWUP_BEFORE_BONUS = 0.1  # ... and by this much when they lead up to it


def next_passages(passages: Passages, q: Question, hits: list[Hit]) -> list[Hit]:
    """The passages right after those holding the previous answer (a reason often follows what it explains)."""
    said = quoted(q.previous_answer)
    chunks = passages.index.chunks
    have = {row for h in hits for row in h.rows}
    extra = []
    for h in hits:
        if not any(s in h.chunk.text or _translated_in(passages, h, s) for s in said):
            continue
        row = max(h.rows) + 1
        if row < len(chunks) and row not in have and chunks[row].doc_id == h.chunk.doc_id:
            extra.append(Hit(chunks[row], 0.0, rows=(row,)))
            have.add(row)
    return extra


def _translated_in(passages: Passages, hit: Hit, text: str) -> bool:
    return any(passages.translated_text(hit.chunk.doc_id, s.start, s.end) == text for s in hit.chunk.sentences)


def past_previous_answer(passages: Passages, q: Question, candidates: list) -> list:
    """The candidates less those the previous answer quoted, a reason or manner next to what it quoted favoured."""
    said = set(quoted(q.previous_answer))

    def was_quoted(c) -> bool:
        return c.text in said or passages.translated_text(c.doc_id, c.start, c.end) in said

    previous = [c for c in candidates if was_quoted(c)]
    rest = [c for c in candidates if not was_quoted(c)]
    if not previous or not rest:
        return candidates

    def near(c) -> float:  # a sentence giving a reason (or manner) next to what the previous answer quoted
        bonus = 0.0
        if not c.has_feature:
            return bonus
        for p in previous:
            if c.doc_id == p.doc_id and 0 <= c.start - p.end <= FOLLOWUP_NEAR_CHARS:
                bonus = max(bonus, FOLLOWUP_AFTER_BONUS)
            elif c.doc_id == p.doc_id and 0 <= p.start - c.end <= FOLLOWUP_NEAR_CHARS:
                bonus = max(bonus, FOLLOWUP_BEFORE_BONUS)
        return bonus

    rescored = [replace(c, score=c.score + near(c)) for c in rest]
    return sorted(rescored, key=lambda c: -c.score)


def quoted(answer_text: str) -> list[str]:
    """The sentences an earlier answer quoted (its text cut at the [n] markers)."""
    return [s.strip() for s in re.split(r"\s*\[\d+\]\s*", answer_text or "") if s.strip()]
