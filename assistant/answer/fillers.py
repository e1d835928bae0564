"""Whether a source sentence holds the filler of the slot a question asks for.

The slot's filler in the (English original) sentence: a date or period, a quantity of the counted thing
(a year is not a quantity), a duration, a place, a person or body near the asked-for event (not the
question's own subject); for why and how, a reason or manner cue. Whether the sentence is about the
question's subject and event is `evidence.coverage`'s business, not this module's.
"""

from __future__ import annotations

import re

from ..slots import Asked

CHECKED_SLOTS = ("person", "date", "number", "duration", "place")  # slots a sentence must hold to answer

_YEAR = r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b"
_MONTH = r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
_DATE = re.compile(f"{_YEAR}|{_MONTH}|\\b(?:century|decade)\\b", re.I)
_PERIOD = re.compile(
    r"\b(?:era|period|Thaw|World War|war|perestroika|Great Purge|years? later|weeks? later|months? later|days? later)\b",
    re.I,
)
_NUMBER_WORDS = r"(?:thousands?|hundreds?|millions?|dozens?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred)"
_QUANTITY = re.compile(rf"(?<![\w.,])(?:\d[\d,. ]*\d|\d)(?!\w)(?![.,]\d)|\b{_NUMBER_WORDS}\b", re.I)
_DURATION = re.compile(
    rf"\b(?:\d+|{_NUMBER_WORDS}|a)\s+(?:years?|months?|weeks?|days?|decades?)\b|\b(?:later|soon after|within)\b", re.I
)
PEOPLE = frozenset(
    "people ppl persons person individuals victims prisoners inmates men women citizens survivors families members".split()
)
_PLACE_NOUNS = r"(?:camps?|republic|states|countries|country|regions?|territor(?:y|ies)|homelands?|city|session|congress|gulag|prisons?|exile|abroad|home)"
_PLACE = re.compile(
    r"\b(?:in|to|at|from|into|of)\s+(?:the\s+|his\s+|her\s+|their\s+|its\s+)?(?:native\s+|most\s+|many\s+other\s+|other\s+|former\s+)?[\"“]?[A-Z][\w-]+"
    rf"|\b{_PLACE_NOUNS}\b|\b(?:Siberia|Kazakhstan|Crimea|Armenia|Yerevan|Asia|Russia|Ukraine|Moscow|Astana|Almaty)\b"
)
_PERSON_NOUNS = r"(?:government|commission|prisoners|leaders?|ally|people|persons|victims|justice|those who|poet|inmates|society|party|authorities|state|council|court|times)"
_NAME = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:of\s+the\s+|of\s+)?[A-Z][\w’'-]*)*")
_ADJECTIVES = frozenset(
    "Soviet Russian Armenian Stalinist Communist Kazakh Ukrainian Crimean Georgian Post-Soviet Political "
    "In On At From The A An After Before During Also However Under Following Behind Beginning Many Most Another "
    "January February March April May June July August September October November December".split()
)


def holds(
    a: Asked,
    sentence: str,
    question_words: frozenset[str] = frozenset(),
    events: tuple[str, ...] = (),
    verb_first: bool = False,
) -> bool:
    """Whether an (English original) sentence holds the filler of the question's slot.

    `question_words` (lower-cased) are the question's own words: its subject is not its answer.
    `events` are the event words (lower-case prefixes) a person must stand near, when the sentence has one.
    """
    if a.slot == "date":
        if _DATE.search(sentence):
            return True
        return not a.exact_date and bool(_PERIOD.search(sentence))
    if a.slot == "number":
        return _has_quantity(sentence, a.counted, question_words)
    if a.slot == "duration":
        return bool(_DURATION.search(sentence))
    if a.slot == "place":
        return bool(_PLACE.search(sentence))
    if a.slot == "person":
        if a.ordinal and not _ORDINAL_PERSON.search(sentence):
            return False  # "making the first steps" names no first person
        return _has_person(sentence, question_words, events, verb_first)
    return True


_ORDINAL_PERSON = re.compile(
    rf"\b(?:first|earliest|last)\s+(?:[\w-]+\s+)?(?:{'|'.join(sorted(PEOPLE))}|man|woman|one|ones|to)\b"
    r"|\b(?-i:[A-Z])[\w’'-]+\s+(?:was|were|became)\s+(?:the\s+|among\s+the\s+)?(?:first|earliest|last)\b",
    re.I,
)


def _has_quantity(sentence: str, counted: str, question_words: frozenset[str]) -> bool:
    for m in _QUANTITY.finditer(sentence):
        number = m.group()
        digits = re.sub(r"\D", "", number)
        if digits and re.fullmatch(r"1[0-9]{3}|20[0-9]{2}", digits) and "," not in number:
            continue  # a year, not a quantity
        if digits and number.strip() in question_words:
            continue  # the question's own figure
        after = sentence[m.end() : m.end() + 60]
        if digits and re.match(rf"\s*{_MONTH}", after):
            continue  # a day of a month ("16 June"), not a quantity
        if not counted:
            return True
        following = [w.lower() for w in re.findall(r"[\w’'-]+", after)[:4] if w.lower() != "of"][:3]
        if any(_same_noun(word, counted) for word in following):
            return True  # "311,000 victims", "1,000 political prisoners"
    return False


def _same_noun(noun: str, counted: str) -> bool:
    if not noun:
        return False
    if counted in PEOPLE or counted.rstrip("s") in PEOPLE:
        return noun in PEOPLE
    return noun.rstrip("s") == counted.rstrip("s")


def _has_person(
    sentence: str, question_words: frozenset[str], events: tuple[str, ...], verb_first: bool = False
) -> bool:
    tokens = list(re.finditer(r"[\w’'-]+|[()]", sentence))

    # Near the main verb (events[0] when `verb_first`) if the sentence holds it, else near any event word.
    def at(prefixes):
        return [
            i for i, t in enumerate(tokens) if any(t.group().lower().startswith(p[:5]) for p in prefixes if len(p) >= 3)
        ]

    event_at = at(events[:1]) if verb_first and events else []
    if not event_at:
        event_at = at(events)
    fillers = []
    for m in _NAME.finditer(sentence):
        words = [w for w in m.group().split() if w not in ("of", "the")]
        if len(words) == 1 and (words[0] in _ADJECTIVES or m.start() == 0):
            continue
        if all(w.lower().rstrip("’'s") in question_words or w.lower() in question_words for w in words):
            continue  # the question's own subject
        fillers.append(m.start())
    for m in re.finditer(rf"\b{_PERSON_NOUNS}\b", sentence, re.I):
        if m.group().lower() not in question_words:
            fillers.append(m.start())
    if not fillers:
        return False
    if not event_at:
        return True
    positions = [
        next(i for i, t in enumerate(tokens) if t.start() >= f) for f in fillers if any(t.start() >= f for t in tokens)
    ]
    return any(_near(tokens, p, e) for p in positions for e in event_at)


def _near(tokens, filler: int, event: int, window: int = 5, by_window: int = 8) -> bool:
    """A filler close to the event word, not split from it by a parenthesis ("Trotsky (murdered in 1940) ... by Russia").

    An agent after "by" ("rehabilitated on 16 June 2001 by Russia") may stand further after the event word.
    """
    lo, hi = min(filler, event), max(filler, event)
    if any(t.group() in "()" for t in tokens[lo + 1 : hi + 1]):
        return False
    if hi - lo <= window:
        return True
    after_by = filler > event and filler > 0 and tokens[filler - 1].group().lower() == "by"
    return after_by and hi - lo <= by_window


# --- reason and manner cues (for why- and how-questions) -----------------------------------

REASON = re.compile(
    r"\b(?:because|due to|owing to|thanks to|so that|in order to|as a result|therefore|thus|reason|purpose|aims?|seeks?|seeking"
    r"|way to|role in|reflects?|affirm|deemed|excluded|accelerated|drove|emerging|allowing)\b"
    r"|,\s+as\s+(?!well\b|per\b|part\b|such\b|a\b|an\b|the\b)\w+"
    r"|\bto (?:restore|recognize|recognise|acknowledge|rectify|provide|share|expunge|honou?r|confront)\b",
    re.I,
)
MANNER = re.compile(
    r"\b(?:by\s+\w+ing|through|via|by means of|with the phrases|working to|engaging with|providing|involves?|portrayed as"
    r"|presented as|characteri[sz]ed as|described as|summarily|posthumously|extrajudicially|allow(?:ed|ing)\b.{0,30}\bto|restored)\b",
    re.I,
)
