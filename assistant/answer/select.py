"""Scoring the sentences of the retrieved passages, and choosing the best one and the close runners-up that add to it.

Sentences are scored by their precomputed vectors against the query, their (IDF-weighted) term overlap with
it, and whether they hold what the question asks for (`fillers.holds`: a date, a quantity of the counted
thing, a place, a person near the asked-for event; for why and how a reason or manner cue). A negated
question favours sentences that state a negation. List items, headings and "See also" lines are never quoted.

The answer-type check: a question asking for a person, a date, a number or a place is answered only by a
sentence that holds that slot AND is about the question's event (`evidence.coverage` of its event terms, at
least `MIN_EVENT_COVERAGE`); such a sentence `fits`. The weights are settings (`answer_*`), so
`assistant eval --sweep` can tune them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from ..chunking import fact_field
from ..config import Settings
from ..lang import LANGUAGES, lexicon
from ..lang.facts import YEAR
from ..register import names_someone_else
from ..rules import enabled
from ..slots import Asked
from ..types import Hit, Sentence
from .evidence import CONTEXT_DISCOUNT, NO_EVENTS, Events, coverage, digits_of, event_positions
from .fillers import CHECKED_SLOTS, holds

MIN_EVENT_COVERAGE = {"en": 0.5, "ru": 0.4, "kk": 0.4}  # share of the question's event-term IDF mass a slot-holding
# sentence must cover (lower for Russian and Kazakh, whose word forms the light stemming joins less often)
NEGATION_BONUS = 0.1
NEGATED_RATIO = 0.7  # a negated question's best negation-stating sentence wins when it scores this close to the best
NEAR_TIE = 0.95  # a runner-up this close to the best is kept even past the length budget ...
OVER_BUDGET = 1.6  # ... up to this many times the budget (not for translated answers: originals are shown beside them)
MINILM_UNRELATED, MINILM_ANSWERING = 0.18, 0.58  # MiniLM cosines, English question to English sentence
E5_ACROSS_UNRELATED, E5_ACROSS_ANSWERING = 0.74, 0.80  # e5 cosines, English question to Russian/Kazakh sentence
ENTRY_PENALTY = 0.1  # how far a register's line sinks for a question about no one its entry names ("Какого возраста
# были расстрелянные в Бутове?" is about all of them, not about the one woman a line "Расстреляна ..., Бутово" is about)
SHOWN_CHARS = 800  # two kiosk screens: a translated answer's quotes and the originals beside them must fit


_SENTENCE_END = re.compile(r"[.!?…][»\"”)]?\s*$")  # ends as a sentence does
_CONTINUED = re.compile(r"\S.{38,}[;:]\s*$")  # a line of 40 characters or more ending in ";" or ":"
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪–—]|\d{1,3}[.)]|=+)\s")  # a bullet, a number or a wiki heading opens the line


@cache
def _back_matter() -> frozenset[str]:
    """Headings of an article's back matter ("See also", "Литература") in any of the three languages."""
    return frozenset(h for language in LANGUAGES for h in lexicon(language).ordered("back_matter"))


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
    has_feature: bool  # holds the asked-for slot (or a reason / manner cue)
    fits: bool = True  # holds the slot about the question's event (always True for unchecked slots)
    coverage: float = 1.0  # share of the question's event terms the sentence holds
    negation: bool = False  # the sentence states a negation or an exception


