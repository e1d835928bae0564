"""What a question is about, and how far a source sentence is about it.

A question's subject is the names it mentions; its event is its other content terms, less light words
("happen", "year") and the slot words themselves (`event_terms`). A sentence is about the question when
it holds the subject and enough of the event's IDF mass (`coverage`); terms match by form, shared stem
or a related derivation (`term_in`), and a "he" in a sentence may lean on the sentence before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..lang import lexicon
from ..language import is_cyrillic
from ..question import Question
from ..slots import do_verb, main_verb, verb_like
from ..text import terms
from .fillers import CHECKED_SLOTS

SOFT_VERB_ACTIONS = 2  # known event words a Russian/Kazakh question needs for its unknown verb to be waived
CONTEXT_DISCOUNT = 0.8  # an event term found only in the sentence before counts this much
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


NO_EVENTS = Events()


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
    light = lexicon(language).words("light")  # words that name no event of their own, and the slot words
    counted = q.asked.counted[:5]
    soft_verb = ""
    numbers = tuple(
        n for n in (digits_of(m) for m in re.findall(r"(?<![\w.,])\d[\d,. ]*\d(?![\w])", q.plain)) if len(n) >= 2
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


def question_events(q: Question, own_terms, vocabulary, language: str) -> Events:
    """What a question is about, read with the corpus's vocabulary: its names, its event terms and main verb."""
    v = vocabulary
    verb = main_verb(q.plain) if language == "en" else ""
    if not verb and language == "en" and q.asked.slot == "person":
        # "Which leaders did Mikoyan help?": the person asked for stands near "help", when the sources use it
        verb = do_verb(q.plain)
        verb = (
            verb if verb and all(t in v.df or any(r in v.df for r in RELATED.get(t, ())) for t in terms(verb)) else ""
        )
    verb_terms = v.corrected(terms(verb)) if verb else []
    verbs_like = frozenset(t for w in q.words if verb_like(w, language) for t in terms(w, language))
    return event_terms(
        q, own_terms, language, v.is_name, lambda t: t in v.df, verb_terms[0] if verb_terms else "", verbs_like
    )


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


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def _term_digits(terms_: frozenset[str]) -> frozenset[str]:
    return frozenset(digits_of(t) for t in terms_ if any(ch.isdigit() for ch in t))


def _share(
    wanted: tuple[str, ...], sentence_terms: frozenset[str], idf: Callable[[str], float] = lambda t: 1.0
) -> float:
    if not wanted:
        return 1.0
    total = sum(idf(t) for t in wanted) or 1.0
    return sum(idf(t) for t in wanted if term_in(t, sentence_terms)) / total
