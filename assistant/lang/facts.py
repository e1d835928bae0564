"""What one sentence states, read once (at ingest) in its own language: its words' dictionary forms and the
slot fillers it holds: dates and periods, quantities and what they count, durations, people and bodies, places,
and whether it gives a reason or a manner or states a negation.

Everything here is a rule of the language (its month names, number words, prepositions of place and time, the
nouns for people and places, from `lang/data/<language>.toml`) or a tag of its dictionary (`lang/words.py`),
never a record of a particular text. `Facts.record()` is what the index stores; `Facts.from_record` reads it back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import DATA, lexicon
from .people import corpus_names, corpus_places, people_and_places
from .spans import Span
from .words import Word, read_words

__all__ = ["Facts", "Span", "corpus_names", "corpus_places", "read_facts"]  # Span and the corpus readers: re-exported

YEAR = re.compile(r"(?<![\d.,])(?:1[0-9]{3}|20[0-9]{2})(?:s|-е|-х|-ж\w*)?(?![\d.,]\d)")
# a date written in figures, day (or month) first, as registers and records write it: "18.11.1937", "04.1958"
NUMERIC_DATE = re.compile(r"(?<![\w.,/])(?:(\d{1,2})[./])?\d{1,2}[./](?:1[0-9]{3}|20[0-9]{2})(?![\w/]|[.,]\d)")
DIGITS = re.compile(r"(?<![\w.,])\d[\d,. \u00a0]*\d(?!\w)(?![.,]\d)|(?<![\w.,])\d(?![\w,.]\d)(?!\w)")
PERSON = "@person"  # among the forms a quantity counts: it counts people of some kind ("victims", "человек")
TIME = "@time"  # among the forms a how-many question counts: units of time ("how many years"), which a duration answers
CLAUSE_BOUNDARY = re.compile(r"[();:—–\[\]]|\s-\s")  # a parenthesis, a colon or a dash ends the clause a doer acts in


@dataclass(frozen=True)
class Facts:
    """What a sentence states, in its language (`words`: its content words only)."""

    language: str
    words: tuple[Word, ...] = ()
    dates: tuple[Span, ...] = ()
    numbers: tuple[
        Span, ...
    ] = ()  # quantities (not years, days of a month or identifiers); kind: "|"-joined forms counted
    durations: tuple[Span, ...] = ()
    persons: tuple[Span, ...] = ()  # names of people or bodies, and nouns for them
    places: tuple[Span, ...] = ()
    reason: bool = False
    manner: bool = False
    negation: bool = False
    keys: frozenset[str] = field(default=frozenset(), compare=False)  # every form of every content word

    def __post_init__(self):
        object.__setattr__(self, "keys", frozenset(f for w in self.words for f in w.forms))

    def record(self) -> dict:
        """A compact JSON-able record (offsets relative to the sentence)."""
        spans = lambda xs: [[s.start, s.end, s.kind] for s in xs]  # noqa: E731
        return {
            "l": self.language,
            "w": [
                [
                    w.start,
                    w.end,
                    w.text,
                    "|".join(sorted(w.lemmas)),
                    "|".join(sorted(w.forms - w.lemmas)),
                    "|".join(sorted(w.tags)),
                ]
                for w in self.words
            ],
            "d": spans(self.dates),
            "n": spans(self.numbers),
            "u": spans(self.durations),
            "p": spans(self.persons),
            "g": spans(self.places),
            "f": "".join(c for c, on in (("r", self.reason), ("m", self.manner), ("x", self.negation)) if on),
        }

    @classmethod
    def from_record(cls, r: dict) -> Facts:
        spans = lambda xs: tuple(Span(a, b, k) for a, b, k in xs)  # noqa: E731
        split = lambda x: frozenset(x.split("|")) - {""}  # noqa: E731
        words = tuple(Word(a, b, t, split(f) | split(m), split(g), split(f)) for a, b, t, f, m, g in r["w"])
        flags = r.get("f", "")
        return cls(
            r["l"], words, spans(r["d"]), spans(r["n"]), spans(r["u"]), spans(r["p"]), spans(r["g"]),
            "r" in flags, "m" in flags, "x" in flags,
        )  # fmt: skip


def read_facts(
    text: str, language: str, names: frozenset[str] = frozenset(), known_places: frozenset[str] = frozenset()
) -> Facts:
    """The facts of one sentence. `names`: lower-case words the corpus writes only capitalised (people, places, bodies),
    so a name opening a sentence is still a name; `places`: names the corpus writes after a preposition of place."""
    language = language if language in ("en", "ru", "kk") else "en"
    words = read_words(text, language)
    lex = lexicon(language)
    dates = _dates(text, words, lex)
    taken = [(s.start, s.end) for s in dates]
    durations = _durations(text, words, lex)
    numbers = _numbers(text, words, lex, taken + [(s.start, s.end) for s in durations])
    persons, places = people_and_places(text, words, lex, names, known_places, taken)
    lowered = text.lower()
    return Facts(
        language,
        tuple(w for w in words if "stop" not in w.tags),
        dates,
        numbers,
        durations,
        persons,
        places,
        _any_phrase(lowered, lex.ordered("reason_cues"))
        or bool(re.search(lex.pattern("reason_clause"), text))
        or _purpose_infinitive(words, language),
        _any_phrase(lowered, lex.ordered("manner_cues")) or _manner_form(words, language),
        bool(_negation(language).search(text)),
    )


def facts_fingerprint() -> str:
    """A hash of the language data and the reading rules: an index whose facts were read otherwise is stale."""
    digest = hashlib.sha256()  # register.py: how a register's entries are cut into sections
    for path in (
        sorted(DATA.glob("*.toml"))
        + [Path(__file__).with_name(n) for n in ("facts.py", "people.py", "spans.py", "words.py", "related.py")]
        + [Path(__file__).parent.parent / "register.py"]
    ):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# --- dates and periods --------------------------------------------------------------------------------------


def _dates(text: str, words: tuple[Word, ...], lex) -> tuple[Span, ...]:
    months, units = lex.words("months"), lex.words("time_units")
    out = [
        Span(m.start(), m.end(), "decade" if m.group()[4:] else "year")
        for m in YEAR.finditer(text)
        if m.group()[4:] or not _counts_people(m.start(), m.end(), words, lex)
    ]
    out += [Span(m.start(), m.end(), "month" if m.group(1) is None else "day") for m in NUMERIC_DATE.finditer(text)]
    for i, w in enumerate(words):
        if w.lemmas & months:
            days = [
                words[j]
                for j in (i - 1, i + 1)
                if 0 <= j < len(words) and words[j].text.isdigit() and len(words[j].text) <= 2
            ]  # "16 June", "June 16", "17 сентября", "31 мамыр"
            a, b = min([w.start, *(d.start for d in days)]), max([w.end, *(d.end for d in days)])
            out.append(Span(a, b, "day" if days else "month"))
        elif w.lemmas & {"century", "век", "ғасыр"}:
            out.append(Span(w.start, w.end, "century"))
    out += _relative(text, words, lex, units)
    out += _periods(text, words, lex)
    return tuple(sorted(set(out), key=lambda s: (s.start, s.end)))


def _counts_people(a: int, b: int, words: tuple[Word, ...], lex) -> bool:
    """ "Около 1000 человек", "1500 women": a number of a year's shape that counts people is no year. It is followed
    by a noun for people, and is not governed by a preposition ("in 1937 people were arrested"), unless that word
    qualifies an amount ("около", "about"). Kazakh has postpositions: a year is followed by "жылы", not by people."""
    after = [w for w in words if w.start >= b][:1]
    before = [w for w in words if w.end <= a][-1:]
    if not after or not is_person_noun(after[0], lex.language):
        return False
    if not before or lex.language == "kk" or "stop" not in before[0].tags:
        return True
    return bool(before[0].lemmas & lex.words("quantity_modifiers"))


def _relative(text: str, words: tuple[Word, ...], lex, units: frozenset[str]) -> list[Span]:
    """ "two years later", "спустя год", "екі жылдан кейін": a time unit with a word placing it relative to an event."""
    relative = lex.ordered("relative_time")
    out = []
    for i, w in enumerate(words):
        if not w.lemmas & units:
            continue
        around = " ".join(x.text.lower() for x in words[max(0, i - 2) : i + 3])
        if any(re.search(rf"(?<!\w){re.escape(r)}(?!\w)", around) for r in relative):
            out.append(Span(words[max(0, i - 1)].start, w.end, "relative"))
    return out


def _periods(text: str, words: tuple[Word, ...], lex) -> list[Span]:
    """A named period or event: a capitalised name (or a noun for a stretch of time) governed by a word of time."""
    temporal, period_nouns = lex.ordered("temporal_prepositions"), lex.words("period_nouns")
    out = []
    lowered = text.lower()
    for phrase in temporal:
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
            after = [w for w in words if w.start > m.end()][:4]
            before = [w for w in words if w.end < m.start()][-3:]
            near = after if lex.language != "kk" else before  # Kazakh postpositions follow their noun
            for w in near:
                if w.capitalised and w.start > 0 or w.lemmas & period_nouns:
                    out.append(Span(min(m.start(), w.start), max(m.end(), w.end), "period"))
                    break
    for w in words:
        if (
            w.lemmas & period_nouns
            and not w.capitalised
            and any(o.capitalised for o in words if 0 < w.start - o.end <= 2)
        ):
            out.append(Span(w.start, w.end, "period"))  # "the Soviet era", "сталиндік режим дәуірінде"
    return out


# --- quantities and durations --------------------------------------------------------------------------------


def _numbers(text: str, words: tuple[Word, ...], lex, taken: list[tuple[int, int]]) -> tuple[Span, ...]:
    number_words, marks = lex.words("number_words"), lex.words("identifier_marks")
    modifiers = lex.words("quantity_modifiers")
    spans: list[tuple[int, int]] = []
    for m in DIGITS.finditer(text):
        spans.append((m.start(), m.end()))
    i = 0
    while i < len(words):  # runs of number words: "two million", "более пяти миллионов", "25 тысяч", "екі миллион"
        if words[i].lemmas & number_words:
            j = i
            while j + 1 < len(words) and words[j + 1].lemmas & number_words:
                j += 1
            a = words[i].start
            if i > 0 and words[i - 1].text.isdigit() and words[i].start - words[i - 1].end <= 1:
                a = words[i - 1].start  # "25 тысяч": the figure and its multiplier are one quantity
            spans = [(x, y) for x, y in spans if not (a <= x and y <= words[j].end)]
            spans.append((a, words[j].end))
            i = j + 1
        else:
            i += 1
    out = []
    for a, b in sorted(set(spans)):
        if any(a < e and s < b for s, e in taken):
            continue  # a year, a day of a month or a duration
        if _is_year(text[a:b]) and not _counts_people(a, b, words, lex):
            continue
        before = [w for w in words if w.end <= a][-1:]
        if before and (before[0].lemmas & marks or (before[0].capitalised and before[0].start > 0)):
            continue  # "Article 58", "статья 58": the number names a thing
        after = [w for w in words if w.start >= b and "stop" not in w.tags and not w.lemmas & modifiers][:2]
        if lex.language == "kk" and re.match(r"-\w", text[b : b + 3]):
            continue  # "58-бап": an identifier
        counted = {f for w in after[:2] for f in w.forms} | _partitive_head(text, words, a, lex)
        if any(is_person_noun(w, lex.language) for w in after[:1]):
            counted.add(PERSON)
        out.append(Span(a, b, "|".join(sorted(counted))))
    return tuple(out)


def _partitive_head(text: str, words: tuple[Word, ...], at: int, lex) -> set[str]:
    """ "Her name is one of the 6,609 listed": after "one of the", a number counts what the one is, named by the
    clause's subject before it; the forms of that clause's nouns ("the name of the last commandant": name,
    commandant), none without the construction."""
    if lex.language != "en" or not (m := lex.compiled("partitive").search(text[:at])):
        return set()
    opens = max((b.end() for b in re.finditer(r"[,;:()—–]", text[: m.start()])), default=0)
    return {f for w in words if opens <= w.start and w.end <= m.start() and "NOUN" in w.tags for f in w.forms}


def counted_languages(counted: frozenset[str]) -> frozenset[str]:
    """The languages a set of counted forms is in (their "@en"-style markers)."""
    return frozenset(f[1:] for f in counted if f in ("@en", "@ru", "@kk"))


def is_person_noun(w: Word, language: str) -> bool:
    """Whether a word names people of some kind (a noun for people or roles; in Russian, any animate noun)."""
    return bool(w.lemmas & lexicon(language).words("person_nouns")) or (
        language == "ru" and "person" in w.tags and "NOUN" in w.tags
    )


def _is_year(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    return bool(re.fullmatch(r"1[0-9]{3}|20[0-9]{2}", digits)) and not re.search(r"[,.\s]", number.strip())


def _durations(text: str, words: tuple[Word, ...], lex) -> tuple[Span, ...]:
    """A number or number word (or "a") with a unit of time: "for eight years", "a ten-year term", "сроком на 10 лет"."""
    units, number_words = lex.words("time_units"), lex.words("number_words")
    out = []
    for i, w in enumerate(words):
        parts = w.text.lower().split("-")
        if (
            len(parts) == 2
            and (parts[0].isdigit() or parts[0] in number_words)
            and (parts[1] in units or parts[1].rstrip("s") in units)
        ):
            out.append(Span(w.start, w.end))  # "ten-year", "10-year"
            continue
        if not w.lemmas & units or i == 0:
            continue
        prev = words[i - 1]
        if _is_year(prev.text):
            continue  # "1931 года", "1993 жылғы": a year, not a duration
        if prev.text.isdigit() or prev.lemmas & number_words or prev.text.lower() in ("a", "an", "several", "few"):
            out.append(Span(prev.start, w.end))
    return tuple(out)


# --- reason, manner, negation ---------------------------------------------------------------------------------


def _any_phrase(lowered: str, phrases) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lowered) for p in phrases)


def _purpose_infinitive(words: tuple[Word, ...], language: str) -> bool:
    """English "to" + a base-form verb after a verb or noun: the to-infinitive of purpose ("created to provide")."""
    if language != "en":
        return False
    for before, a, b in zip(words, words[1:], words[2:], strict=False):
        if a.text.lower() == "to" and b.tags == frozenset({"VERB"}) and b.text.lower() in b.lemmas:
            if "NOUN" in before.tags and "VERB" not in before.tags:  # "an effort to restore", not "continued to"
                return True
    return False


def _manner_form(words: tuple[Word, ...], language: str) -> bool:
    """English "by" + a gerund ("by releasing them"), or an adverb of manner in -ly ("summarily")."""
    if language != "en":
        return False
    for a, b in zip(words, words[1:], strict=False):
        if a.text.lower() == "by" and b.text.lower().endswith("ing"):
            return True
    return any(w.text.lower().endswith("ly") and len(w.text) >= 8 and w.tags == frozenset({"ADV"}) for w in words)


@cache
def _negation(language: str) -> re.Pattern:
    return lexicon(language).compiled("sentence_negation")