def citable(sentence: Sentence, chunk, entry: bool = False) -> bool:
    """Whether a sentence may be quoted as an answer: not a list item, heading or "See also" line. In a register's
    entry (`entry`, assistant.register) every line under its title is one of its facts, ending or not
    ("Расстреляна 18.11.1937, г. Ленинград")."""
    text = sentence.text.strip()
    if len(text) < 12:
        return False
    if fact_field(text):  # a fact box's field states a fact as a sentence does ("- Date: 30 October")
        return True
    if _LIST_ITEM.match(text) and not (_SENTENCE_END.search(text) or _CONTINUED.search(text) or len(text) > 80):
        # a numbered item that is a whole sentence ("2. Статьи 15 и 16 ... с 1 декабря 1991 года.") is one, and so is
        # a long one without an ending, as a long line is no heading ("- Rachel Messerer, actress, wife of ...")
        return False
    section = chunk.section[-1].strip().casefold() if chunk.section else ""
    if section in _back_matter():
        return False
    if entry:
        return text.casefold() != section
    # a short line without an ending is a heading; one ending in ";" or ":" continues into what follows (an
    # enumeration's member, a clause announcing its items), which no heading does, unless it is a short label
    return bool(re.search(r"[.!?…»\"”)]\s*$", text)) or len(text) > 80 or bool(_CONTINUED.search(text))


@dataclass(frozen=True)
class Query:
    """What scoring a sentence needs to know of the question, read once."""

    vector: np.ndarray
    terms: frozenset[str]  # its (corrected) terms, for term overlap
    asked: Asked
    events: Events = NO_EVENTS
    forms: frozenset[str] = frozenset()  # the dictionary forms of its own words: its subject is not its answer
    counted: frozenset[str] = frozenset()  # the forms of the noun a how-many question counts ("@person": any person)
    language: str = "en"
    across: np.ndarray | None = None  # an English question's e5 vector, when some original is in another language
    full_names: tuple[tuple[str, ...], ...] = ()  # the names it gives in full ("Ли Марию"): assistant.register


def on_minilm_scale(e5_cosine: float) -> float:
    """An e5 cosine between an English question and a sentence in another language, placed on MiniLM's scale.

    MiniLM reads no Cyrillic, so an English question's sentences of Russian and Kazakh originals are compared by e5,
    whose cosines sit in a narrow band: the same two points of each model's scale (an unrelated sentence, the
    sentence that answers) are matched, linearly. Measured on the unseen tune set (evals/unseen/tune, 2026-12-06):
    English questions' MiniLM cosine with 30 random sentences each 0.176, with their English evidence sentence
    0.578 (41 items); English questions' e5 cosine with random Russian/Kazakh sentences 0.742, with their
    Russian/Kazakh evidence sentence 0.803 (30 items). Figures of the two models, not of any item."""
    return MINILM_UNRELATED + (e5_cosine - E5_ACROSS_UNRELATED) * (MINILM_ANSWERING - MINILM_UNRELATED) / (
        E5_ACROSS_ANSWERING - E5_ACROSS_UNRELATED
    )


