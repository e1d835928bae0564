"""Who and where a sentence names: runs of capitalised words sorted into people or bodies and places, and the
nouns for either (`people_and_places`, read by `facts.read_facts`); and what the whole corpus says about its
names, read once at ingest: words it writes only capitalised (`corpus_names`) and names it writes after a
preposition of place (`corpus_places`). Rules of each language from `lang/data/<language>.toml`, never a record
of a particular text.
"""

from __future__ import annotations

import re

from . import lexicon
from .spans import Span
from .words import Word, read_words

_INNER_CAPITAL = re.compile(r"(?<=[\w,;:(–—-]\s)[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w’'-]+")


def corpus_names(documents) -> frozenset[str]:
    """Lower-case words the documents write capitalised inside a sentence and never in lower case: names of people,
    places and bodies, so one opening a sentence is still read as a name."""
    capitalised, lower = set(), set()
    for doc in documents:
        capitalised.update(m.group().lower() for m in _INNER_CAPITAL.finditer(doc.text))
        lower.update(w for w in re.findall(r"[^\W\d_]+", doc.text) if w.islower())
    return frozenset(capitalised - lower)


# --- people, bodies and places -------------------------------------------------------------------------------


def people_and_places(text, words, lex, names, known_places, taken) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Names (runs of capitalised words) sorted into places and people or bodies, and the nouns for either."""
    people_nouns = lex.words("person_nouns") | lex.words("body_nouns")
    place_nouns = lex.words("place_nouns")
    persons, places = [], []
    for first, last in _names(text, words, lex, names):
        a, b = words[first].start, words[last].end
        if any(a < e and s < b for s, e in taken) or all(
            w.lemmas & lex.words("months") for w in words[first : last + 1]
        ):
            continue
        head = words[last]
        if _acronym_body(text, words, last, people_nouns):
            persons.append(Span(a, words[last + 1].end))  # "NKVD forces", "KGB agents": a body, wherever it acts
            continue
        place = (
            head.lemmas & place_nouns
            or any("place" in w.tags for w in words[first : last + 1])
            or any(w.text.lower() in known_places for w in words[first : last + 1])
            and not head.lemmas & people_nouns
            or _after_locative(words, first, lex)
            or (lex.language == "kk" and _kazakh_locative(head.text.lower(), lex))
            or (lex.language == "kk" and _kazakh_place_after(text, words, last, place_nouns))
        )
        (places if place else persons).append(Span(a, b))
    for i, w in enumerate(words):
        if lex.language == "en" and w.text.lower() == "at" and i + 1 < len(words):
            nxt = next((x for x in words[i + 1 : i + 4] if "stop" not in x.tags), None)  # "at the closed session"
            not_place = lex.words("at_time") | lex.words("months")
            if nxt is not None and not nxt.text[0].isdigit() and not nxt.lemmas & not_place:
                places.append(Span(nxt.start, nxt.end))
            continue
        if w.capitalised and w.start > 0 or "stop" in w.tags:
            continue
        if w.lemmas & people_nouns or (lex.language == "ru" and "person" in w.tags and "NOUN" in w.tags):
            persons.append(Span(w.start, w.end))
        if w.lemmas & place_nouns:  # "states": a place, and a body that acts
            places.append(Span(w.start, w.end))
    lowered = text.lower()
    for phrase in lex.ordered("person_phrases"):  # "those who", "те, кто": people named by what they did
        persons += [Span(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered)]
    return tuple(sorted(persons, key=lambda x: x.start)), tuple(sorted(places, key=lambda x: x.start))


def _names(text: str, words: tuple[Word, ...], lex, names: frozenset[str]) -> list[tuple[int, int]]:
    """Runs of capitalised words (joined by spaces, or by "of"/"of the" inside a name: "Supreme Soviet of Russia")
    that are names: not a function word or a sentence's ordinary first word, not an adjective before a noun."""
    out, i = [], 0
    while i < len(words):
        if not _name_start(words, i, lex, names):
            i += 1
            continue
        j = i
        while True:
            k = j + 1
            while k < len(words) and words[k].text.lower() in ("of", "the") and k - j <= 2:
                k += 1
            if k < len(words) and _joined(text, words, j, k) and (words[k].capitalised or words[k].text.isupper()):
                j = k
            else:
                break
        out.append((i, j))
        i = j + 1
    return out


