"""Whether a source sentence holds the filler of the slot a question asks for, read from its `Facts`.

The slot's filler: a date or period (an exact date when the question asks "what year"), a quantity of the
counted thing (a year, a day of a month or "Article 58" is no quantity), a duration, a place, a person or body
in the same clause as the asked-for event and not the question's own subject; for why and how, a reason or
manner cue. Whether the sentence is about the question's subject and event is `evidence.coverage`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from ..lang import lexicon
from ..lang.facts import CLAUSE_BOUNDARY, PERSON, TIME, YEAR, Facts, Span, counted_languages, is_person_noun
from ..lang.words import read_words
from ..question import Question
from ..slots import Asked

CHECKED_SLOTS = ("person", "date", "number", "duration", "place")  # slots a sentence must hold to answer
EXACT_DATES = ("year", "day", "month", "decade", "century")
COUNTED_SENSES = 99  # a counted noun's WordNet senses whose synonyms and hyponyms it may be counted as


def holds(
    a: Asked,
    facts: Facts,
    text: str,
    question_forms: frozenset[str] = frozenset(),
    event_at: Callable[[Facts], list[int]] | None = None,
    counted_forms: frozenset[str] = frozenset(),
) -> bool:
    """Whether a sentence holds the filler of the question's slot.

    `question_forms`: the dictionary forms of the question's own words (its subject is not its answer).
    `event_at(facts)`: where in the sentence the asked-for event stands (character offsets), [] when it does not.
    `counted_forms`: the forms of the noun a how-many question counts, and of nouns of its class.
    """
    if a.slot == "date":
        if a.year:  # "қай жылы", "in what year": "31 мамырда" gives a day of no year
            return any(s.kind in ("year", "decade") or YEAR.search(text, s.start, s.end) for s in facts.dates)
        return any(s.kind in EXACT_DATES for s in facts.dates) if a.exact_date else bool(facts.dates)
    if a.slot == "number":
        return _has_quantity(facts, text, counted_forms, question_forms)
    if a.slot == "duration":
        return bool(facts.durations)
    if a.slot == "place":
        return any(not _own(facts, s, question_forms) for s in facts.places) or (
            a.source and facts.language == "en" and _source(facts, text, question_forms)
        )
    if a.slot == "person":
        if a.ordinal and not _ordinal_person(facts, text):
            return False  # "making the first steps" names no first person
        return _has_doer(facts, text, question_forms, event_at(facts) if event_at else [])
    if a.slot == "reason":
        return facts.reason
    if a.slot == "manner":
        return facts.manner
    return True


def _source(facts: Facts, text: str, question_forms: frozenset[str]) -> bool:
    """A source named after "from" that is not the question's own word ("from a government-backed foundation")."""
    for m in lexicon(facts.language).compiled("source_phrase").finditer(text):
        word = m.group().split()[-1].lower()
        if not any(w.start <= m.end() - len(word) < w.end and w.forms & question_forms for w in facts.words):
            return True
    return False


def _own(facts: Facts, span: Span, question_forms: frozenset[str]) -> bool:
    """Whether every word of a span is one of the question's own words (its subject, not its answer)."""
    inside = [w for w in facts.words if span.start <= w.start and w.end <= span.end]
    return bool(inside) and all(w.forms & question_forms for w in inside)


def _has_quantity(facts: Facts, text: str, counted: frozenset[str], question_forms: frozenset[str]) -> bool:
    if TIME in counted and facts.durations:
        return True  # "how many years": a duration answers it ("at most five years")
    if counted and counted.isdisjoint(w for s in facts.numbers for w in s.kind.split("|")) and PERSON not in counted:
        foreign = facts.language not in counted_languages(counted)
        counted = (
            frozenset() if foreign else counted
        )  # a noun asked in another language cannot be compared word for word
    for s in facts.numbers:
        if text[s.start : s.end].strip().lower() in question_forms:
            continue  # the question's own figure
        if not counted or counted & set(s.kind.split("|")):
            return True  # "311,000 victims", "более пяти миллионов человек"
    return False


def _has_doer(facts: Facts, text: str, question_forms: frozenset[str], event_at: list[int]) -> bool:
    """A person or body that is not the question's subject, in the same clause as the event (when the sentence
    states it); after a passive verb only its doer, introduced by "by", counts ("murdered by NKVD agents")."""
    fillers = [s for s in facts.persons if not _own(facts, s, question_forms)]
    if not fillers:
        return False
    if not event_at:
        return True
    return any(_doer_of(facts, text, s, e) for s in fillers for e in event_at)


