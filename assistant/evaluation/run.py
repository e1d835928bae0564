"""Asking the gold items through the public API, as a user would, and scoring each answer.

Every item is asked as a user would ask it (earlier turns first, their answers fed back as
history), so the numbers describe what the UI and the CLI show. Ranking scores (ranx) are
added over all items at once, since their qrels come from the whole index.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace

from ..conversation import add_turn
from . import metrics as m
from .gold import BASE_KINDS, item_kind
from .kinds import kind_problems, wanted

RETRIEVAL_K = 10


@dataclass(frozen=True)
class ItemResult:
    """One gold item as asked under one configuration, with its scores."""

    id: str
    split: str
    type: str
    style: str
    answerable: bool
    history: tuple[str, ...]
    question: str
    answers: tuple[str, ...]
    text: str
    abstained: bool
    citations: tuple[dict, ...]  # {n, doc_id, start, end}
    retrieved: tuple[dict, ...]  # {id, doc_id, start, end}, best first
    latency_ms: float
    correct: bool  # answerable: answered and an accepted string is in the text; else: abstained
    f1: float
    citation_ok: bool | None  # only for answered answerable items
    ranking: dict | None = None  # hit@1, hit@5, mrr@10, ndcg@10 for answerable items
    language: str = "en"  # the question's language in the gold set
    kind: str = "factoid"  # what the item asks for (gold.KINDS); it decides how `correct` is scored
    answer_kind: str = ""  # the kind of answer the engine says it gave ("" before the field existed)
    unanswered: tuple[str, ...] = ()  # parts of a multi-part question the answer names as not answered
    kind_problems: tuple[str, ...] = ()  # what its kind found wrong (kinds.kind_problems)
    wanted: str = ""  # what a list, overview, multi-part or small-talk item asks for (kinds.wanted), for the failure list

    @property
    def problems(self) -> list[str]:
        if self.kind not in BASE_KINDS:  # as its kind scores it, and a cited sentence off the evidence where there is some
            return list(self.kind_problems) + (["citation misses evidence"] if self.citation_ok is False else [])
        if not self.answerable:
            return [] if self.abstained else ["missed refusal"]
        if self.abstained:
            return ["false refusal"]
        return (["wrong answer"] if not self.correct else []) + (
            ["citation misses evidence"] if not self.citation_ok else []
        )


def ask_item(assistant, item: dict) -> tuple:
    """Ask the earlier turns, then the scored question (timed); also retrieve for it. Returns (answer, hits, ms)."""
    return ask_turns(assistant, item)[1:]


def ask_turns(assistant, item: dict) -> tuple:
    """As ask_item, with the last earlier turn's answer first (None for a standalone question)."""
    history: list[dict] = []
    earlier = None
    for turn in item["history"]:
        earlier = assistant.ask(turn, history=list(history))
        history = add_turn(history, turn, earlier.text)
    start = time.perf_counter()
    answer = assistant.ask(item["question"], history=list(history))
    ms = (time.perf_counter() - start) * 1000
    return earlier, answer, assistant.retrieve(item["question"], list(history), k=RETRIEVAL_K), ms


def score_item(item: dict, answer, hits, ms: float, previous=None) -> ItemResult:
    """Answer-side scores of one item (ranking scores are added over all items at once).

    `previous`, the answer to the last earlier turn, lets a follow-up "why?" that repeats it count as wrong.
    """
    answerable, evidence, accepted = item["answerable"], item["evidence"], item["answers"]
    # A translated quote is scored with its original beside it, as the page shows it (the gold is in the originals).
    originals = [c.original_quote for c in answer.citations if c.translation]
    text = " ".join([m.strip_citation_marks(answer.text), *originals])
    cited = [(c.original_doc_id, c.original_start, c.original_end) if c.translation else (c.doc_id, c.start, c.end)
             for c in answer.citations]
    answered = answerable and not answer.abstained
    kind = item_kind(item)
    problems = tuple(kind_problems(item, answer, previous))
    if kind in BASE_KINDS:  # scored as before issue 13, so the overall figures stay comparable
        correct = (answered and m.contains_answer(text, accepted)) if answerable else answer.abstained
    else:
        correct = not problems
    return ItemResult(
        id=item["id"],
        split=item["split"],
        type=item["type"],
        style=item["style"],
        language=item.get("language", "en"),
        answerable=answerable,
        history=tuple(item["history"]),
        question=item["question"],
        answers=tuple(accepted),
        text=answer.text,
        abstained=answer.abstained,
        citations=tuple({"n": c.n, "doc_id": c.doc_id, "start": c.start, "end": c.end} for c in answer.citations),
        retrieved=tuple(
            {"id": h.chunk.id, "doc_id": h.chunk.doc_id, "start": h.chunk.start, "end": h.chunk.end} for h in hits
        ),
        latency_ms=ms,
        correct=correct,
        f1=m.best_f1(text, accepted) if answered else 0.0,
        citation_ok=any(m.overlaps_evidence(doc_id, start, end, evidence) for doc_id, start, end in cited)
        if answered and evidence
        else None,
        kind=kind,
        answer_kind=str(getattr(answer, "kind", "") or ""),
        unanswered=tuple(str(u) for u in (getattr(answer, "unanswered", ()) or ())),
        kind_problems=problems,
        wanted=wanted(item),
    )


def add_ranking(results: list[ItemResult], items: list[dict], chunks) -> list[ItemResult]:
    """Attach ranx scores to answerable items; qrels: index chunks and retrieved hits overlapping the evidence."""
    evidence = {it["id"]: it["evidence"] for it in items if it["answerable"] and it["evidence"]}
    qrels = m.derive_qrels(evidence, chunks)
    for r in results:
        if r.id in qrels:  # merged hits span more than one chunk: judge them by their own span
            qrels[r.id].update(
                {
                    h["id"]: 1
                    for h in r.retrieved
                    if m.overlaps_evidence(h["doc_id"], h["start"], h["end"], evidence[r.id])
                }
            )
    scores = m.ranking_scores(qrels, {r.id: [h["id"] for h in r.retrieved] for r in results if r.id in qrels})
    return [replace(r, ranking=scores.get(r.id)) for r in results]


def evaluate_items(assistant, items: list[dict], bar=None) -> list[ItemResult]:
    """Ask and score every item under one assistant's settings."""
    results = []
    for item in items:
        previous, answer, hits, ms = ask_turns(assistant, item)
        results.append(score_item(item, answer, hits, ms, previous))
        if bar is not None:
            bar.update(1)
    return add_ranking(results, items, assistant.index.chunks)


def evaluate(
    assistant, items: list[dict], configs: dict[str, dict], progress: bool = False
) -> dict[str, list[ItemResult]]:
    """Item results per configuration, each under its settings overrides."""
    from tqdm import tqdm

    out = {}
    with tqdm(total=len(items) * len(configs), disable=not progress, unit="q", file=sys.stderr) as bar:
        for name, overrides in configs.items():
            bar.set_description(name)
            out[name] = evaluate_items(assistant.with_settings(**overrides), items, bar)
    return out
