"""What a question asks for (its slot), read from its main clause; and the verb it asks about.

Rules and small word lists per language:
  * the type comes from the question word that opens the main clause, i.e. the EARLIEST one in the
    question: "What happened to people who had been repressed?" is a what-question, not a who-question;
  * the slot: a person (who), a date or period (when; "what date/year" wants a date, not a period),
    a number of something (how many: the counted noun is kept), a duration (how long/soon), a place
    (where), a reason (why), a manner (how);
  * negation ("not", "n't", "never"; "не", "ни"; Kazakh -ма/-ме/-ба/-бе/-па/-пе verb forms, "емес"),
    counted so that a double negative cancels;
  * "who was X?" asks for a description, not a person: no slot check;
  * the main verb of an English question (`main_verb`, `do_verb`) and whether a Russian or Kazakh word
    looks like a verb form (`verb_like`).

Whether a source sentence holds the slot is `answer.fillers.holds`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lang import lexicon

SLOTS = {"who": "person", "when": "date", "where": "place", "how_many": "number", "why": "reason", "how": "manner"}


@cache
def _kinds(language: str) -> tuple[tuple[str, re.Pattern], ...]:
    """The question kinds in the order they are checked, each with the pattern of the words that ask it."""
    return tuple((kind, re.compile(p, re.I)) for kind, p in lexicon(language).table("question_kind").items())


def _opens_clause(before: str) -> bool:
    """Whether a question word after this text opens the main clause (not a relative clause after a noun)."""
    before = before.strip()
    return not before or before[-1] in ',;:?!.—–-("“«' or bool(lexicon("en").compiled("lead_in").match(before))


def _ordinal_person_asked(question: str, words) -> bool:
    """ "Who was the first person rehabilitated?", "Кто был первым ...?": an ordinal that picks out the person asked
    for, not one that describes a thing ("Who wrote the first history ...?")."""
    from .lang.words import read_words

    m = words.compiled("ordinal").search(question)
    if not m or (words.language == "en" and adverbial_ordinal(question)):
        return False  # "Who first chose the date?": when it was done, not which one did it
    after = [w for w in read_words(question[m.end() :], words.language) if "stop" not in w.tags][:2]
    people = words.words("person_nouns")
    if any(w.lemmas & people or "person" in w.tags for w in after):
        return True
    return not (after and "NOUN" in after[0].tags and "VERB" not in after[0].tags)


def _counted_after(question: str, words) -> str:
    """The noun a Russian or Kazakh how-many question counts: the first word after its question word that is not
    a function word ("Сколько заключённых ...", "қанша адам ...")."""
    m = dict(_kinds(words.language))["how_many"].search(question)
    if not m:
        return ""
    stop = words.words("stopwords")
    after = [w for w in re.findall(r"[^\W\d_]+", question[m.end() :].lower()) if w not in stop]
    return after[0] if after else ""


@dataclass(frozen=True)
class Asked:
    """What a question asks for."""

    kind: str  # who / when / where / how_many / why / how / what
    slot: str  # person / date / place / number / duration / reason / manner, or "" (nothing to check)
    negated: bool = False
    exact_date: bool = False  # "what date/year": a period ("during the Thaw") does not answer it
    counted: str = ""  # the noun a how-many question counts, lower-cased ("prisoners")
    ordinal: bool = False  # "who was the first ...?": the person asked for is the first (or last) one
    year: bool = False  # "in what year": a day and month with no year does not answer it
    source: bool = False  # "where did the money come from?": a source (a body, a person) answers it as a place does


def asked(question: str, language: str = "en") -> Asked:
    """The type, slot and negation of a question (its markup already removed)."""
    words = lexicon(language)
    first = None
    for kind, pattern in _kinds(words.language):
        for m in pattern.finditer(question):
            if language == "en" and not _opens_clause(question[: m.start()]):
                continue  # "the phrases with which ...", "people who ...": a relative clause, not the question
            if first is None or m.start() < first[1] or (m.start() == first[1] and m.end() > first[2]):
                first = (kind, m.start(), m.end())  # the earliest, and at one place the longest ("қанша уақыт")
            break
    kind = first[0] if first else "what"
    negations = len(words.compiled("negation").findall(question))
    negated = negations % 2 == 1
    if kind == "duration":
        return Asked("how_many", "duration", negated)
    slot = SLOTS.get(kind, "")
    if kind == "who" and words.compiled("identity").match(question):
        slot = ""  # "who was Olga Shatunovskaya?" wants a description
    exact = kind == "when" and bool(
        words.compiled("exact_date").search(question) or words.compiled("future").search(question)
    )
    counted = ""
    if kind == "how_many" and words.language != "en":
        counted = _counted_after(question, words)
    if kind == "how_many" and language == "en":
        m = words.compiled("counted").search(question)
        if m:
            nouns = []
            for word in m.group(1).lower().split():
                if word in words.words("not_nouns") or (word.endswith("ed") and nouns):
                    break
                nouns.append(word)
            counted = nouns[-1] if nouns else ""
    ordinal = slot == "person" and _ordinal_person_asked(question, words)
    year = kind == "when" and bool(words.compiled("year_asked").search(question))
    source = slot == "place" and language == "en" and bool(words.compiled("source_question").search(question))
    return Asked(kind, slot, negated, exact, counted, ordinal, year, source)


def verb_like(word: str, language: str) -> bool:
    """Whether a Russian or Kazakh word looks like a verb form (the predicate a question asks about)."""
    word = word.lower()
    if language not in ("ru", "kk"):
        return False
    words = lexicon(language)
    if language == "ru" and word in words.words("irregular_verbs"):
        return True
    return len(word) >= 4 and bool(words.compiled("verb_endings").search(word))


def main_verb(question: str) -> str:
    """The verb of an English question's main clause, lower-cased, or "" when the rules cannot tell.

    "Who murdered Leon Trotsky?" -> "murdered"; "Who was the first person rehabilitated?" and
    "When was Trotsky rehabilitated?" -> "rehabilitated" (a participle after the auxiliary).
    """
    en = lexicon("en")
    aux, irregular = en.words("auxiliaries"), en.words("irregular_participles")
    m = en.compiled("question_words").search(question)
    if not m:
        return ""
    rest = [w for w in re.findall(r"[A-Za-z’'-]+", question[m.end() :]) if not _adverb(w)]
    if m.group().lower() in ("who", "whom") and adverbial_ordinal(question):
        rest = rest[1:]  # "who first chose": the verb follows the adverb
    if m.group().lower() in ("who", "whom") and rest and rest[0].lower() not in aux and rest[0][0].islower():
        return rest[0].lower()  # "who murdered", "who advised"
    if m.group().lower() == "whose" and len(rest) > 1 and rest[1].lower() not in aux:
        return rest[1].lower()  # "whose death marked" -> the verb after the noun
    if not any(w.lower() in aux for w in rest[:6]):
        return ""
    participles = [w.lower() for w in rest if (w.lower().endswith("ed") and len(w) > 4) or w.lower() in irregular]
    return participles[-1] if participles else ""


def role_asked(text: str, language: str) -> str:
    """The term of the role a who-question asks about ("кто был начальником", "бастығы кім болды", "who was the
    head of"), or ""."""
    from .lang.words import read_words
    from .text import terms_of

    m = lexicon(language).compiled("role_asked").search(text)
    if not m:
        return ""
    ordinal, numbers = lexicon(language).compiled("ordinal"), lexicon(language).words("number_words")
    for word in m.group(1).split():
        if word.lower() in numbers:
            return ""  # "who was one of the victims?" asks for a person, not a role
        if language == "kk":
            is_role = True  # the possessed noun before "кім болды"
        elif language == "en":
            is_role = not ordinal.fullmatch(word)  # "the first director": the noun after the ordinal
        else:  # Russian: the first noun in the instrumental ("первым начальником")
            read = read_words(word, language)
            is_role = bool(read) and {"NOUN", "ablt"} <= read[0].tags
        if is_role:
            found = terms_of([word.lower()], language)
            return found[0] if found else ""
    return ""


def adverbial_ordinal(question: str) -> str:
    """ "first" in "Who first chose the date?", "last" in "who last saw him": an English ordinal right after "who" and
    before a lower-case verb says when the deed was done (as "originally" would), not which one did it; the
    ordinal, or ""."""
    m = re.search(r"\bwho\s+([a-z]+)\s+([a-z][\w’'-]*)", question, re.I)
    if not m or not lexicon("en").compiled("ordinal").fullmatch(m.group(1)):
        return ""
    return m.group(1).lower() if m.group(2).lower() not in lexicon("en").words("auxiliaries") else ""


def _adverb(word: str) -> bool:
    """An English adverb in -ly ("publicly", "quietly") is not the verb it stands before."""
    return len(word) > 4 and word.lower().endswith("ly")


def do_verb(question: str) -> str:
    """The verb after a do-auxiliary and a named or pronoun subject, lower-cased, or "" when the rules cannot tell.

    "Which Armenian leaders did Mikoyan help with ...?" -> "help"; "Whom did Mikoyan quietly help?" -> "help".
    """
    en = lexicon("en")
    do, subjects, aux = en.words("do_auxiliaries"), en.words("subject_pronouns"), en.words("auxiliaries")
    words = re.findall(r"[A-Za-z’'-]+", question)
    for i, w in enumerate(words[:8]):
        if w.lower() not in do:
            continue
        j = i + 1
        while j < len(words) and (words[j][0].isupper() or words[j].lower() in subjects):
            j += 1
        while j < len(words) and words[j].lower().endswith("ly"):
            j += 1  # "quietly"
        if j == i + 1 or j >= len(words) or words[j][0].isupper() or words[j].lower() in aux:
            return ""
        return _reported_verb(words, j) or words[j].lower()
    return ""


def reporting_verb(question: str) -> str:
    """ "claim" in "Where did Kuznetsov claim to have met Polivanov?": a verb of saying or seeming before "to" and
    another verb, which is the event asked about (`do_verb` gives that one); the reporting verb, or ""."""
    words = re.findall(r"[A-Za-z’'-]+", question)
    reporting = lexicon("en").words("reporting_verbs")
    for j, w in enumerate(words):
        if w.lower() in reporting and _reported_verb(words, j):
            return w.lower()
    return ""


def _reported_verb(words: list[str], j: int) -> str:
    """The verb after a reporting verb at `j` and "to" (past "have", "be", "been"), or ""."""
    en = lexicon("en")
    if words[j].lower() not in en.words("reporting_verbs") or j + 2 >= len(words) or words[j + 1].lower() != "to":
        return ""
    k = j + 2
    while k < len(words) - 1 and words[k].lower() in ("have", "be", "been"):
        k += 1
    verb = words[k].lower()
    return "" if verb in en.words("auxiliaries") or words[k][0].isupper() else verb