def score_candidates(
    hits: list[Hit],
    sentence_vectors: list[np.ndarray],
    query: Query,
    passages,
    idf: Callable[[str], float],
    settings: Settings,
    skip: frozenset[str] = frozenset(),
    avoid: frozenset[str] = frozenset(),
    across_vectors: list[np.ndarray] | None = None,
) -> list[Candidate]:
    """Score every citable sentence of the retrieved passages (except `skip`, e.g. titles, and `avoid`); best first.

    `passages` reads the index for this question: each sentence's `facts` and match `keys`, and the terms of
    the text before a passage (`context_terms`). `across_vectors` (the hits' sentences' e5 vectors, with
    `query.across`): a sentence of an original in another language than the question's is compared by e5, placed
    on MiniLM's scale (`on_minilm_scale`); the slot checks stay as they are."""
    asked, events = query.asked, query.events
    total_idf = sum(idf(t) for t in query.terms) or 1.0
    checked = asked.slot in CHECKED_SLOTS
    min_coverage = MIN_EVENT_COVERAGE.get(query.language, MIN_EVENT_COVERAGE["en"])
    titles, negation = enabled(settings, "title_context"), enabled(settings, "negation")
    out, seen = [], set()
    across = query.across is not None and across_vectors is not None
    # the years a how-many question names: the count asked for is the count of that time (the sentence or the one
    # before it states it)
    years = [n for n in events.numbers if YEAR.fullmatch(n)] if asked.kind == "how_many" else []
    for rank, (hit, vectors) in enumerate(zip(hits, sentence_vectors, strict=True)):
        doc_id = hit.chunk.doc_id
        foreign = passages.original_in_other_language(doc_id, query.language)
        if across and foreign:
            vectors, reference, scale = across_vectors[rank], query.across, on_minilm_scale
        else:
            reference, scale = query.vector, float
        before: frozenset[str] = passages.context_terms(doc_id, hit.chunk.start)
        title = passages.title_terms(doc_id, hit.chunk.section) if titles else frozenset()
        entry = passages.entry_title(doc_id, hit.chunk.section)
        if entry and names_someone_else(query.full_names, entry):
            continue  # a register's entry about another person than the one the question names
        named = passages.entry_terms(doc_id, hit.chunk.section) if entry else frozenset()  # its title's words
        entry_keys = (
            frozenset().union(*(passages.sentence_keys(doc_id, s) for s in hit.chunk.sentences))
            if entry
            else frozenset()
        )
        other_language = events.across is not None and foreign
        for sentence, vector in zip(hit.chunk.sentences, vectors, strict=True):
            context, before = before, passages.sentence_keys(doc_id, sentence)
            # a sentence in another language than the question's, with no translation into it: its words are met
            # across alphabets too
            ev = (
                events.across
                if other_language and passages.translation(doc_id, sentence.start, sentence.end) is None
                else events
            )
            key = (doc_id, sentence.start, sentence.end)
            if (
                key in seen
                or sentence.text in skip
                or sentence.text in avoid
                or not citable(sentence, hit.chunk, bool(entry))
            ):
                continue
            seen.add(key)
            own = fact_field(sentence.text)
            if own and passages.restates_title(doc_id, hit.chunk.section, own):
                continue
            facts = passages.facts(doc_id, sentence)
            similarity = scale(float(np.dot(vector, reference)))
            keys = before
            overlap = sum(idf(t) for t in query.terms & (keys | named)) / total_idf
            has_feature = (
                asked.slot in (*CHECKED_SLOTS, "reason", "manner")
                and holds(
                    asked,
                    facts,
                    sentence.text,
                    query.forms,
                    (lambda f, ev=ev: event_positions(ev, f)) if events else None,
                    query.counted,
                )
                # a who-question naming nobody in full: a register entry's line is about the person its title names
                or (bool(entry) and asked.slot == "person" and not query.full_names)
            )
            digits = frozenset(digits_of(m) for m in re.findall(r"\d[\d,.]*\d|\d", sentence.text))
            # a fact box's field ("- Date: 30 October") is about what its box's title names
            covered = coverage(
                ev, keys | title if own else keys, idf, context | title, asked.negated, digits, facts.words
            )
            if entry and (0 < covered < min_coverage or ev.verb and ev.verb_held(ev.verb, keys)):
                # a register's entry is one record: with the event in this line, the words that describe its person
                # ("the director of the Chimkent college") may stand on its other lines
                whole = coverage(ev, keys | entry_keys, idf, context | title, asked.negated, digits, facts.words)
                covered = max(covered, CONTEXT_DISCOUNT * whole)
            fits = not checked or (has_feature and covered >= min_coverage)
            if fits and years and not any(y in digits or y in context for y in years):
                fits = False  # "Сколько человек было репрессировано в 1937 году?": a count for another time
            if (
                entry
                and asked.slot != "person"
                and asked.kind != "list"
                and not events.followup
                and not any(ev.held(t, named) for t in ev.names)
            ):
                similarity -= ENTRY_PENALTY  # a line is about its entry's person, whom the question never names
            score = (
                settings.answer_similarity_weight * similarity
                + settings.answer_overlap_weight * overlap
                + (settings.answer_feature_bonus if has_feature else 0.0)
                + (NEGATION_BONUS if negation and asked.negated and facts.negation else 0.0)
                - settings.answer_rank_penalty * rank
            )
            out.append(
                Candidate(
                    doc_id,
                    sentence.start,
                    sentence.end,
                    sentence.text,
                    rank,
                    score,
                    similarity,
                    overlap,
                    has_feature,
                    fits,
                    covered,
                    facts.negation,
                )
            )
    return sorted(out, key=lambda c: -c.score)


