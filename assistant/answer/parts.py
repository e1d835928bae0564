"""A multi-part question's answer: each part quoted with its own citations, or named as not answered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..citations import Citer
from ..messages import message
from ..question import Question
from ..types import Answer, Citation, Hit
from .compose import hit_of
from .refusal import refuse
from .select import Candidate, fitting_on_screen


@dataclass(frozen=True)
class Found:
    """What the sentence search found for one question (or one part of it)."""

    candidates: list[Candidate]
    reason: str  # why to refuse, "" to answer
    chosen: list[Candidate]
    hits: list[Hit]  # the passages the candidates come from (a follow-up "why?" adds the ones after its answer)


def compose_parts(q: Question, found_parts: Iterable[tuple[str, Question, Found]], citer: Citer, shown) -> Answer:
    """The parts' answers in order, each sentence quoted once; a refusal only when no part is answered.

    `found_parts` yields (label, part, found) and is read lazily: once a translated answer fills the screen, the
    parts after it are not searched (the visitor asks them separately). `shown` is the on-screen length of a
    sentence beside its translation (None when nothing is translated)."""
    citations: list[Citation] = []
    segments, unanswered, first_refusal = [], [], None
    quoted: dict[tuple[str, int, int], int] = {}
    on_screen, shown_parts = 0, len(q.part_labels)
    for label, part, found in found_parts:
        if found.reason:
            unanswered.append(label)
            segments.append(message("part_unanswered", q.language, part=label))
            first_refusal = first_refusal or (part, found.hits, found.candidates)
            continue
        fitting = fitting_on_screen(found.chosen, found.candidates, on_screen, shown)
        if not fitting:  # a translated answer already fills the screen: the rest is asked separately
            shown_parts = len(segments)
            break
        pieces = []
        for c in fitting:
            key = (c.doc_id, c.start, c.end)
            if key in quoted:
                continue
            on_screen += shown(c) if shown else 0
            cite = citer.cite(len(citations) + 1, c, hit_of(c, found.hits), q.language)
            citations.append(cite)
            quoted[key] = cite.n
            pieces.append(f"{cite.quote} [{cite.n}]")
        if pieces:
            segments.append(" ".join(pieces))
    capped = q.parts_capped or shown_parts < len(q.part_labels)
    notice = " ".join(
        n for n in (q.notice, message("parts_capped", q.language, limit=shown_parts) if capped else "") if n
    )
    if not citations:
        part, hits, candidates = first_refusal
        refusal = refuse(replace(q, query=part.query), hits, candidates, citer)
        return replace(refusal, notice=notice, unanswered=tuple(unanswered))
    text = " ".join(segments)
    return Answer(
        q.text,
        text,
        False,
        tuple(citations),
        (),
        q.query,
        notice,
        q.language,
        kind="multipart",
        unanswered=tuple(unanswered),
    )
