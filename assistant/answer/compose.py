"""The chosen sentences as an `Answer`: each quoted verbatim (or its human translation) and followed by its [n]."""

from __future__ import annotations

from ..citations import Citer
from ..question import Question
from ..types import Answer, Hit
from .select import Candidate


def compose(
    q: Question, chosen: list[Candidate], hits: list[Hit], citer: Citer, kind: str = "answer", first: int = 1
) -> Answer:
    """An answer whose text is the chosen sentences (or their translations), each followed by its [n]."""
    citations = [citer.cite(n, c, hit_of(c, hits), q.language) for n, c in enumerate(chosen, start=first)]
    text = " ".join(f"{c.quote} [{c.n}]" for c in citations)
    return Answer(q.text, text, False, tuple(citations), (), q.query, q.notice, q.language, kind=kind)


def hit_of(c: Candidate, hits: list[Hit]) -> Hit:
    """The retrieved passage a candidate sentence sits in."""
    return next(h for h in hits if h.chunk.doc_id == c.doc_id and h.chunk.start <= c.start and c.end <= h.chunk.end)