def select_sentences(
    candidates: list[Candidate],
    asked: Asked | str,
    settings: Settings,
    shown: Callable[[Candidate], int] | None = None,
) -> list[Candidate]:
    """The best fitting sentence, plus close runners-up that add to it; selected first, then fitted to the length budget.

    For when / how many questions a runner-up giving a different date or figure is kept, so
    sources that disagree are both shown rather than silently merged. A runner-up that does not
    fit the budget ends the selection (a weaker, shorter one never takes its place); one nearly
    tied with the best is kept past the budget, within `OVER_BUDGET` times it.
    """
    kind = asked if isinstance(asked, str) else asked.kind
    pool = [c for c in candidates if c.fits]
    if not pool:
        return []
    if not isinstance(asked, str) and asked.negated and enabled(settings, "negation"):
        # "Who was not covered by the amnesty?": a sentence stating the exception, when one scores near the best
        negative = [c for c in pool if c.negation and c.score >= NEGATED_RATIO * pool[0].score]
        if negative:
            pool = negative + [c for c in pool if c not in negative]
    best = pool[0]
    selected = [best]
    for c in pool[1:]:
        if len(selected) >= settings.max_answer_sentences:
            break
        close = c.score >= settings.answer_close_ratio * best.score
        same_subject = c.overlap > 0 and c.overlap >= 0.8 * best.overlap
        conflicting = (
            kind in ("when", "how_many")
            and c.has_feature
            and same_subject
            and c.score >= 0.75 * best.score
            and bool(_values(c.text) - _values(best.text))
        )
        if not (close or conflicting):
            continue
        if kind in ("when", "how_many", "where", "who") and best.has_feature and not c.has_feature:
            continue
        selected.append(c)
    chosen, length = [best], len(best.text)
    on_screen = shown(best) if shown else 0
    for c in selected[1:]:
        budget = settings.max_answer_chars * (OVER_BUDGET if c.score >= NEAR_TIE * best.score else 1.0)
        if length + len(c.text) > budget or (shown and on_screen + shown(c) > SHOWN_CHARS):
            break  # `shown`: a translated answer's quote and original together must fit the screen
        chosen.append(c)
        length += len(c.text)
        on_screen += shown(c) if shown else 0
    return sorted(chosen, key=lambda c: (c.doc_id != best.doc_id, c.doc_id, c.start))


def sources_differ(chosen: list[Candidate]) -> bool:
    """Whether the chosen sentences come from different documents that give different dates or figures."""
    by_doc: dict[str, set[str]] = {}
    for c in chosen:
        by_doc.setdefault(c.doc_id, set()).update(_values(c.text))
    figures = [v for v in by_doc.values() if v]
    return len(figures) >= 2 and any(a != b for a in figures for b in figures)


def _values(text: str) -> set[str]:
    return set(re.findall(r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b|\b\d[\d,.]*\d\b", text))


def fitting_on_screen(chosen: list[Candidate], candidates: list[Candidate], on_screen: int, shown) -> list[Candidate]:
    """A multi-part answer's part: its chosen sentences; for a translated answer, those that still fit the screen
    beside their originals, or else the closest-scoring sentence that holds the part's answer and does fit ([] if none)."""
    if not shown or not chosen:
        return chosen
    kept, used = [], on_screen
    for c in chosen:
        if used + shown(c) <= SHOWN_CHARS:
            kept.append(c)
            used += shown(c)
    if kept:
        return kept
    best = chosen[0]
    near = [c for c in candidates if c.fits and c.score >= 0.85 * best.score and used + shown(c) <= SHOWN_CHARS]
    return near[:1]  # [] when nothing fits: the part is left for the visitor to ask on its own
