"""Choosing the source sentences that answer a question, citing them, or refusing honestly.

An answer is 1 to 3 verbatim sentences, each followed by its [n] marker. Sentences are scored by
their precomputed vectors against the query, their (IDF-weighted) term overlap with it, and
whether they hold what the question asks for (`slots.holds`: a date, a quantity of the counted
thing, a place, a person near the asked-for event; for why and how a reason or manner cue).
A negated question favours sentences that state a negation. Nothing is written that is not in
the sources; list items, headings and "See also" lines are never quoted as answers.

The answer-type check: a question asking for a person, a date, a number or a place is answered
only by a sentence that holds that slot AND is about the question's event (`coverage` of its
event terms, at least `MIN_EVENT_COVERAGE`). When no retrieved sentence does, the answer is an
honest refusal with the closest sentence as further reading: a when-question's best sentence
without a date is never swapped for a dated sentence about something else.

The refusal decision (`should_refuse`) and its wording (`refuse`) live here too, in one place.
The weights and thresholds are settings (`answer_*`, `min_answer_score`, `off_topic_similarity`),
so `assistant eval --sweep` can tune them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .citations import Citer
from .config import Settings
from .language import is_cyrillic
from .messages import message
from .question import Question
from .slots import MANNER, REASON, Asked, holds
from .text import STOPWORDS_BY_LANGUAGE
from .types import Answer, Hit, Sentence
from .vocabulary import Vocabulary

REFUSAL = message("refusal", "en")

CHECKED_SLOTS = ("person", "date", "number", "duration", "place")
MIN_EVENT_COVERAGE = {"en": 0.5, "ru": 0.4, "kk": 0.4}  # share of the question's event-term IDF mass a slot-holding
# sentence must cover (lower for Russian and Kazakh, whose word forms the light stemming joins less often)
SOFT_VERB_ACTIONS = 2  # known event words a Russian/Kazakh question needs for its unknown verb to be waived
CONTEXT_DISCOUNT = 0.8  # an event term found only in the sentence before counts this much
OVERVIEW_SCORE_RATIO = 0.85
NEGATION_BONUS = 0.1
NEGATED_RATIO = 0.7  # a negated question's best negation-stating sentence wins when it scores this close to the best
NEAR_TIE = 0.95  # a runner-up this close to the best is kept even past the length budget ...
OVER_BUDGET = 1.6  # ... up to this many times the budget (not for translated answers: originals are shown beside them)
_NEGATION = re.compile(
    r"\b(?:not|no|never|excluded?|excluding|except|without|nor|neither|rarely|did not|n[’']t)\b", re.I
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪–—]|\d{1,3}[.)]|=+)\s")
_NOT_ANSWER_SECTIONS = frozenset(
    "see also|references|external links|further reading|notes|смотрите также|см. также|ссылки|литература|примечания"
    "|сондай-ақ қараңыз|сілтемелер|әдебиет".split("|")
)
# Words that carry no event of their own ("what happened", "give a speech") and the slot words themselves.
LIGHT = {
    "en": frozenset(
        "happen get got give gave make made take took go went come came exact actual ever also still realli even year date month day time "
        "period era number mani much long soon place citi countri countries region person peopl name list kind sort type later "
        "articl author text sourc passag document accord say said mention".split()
    ),
    "ru": frozenset(
        "год году дата числ ден день месяц период врем сколько мест город стран человек люд случил произошл "
        "когда где кто почему как как котор како чем что".split()
    ),
    "kk": frozenset(
        "жыл күн ай кезең уақыт сан қанша канша неше жер қала ел адам болд болған қашан кашан қайда кайда қай кай "
        "кім ким неге қалай калай қандай кандай".split()
    ),
}
# Derivations English stemming does not join (die/death), so a when-question's event is still found.
RELATED = {
    "die": ("death", "dead", "di"),
    "death": ("die", "di", "dead"),
    "born": ("birth",),
    "birth": ("born",),
    "kill": ("murder", "execut"),
    "murder": ("kill",),
    "free": ("releas",),
    "releas": ("free",),
    "help": ("assist",),
    "assist": ("help",),
    "urg": ("encourag",),
    "encourag": ("urg",),
    "start": ("began", "begin", "beginn"),
    "begin": ("start",),
    "began": ("start",),
    "deport": ("relocat",),
    "relocat": ("deport",),
    "head": ("lead", "chair"),
    "lead": ("head",),
    "умер": ("смерт", "скончал"),
    "умерл": ("смерт", "скончал"),
    "род": ("рожд",),
    "родил": ("рожд",),
    "jail": ("prison", "imprison"),
    "cover": ("appli", "includ", "encompass"),
    "appli": ("cover",),
    "back": ("return",),
    "prison": ("gulag", "camp"),
    "sentenc": ("term",),
    "speech": ("speech",),
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
    has_feature: bool  # holds the asked-for slot (or a reason / manner cue)
    fits: bool = True  # holds the slot about the question's event (always True for unchecked slots)
    coverage: float = 1.0  # share of the question's event terms the sentence holds


def citable(sentence: Sentence, chunk) -> bool:
    """Whether a sentence may be quoted as an answer: not a list item, heading or "See also" line."""
    text = sentence.text.strip()
    if len(text) < 12 or _LIST_ITEM.match(text):
        return False
    section = chunk.section[-1].strip().casefold() if chunk.section else ""
    if section in _NOT_ANSWER_SECTIONS:
        return False
    return bool(re.search(r"[.!?…»\"”)]\s*$", text)) or len(text) > 80  # a short line without an ending is a heading


@dataclass(frozen=True)
class Events:
    """What a question is about: the names it mentions (its subject) and its other content terms (its event)."""

    names: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    verb: str = ""  # the main verb's term when the rules can tell it ("murder" in "Who murdered Trotsky?")
    followup: bool = False  # the question leans on an earlier turn
    soft_verb: str = ""  # a Russian or Kazakh verb no translation uses: it must be there unless the rest clearly is
    numbers: tuple[str, ...] = ()  # figures the question names ("in 1986"): the answer must be about them

    def __bool__(self) -> bool:
        return bool(self.names or self.actions or self.verb)


def event_terms(
    q: Question,
    own_terms,
    language: str,
    is_name: Callable[[str], bool] = lambda t: False,
    known: Callable[[str], bool] = lambda t: True,
    verb: str = "",
    verbs_like: frozenset[str] = frozenset(),
) -> Events:
    """The question's subject names and event terms: its content terms less light and slot words.

    An event word the sources never use ("deliver" in "When did Khrushchev deliver his speech?") is
    left out when at least two known event words remain to check; as the only event ("When was he
    born?") it stays, and no sentence can hold it.
    """
    light = LIGHT.get(language, LIGHT["en"])
    counted = q.asked.counted[:5]
    soft_verb = ""
    numbers = tuple(
        n for n in (_digits(m) for m in re.findall(r"(?<![\w.,])\d[\d,. ]*\d(?![\w])", q.plain)) if len(n) >= 2
    )
    kept = [
        t
        for t in dict.fromkeys(own_terms)
        if t not in light
        and not (counted and t.startswith(counted))
        and len(t) > 2
        and not any(ch.isdigit() for ch in t)
    ]
    names = tuple(t for t in kept if is_name(t))
    actions = [t for t in kept if not is_name(t)]
    verb = verb if verb and verb not in light else ""
    if verb and not known(verb) and len(known_actions := [t for t in actions if known(t) and t != verb]) >= 3:
        verb = ""  # "Whose death marked the beginning of ...": an unknown verb among three known event words is wording
    actions = [t for t in actions if t != verb]
    known_actions = [t for t in actions if known(t)]
    if language in ("ru", "kk"):
        # A Russian or Kazakh word the translations do not use says little (the translator may have chosen
        # another word), unless it is the verb asked about ("Когда умер Микоян?", "Кто возглавлял ...?"):
        # a verb no translated sentence uses is the event no sentence states.
        unknown_verbs = [t for t in actions if t in verbs_like and not known(t)]
        actions = [t for t in actions if known(t)]
        if unknown_verbs and q.asked.slot in CHECKED_SLOTS:
            soft_verb = unknown_verbs[0]
    elif len(known_actions) >= 2 or verb:  # with the main verb to check, unknown side words are not the event
        actions = known_actions
    if q.followup:  # "how many people does it cover?": what it is about is in the earlier turn; only a verb
        actions = (
            [t for t in actions if not known(t)] if language in ("ru", "kk") else []
        )  # the sources lack still counts
    return Events(names, tuple(actions), verb, q.followup, soft_verb, numbers)


@lru_cache(maxsize=65536)
def term_in(term: str, sentence_terms: frozenset[str]) -> bool:
    """A term, a form of it (shared prefix) or a related derivation among a sentence's terms."""
    if term in sentence_terms:
        return True
    for other in RELATED.get(term, ()):
        if other in sentence_terms:
            return True
    if len(term) >= 5 and not is_cyrillic(term):
        stem = term[: max(4, len(term) - 2)]
        return any(s.startswith(stem) for s in sentence_terms if len(s) >= 4)
    if len(term) >= 4 and is_cyrillic(term):  # Russian and Kazakh stems alternate (осужд- / осуд-): a long shared start
        folded = _fold(term)  # Kazakh typed on a Russian keyboard: "актальды" for "ақталды"
        head = folded[:3]  # a shared start of 3 or more begins with these: a cheap first test
        return any(
            _shared_start(folded, f) >= max(3, 0.6 * min(len(folded), len(s)))
            for s, f in _folded(sentence_terms)
            if f.startswith(head)
        )
    return False


@lru_cache(maxsize=16384)
def _folded(sentence_terms: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """A sentence's terms of 3 letters or more beside their folded forms, folded once per sentence, not per term."""
    return tuple((s, _fold(s)) for s in sentence_terms if len(s) >= 3)


_FOLD = str.maketrans("әғқңөұүһіё", "агкноууиие", "ьъ")


def _fold(term: str) -> str:
    return term.translate(_FOLD)


def _shared_start(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def coverage(
    events: Events | tuple[str, ...],
    sentence_terms: frozenset[str],
    idf: Callable[[str], float],
    context_terms: frozenset[str] = frozenset(),
    negated: bool = False,
    sentence_digits: frozenset[str] = frozenset(),
    sentence_text: str = "",
) -> float:
    """How far a sentence is about the question's event: the IDF-weighted share of the event terms it
    holds, or 0 when the question names a subject that neither it nor the sentence before it
    (`context_terms`: "he began assisting..." after a sentence naming Mikoyan) mentions."""
    if not isinstance(events, Events):
        events = Events((), tuple(events))
    if events.names and not any(term_in(t, sentence_terms | context_terms) for t in events.names):
        return 0.0
    if events.verb and not term_in(events.verb, sentence_terms | (context_terms if negated else frozenset())):
        return 0.0  # "Who heads the Commission?": no sentence that does not say "head" answers it
    if events.numbers and not all(n in sentence_digits | _term_digits(context_terms) for n in events.numbers):
        return 0.0  # "Who headed the Soviet government in 1986?": a sentence about 1953 does not answer it
    if events.soft_verb and not _verb_in(events.soft_verb, sentence_terms):
        # "Кто возглавлял ...?": without the verb, only a sentence plainly about the rest (its names, most of its words)
        names_held = _distinct_names(events.names, sentence_text)
        held = sentence_terms | (context_terms if negated else frozenset())
        rest_held = not events.actions or _share(events.actions, held) >= 0.5
        # a word and its Latin spelling for the originals ("поэт", "poet") are one event word, not two;
        # a figure the question names ("амнистия 1953 года") pins the event as a word does
        own_actions = [*([t for t in events.actions if is_cyrillic(t)] or events.actions), *events.numbers]
        plainly = (len(own_actions) >= SOFT_VERB_ACTIONS and (names_held or not events.names)) or len(names_held) >= 2
        if not (plainly and rest_held):
            return 0.0
    if not events.actions:
        return _share(events.names, sentence_terms | context_terms, idf)
    own = _share(events.actions, sentence_terms)
    if not negated:
        return own
    # "Who was not covered by the amnesty?": the exception often follows the rule ("This move excluded ...").
    return max(own, CONTEXT_DISCOUNT * _share(events.actions, sentence_terms | context_terms))


def _verb_in(verb: str, sentence_terms: frozenset[str]) -> bool:
    """A Russian or Kazakh verb the translations never use, in a sentence: a form of it or a related word, but not a
    short word that only shares its first three letters ("басқа" 'other' is not "басқарды" 'led')."""
    if not term_in(verb, sentence_terms):
        return False
    if verb in sentence_terms or any(o in sentence_terms for o in RELATED.get(verb, ())) or not is_cyrillic(verb):
        return True
    folded = _fold(verb)
    return any(_shared_start(folded, f) >= max(4, 0.6 * len(folded)) for _, f in _folded(sentence_terms))


def _distinct_names(names: tuple[str, ...], text: str) -> list[int]:
    """Where the (Latin) names of a question stand in an English sentence, one place per person or place named:
    "Khrushchev ... denounced Stalin" is two, "Anastas Mikoyan" one."""
    words = [w.lower() for w in re.findall(r"[\w’'-]+", text)]
    places = sorted(
        {i for n in names if not is_cyrillic(n) and len(n) >= 4 for i, w in enumerate(words) if w.startswith(n[:5])}
    )
    distinct: list[int] = []
    for i in places:
        if not distinct or i - distinct[-1] > 1:
            distinct.append(i)
    return distinct


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _term_digits(terms_: frozenset[str]) -> frozenset[str]:
    return frozenset(_digits(t) for t in terms_ if any(ch.isdigit() for ch in t))


def _share(
    wanted: tuple[str, ...], sentence_terms: frozenset[str], idf: Callable[[str], float] = lambda t: 1.0
) -> float:
    if not wanted:
        return 1.0
    total = sum(idf(t) for t in wanted) or 1.0
    return sum(idf(t) for t in wanted if term_in(t, sentence_terms)) / total


def score_candidates(
    hits: list[Hit],
    sentence_vectors: list[np.ndarray],
    query_vector: np.ndarray,
    query_terms: set[str],
    idf: Callable[[str], float],
    asked: Asked | str,
    sentence_terms: Callable[[str, object], frozenset[str]],
    settings: Settings,
    skip: frozenset[str] = frozenset(),
    events: Events | tuple[str, ...] = (),
    question_words: frozenset[str] = frozenset(),
    english_events: tuple[str, ...] = (),
    avoid: frozenset[str] = frozenset(),
    language: str = "en",
    context_of: Callable[[str, int], frozenset[str]] | None = None,
) -> list[Candidate]:
    """Score every citable sentence of the retrieved passages (except `skip`, e.g. titles, and `avoid`); best first."""
    if isinstance(asked, str):
        asked = Asked(
            asked,
            {"who": "person", "when": "date", "where": "place", "how_many": "number", "why": "reason"}.get(asked, ""),
        )
    total_idf = sum(idf(t) for t in query_terms) or 1.0
    checked = asked.slot in CHECKED_SLOTS
    min_coverage = MIN_EVENT_COVERAGE.get(language, MIN_EVENT_COVERAGE["en"])
    out, seen = [], set()
    for rank, (hit, vectors) in enumerate(zip(hits, sentence_vectors, strict=True)):
        before: frozenset[str] = context_of(hit.chunk.doc_id, hit.chunk.start) if context_of else frozenset()
        for sentence, vector in zip(hit.chunk.sentences, vectors, strict=True):
            context, before = before, sentence_terms(hit.chunk.doc_id, sentence)
            key = (hit.chunk.doc_id, sentence.start, sentence.end)
            if key in seen or sentence.text in skip or sentence.text in avoid or not citable(sentence, hit.chunk):
                continue
            seen.add(key)
            similarity = float(np.dot(vector, query_vector))
            s_terms = before
            overlap = sum(idf(t) for t in query_terms & s_terms) / total_idf
            has_feature = _cue(
                asked, sentence.text, question_words, english_events, bool(events and getattr(events, "verb", ""))
            )
            digits = (
                frozenset(_digits(m) for m in re.findall(r"\d[\d,.]*\d|\d", sentence.text)) if events else frozenset()
            )
            covered = coverage(events, s_terms, idf, context, asked.negated, digits, sentence.text)
            fits = not checked or (has_feature and covered >= min_coverage)
            score = (
                settings.answer_similarity_weight * similarity
                + settings.answer_overlap_weight * overlap
                + (settings.answer_feature_bonus if has_feature else 0.0)
                + (NEGATION_BONUS if asked.negated and _NEGATION.search(sentence.text) else 0.0)
                - settings.answer_rank_penalty * rank
            )
            out.append(
                Candidate(
                    hit.chunk.doc_id,
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
                )
            )
    return sorted(out, key=lambda c: -c.score)


def _cue(
    asked: Asked, text: str, question_words: frozenset[str], events: tuple[str, ...], verb_first: bool = False
) -> bool:
    if asked.slot == "reason":
        return bool(REASON.search(text))
    if asked.slot == "manner":
        return bool(MANNER.search(text))
    if asked.slot in CHECKED_SLOTS:
        return holds(asked, text, question_words, events, verb_first)
    return False


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
    if not isinstance(asked, str) and asked.negated:
        # "Who was not covered by the amnesty?": a sentence stating the exception, when one scores near the best
        negative = [c for c in pool if _NEGATION.search(c.text) and c.score >= NEGATED_RATIO * pool[0].score]
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


SHOWN_CHARS = 800  # two kiosk screens: a translated answer's quotes and the originals beside them must fit


def compose(
    q: Question, chosen: list[Candidate], hits: list[Hit], citer: Citer, kind: str = "answer", first: int = 1
) -> Answer:
    """An answer whose text is the chosen sentences (or their translations), each followed by its [n]."""
    citations = [citer.cite(n, c, hit_of(c, hits), q.language) for n, c in enumerate(chosen, start=first)]
    text = " ".join(f"{c.quote} [{c.n}]" for c in citations)
    return Answer(q.text, text, False, tuple(citations), (), q.query, q.notice, q.language, kind=kind)


def refusal_reason(
    question: Question,
    candidates: list[Candidate],
    vocabulary: Vocabulary,
    settings: Settings,
    events: Events = Events(),
) -> str:
    """Why to refuse ("" to answer). Rules, in order (thresholds tuned on the gold set's tune split):
    1. no candidate sentence, or the best scores under `min_answer_score`;
    2. the question names something specific the corpus never uses (a capitalised name such as
       "Bukharin", or a rare word the model does not know whole), and that word is what is asked
       about: the question has fewer than three known event terms, or its best sentence does not
       hold most of them;
    3. most of its content words are unknown to the corpus and nothing is close in meaning
       (best similarity under `off_topic_similarity`);
    4. it asks for a person, date, number or place and no retrieved sentence holds one about its event.
    """
    english = question.language not in ("ru", "kk")
    min_score = settings.min_answer_score if english else settings.multilingual_min_answer_score
    if question.shape == "overview":
        min_score *= (
            OVERVIEW_SCORE_RATIO  # "give an overview of ..." names a topic, not a fact: its sentences score lower
        )
    off_topic = settings.off_topic_similarity if english else settings.multilingual_off_topic_similarity
    if not candidates or candidates[0].score < min_score:
        return "low score"
    language = "en" if english else question.language
    stop = STOPWORDS_BY_LANGUAGE[language]
    content = [w for w in question.words if w not in stop and len(w) >= 3]
    unknown = vocabulary.unknown_words(question.words, language)
    specific = [w for w in unknown if vocabulary.is_specific(w, question.plain, names_only=not english)]
    if specific:
        # A name the sources never use refuses when it is what is asked about; a rare word only when the
        # best sentence does not hold the rest of the question ("characterise" is not the subject).
        known = [t for t in (*events.names, *events.actions) if vocabulary.df.get(t, 0)]
        named = any(_capitalised(w, question.plain) for w in specific)
        # An overview names a topic ("... после распада СССР"): most of it held is enough.
        held = 0.5 if question.shape == "overview" else 0.75
        if (named and (len(known) < 3 or candidates[0].coverage < held)) or (
            not named and candidates[0].coverage < 0.5
        ):
            return "unknown name"
    if bool(content) and len(unknown) / len(content) > 0.5 and max(c.similarity for c in candidates) < off_topic:
        return "off topic"
    if question.asked.slot in CHECKED_SLOTS and not any(c.fits and c.score >= min_score for c in candidates):
        return "slot not held"
    return ""


def _capitalised(word: str, text: str) -> bool:
    return any(text[m.start()].isupper() for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.I))


def should_refuse(
    question: Question,
    candidates: list[Candidate],
    vocabulary: Vocabulary,
    settings: Settings,
    events: Events = Events(),
) -> bool:
    """Whether to refuse (see `refusal_reason`)."""
    return bool(refusal_reason(question, candidates, vocabulary, settings, events))


def refuse(q: Question, hits: list[Hit], candidates: list[Candidate], citer: Citer) -> Answer:
    """An honest refusal in the question's language, with the closest passages as further reading (not as an answer)."""
    reading = []
    for hit in hits[:3]:
        best = next(
            (
                c
                for c in candidates
                if c.doc_id == hit.chunk.doc_id and hit.chunk.start <= c.start and c.end <= hit.chunk.end
            ),
            None,
        )
        if best is not None and all(best.text != r.original_quote and best.text != r.quote for r in reading):
            reading.append(citer.cite(len(reading) + 1, best, hit, q.language))
    text = message("refusal", q.language)
    if reading:
        text += " " + message("further_reading", q.language)
    return Answer(q.text, text, True, (), tuple(reading), q.query, q.notice, q.language, kind="refusal")


def hit_of(c: Candidate, hits: list[Hit]) -> Hit:
    return next(h for h in hits if h.chunk.doc_id == c.doc_id and h.chunk.start <= c.start and c.end <= h.chunk.end)


_hit_of = hit_of