def _doer_of(facts: Facts, text: str, filler: Span, event: int) -> bool:
    lo, hi = sorted((filler.start, event))
    if CLAUSE_BOUNDARY.search(text, lo, hi) or _clause_word_between(text, lo, hi, facts.language):
        return False  # "Trotsky (murdered in 1940) ... by Russia": the doer of another clause
    if facts.language == "en" and _passive_at(facts, text, event):
        return filler.start > event and bool(re.search(r"\bby\b", text[event : filler.start], re.I))
    return True


def _passive_at(facts: Facts, text: str, event: int) -> bool:
    """Whether the English verb at `event` is a passive participle: after a form of "be", or opening a reduced
    clause right after a comma or parenthesis ("Trotsky, murdered in 1940, ...")."""
    word = next((w for w in facts.words if w.start == event), None)
    if word is None or "VERB" not in word.tags or word.text.lower() in word.lemmas - {word.text.lower()}:
        return False
    if word.text.lower() in word.lemmas and not word.text.lower().endswith(("ed", "en", "wn")):
        return False  # a base form ("report", "set") is no participle
    before = text[max(0, event - 30) : event]
    words = re.findall(r"[\w’']+", before.lower())[-3:]
    be = lexicon("en").words("be_auxiliaries")
    if any(w in be for w in words):
        return True
    if not re.search(r"[,(]\s*$", before):
        return False
    # after a comma: "Trotsky, murdered in 1940, ..." is passive; "Samodurov, a former head of the museum, accused
    # Memorial of ..." is the subject's own verb after an apposition, as its object (a name, a determiner) shows
    after = re.match(r"\s*([\w’']+)", text[word.end :])
    following = after.group(1) if after else ""
    return not (following[:1].isupper() or following.lower() in lexicon("en").words("determiners"))


def _clause_word_between(text: str, lo: int, hi: int, language: str) -> bool:
    marks = lexicon(language).words("clause_marks")
    between = re.findall(r"[^\W\d_]+", text[lo:hi].lower())[1:-1]
    return any(w in marks for w in between)


def _ordinal_person(facts: Facts, text: str) -> bool:
    """ "the first victims", "X was the first to", "первым был X": an ordinal ("first", "last") that names a person:
    right before a noun for people (one word may stand between), or after a person and a form of "be"."""
    for m in _ordinal_pattern(facts.language).finditer(text):
        after = [w for w in facts.words if w.start >= m.end()][:2]
        if any(p.start == w.start for w in after for p in facts.persons) or re.match(r"\s+to\b", text[m.end() :]):
            return True
        before = text[max(0, m.start() - 40) : m.start()]
        if any(
            p.end <= m.start()
            and not re.search(r"[^\w\s]", text[p.end : m.start()])
            and len(re.findall(r"\w+", text[p.end : m.start()])) <= 3
            for p in facts.persons
        ) and re.search(r"\b(?:was|were|became|is|are|был|была|были|стал|стала)\b", before, re.I):
            return True
    return False


@cache
def _ordinal_pattern(language: str) -> re.Pattern:
    return lexicon(language).compiled("ordinal")


def counted_forms(
    q: Question, language: str, known: Callable[[str], bool] = lambda t: True, nouns=None
) -> frozenset[str]:
    """The forms of the noun a how-many question counts, and "@person" when it counts people of any kind; none
    (any quantity will do) when the corpus never uses the noun, as it is then no check of the answer. With `nouns`
    (WordNet's English nouns, `lang.thesaurus`), also the nouns that can stand for it: the synonyms and more
    specific nouns of each of its senses ("works" is counted as "publications", "books")."""
    if not q.asked.counted:
        return frozenset()
    words = read_words(q.asked.counted, language)
    forms = frozenset(f for w in words for f in w.forms) | {"@" + language}
    if nouns is not None and language == "en":
        forms |= frozenset().union(
            *(nouns.relatives(lemma, senses=COUNTED_SENSES) for w in words for lemma in w.lemmas)
        )
    if any(w.lemmas & lexicon(language).words("time_units") for w in words):
        forms |= {TIME}
    if any(is_person_noun(w, language) for w in words):
        return forms | {PERSON}
    return forms if any(known(f) for f in forms) else frozenset()