def _joined(text: str, words, j: int, k: int) -> bool:
    """Whether words j..k stand in one run, with only spaces (and "of", "the") between them."""
    return not re.search(r"[^\s\w]", text[words[j].end : words[k].start])


def _name_start(words: tuple[Word, ...], i: int, lex, names: frozenset[str]) -> bool:
    """Whether a capitalised word opens a name: inside a sentence, or first but known as a name (or followed by one).

    A capitalised word standing before a lower-case noun is an adjective of nationality or place ("Soviet
    government"), not a name; in Russian the dictionary's own name tags decide where it has them."""
    w = words[i]
    if not (w.capitalised or (w.text.isupper() and len(w.text) >= 2)) or "stop" in w.tags:
        return False
    if lex.language == "ru" and w.tags & {"name", "surname", "patronymic", "org", "place"}:
        return True
    nxt = words[i + 1] if i + 1 < len(words) else None
    acronym = w.text.isupper() and len(w.text) >= 2  # "NKVD forces": an acronym names a body, it is no adjective
    if nxt is not None and not nxt.capitalised and _noun_only(nxt) and lex.language == "en" and not acronym:
        return False
    if w.start == 0:
        return w.text.lower() in names or (nxt is not None and nxt.capitalised and nxt.start - w.end <= 1)
    return True


def _acronym_body(text: str, words: tuple[Word, ...], last: int, people_nouns: frozenset[str]) -> bool:
    """Whether a name ending in an acronym stands right before a lower-case noun for people or a body ("NKVD
    forces", "OGPU troops"): the phrase names that body, even where the acronym alone is written as a place."""
    w = words[last]
    nxt = words[last + 1] if last + 1 < len(words) else None
    return (
        w.text.isupper()
        and len(w.text) >= 2
        and nxt is not None
        and not nxt.capitalised
        and bool(nxt.lemmas & people_nouns)
        and _joined(text, words, last, last + 1)
    )


def _noun_only(w: Word) -> bool:
    return "NOUN" in w.tags and not w.tags & {"VERB", "AUX"}


def _after_locative(words: tuple[Word, ...], i: int, lex) -> bool:
    """Whether a word follows a preposition of place, perhaps past a determiner or an adjective ("in his native Armenia")."""
    prepositions = lex.words("locative_prepositions") if lex.language != "kk" else frozenset()
    for j in range(i - 1, max(-1, i - 4), -1):
        if words[j].text.lower() in prepositions:
            return True
        if not ("stop" in words[j].tags or "ADJ" in words[j].tags):
            return False
    return False


def _kazakh_place_after(text: str, words, last: int, place_nouns: frozenset[str]) -> bool:
    """A Kazakh name right before a noun for a kind of place names that place: "Долинка кенті" (the settlement),
    "Қарағанды қаласынан" (from the city), "Ақмола облысы". The noun is read by its start: Kazakh endings pile on."""
    if last + 1 >= len(words) or text[words[last].end : words[last + 1].start].strip():
        return False
    after = words[last + 1].text.lower()
    return any(len(p) >= 3 and after.startswith(p) and len(after) - len(p) <= 6 for p in place_nouns)


def _kazakh_locative(lower: str, lex) -> bool:
    return any(lower.endswith(e) and len(lower) - len(e) >= 3 for e in lex.ordered("locative_endings"))


def corpus_places(documents) -> frozenset[str]:
    """Lower-case names the documents write right after a preposition of place ("in Russia", "в Караганде"): a
    name the corpus uses as a place is a place where it stands without one ("rehabilitated ... by Russia")."""
    found = set()
    for doc in documents:
        language = str(doc.meta.get("language") or "en")
        if language not in ("en", "ru"):
            continue
        words = read_words(doc.text, language)
        lex = lexicon(language)
        for i, w in enumerate(words):
            if w.capitalised and w.start > 0 and _after_locative(words, i, lex):
                found.add(w.text.lower())
    return frozenset(found)
