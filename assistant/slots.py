"""What a question asks for (its slot), read from its main clause, and whether a source sentence holds it.

Question side (`asked`), rules and small word lists per language:
  * the type comes from the question word that opens the main clause, i.e. the EARLIEST one in the
    question: "What happened to people who had been repressed?" is a what-question, not a who-question;
  * the slot: a person (who), a date or period (when; "what date/year" wants a date, not a period),
    a number of something (how many: the counted noun is kept), a duration (how long/soon), a place
    (where), a reason (why), a manner (how);
  * negation ("not", "n't", "never"; "не", "ни"; Kazakh -ма/-ме/-ба/-бе/-па/-пе verb forms, "емес"),
    counted so that a double negative cancels;
  * "who was X?" asks for a description, not a person: no slot check.

Sentence side (`holds`): the slot's filler in the (English original) sentence: a date, a quantity
of the counted thing (a year is not a quantity), a duration, a place, a person or body near the
asked-for event (not the question's own subject). Whether the sentence is about the question's
subject and event is measured by `coverage` over the question's event terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLOTS = {"who": "person", "when": "date", "where": "place", "how_many": "number", "why": "reason", "how": "manner"}

_EN = [
    ("how_many", r"\bhow (?:many|much)\b|\bnumber of\b|\bhow large\b|\bwhat (?:number|figure|total)\b"),
    ("duration", r"\bhow (?:long|soon)\b"),
    ("when", r"\bwhen\b|\b(?:what|which) (?:year|date|month|day|time|period|era|decade|century)\b"),
    (
        "where",
        r"\bwhere\b|\b(?:which|what) (?:\w+ )?(?:place|city|cities|country|countries|region|republic|town|camp|prison|states?|territor(?:y|ies))\b",
    ),
    (
        "who",
        r"\bwho(?:m|se)?\b|\bwhich (?:\w+ )?(?:person|people|persons|leaders?|man|woman|poet|groups?|nationalit(?:y|ies)|peoples?|inmates?|prisoners?|body|bodies|official)\b"
        r"|\bwhat (?:groups?|nationalit(?:y|ies)|peoples?|body)\b",
    ),
    (
        "why",
        r"\bwhy\b|\bwhat (?:was|is|were|are) the (?:reasons?|purpose|point|cause)\b|\bfor what reason\b|\bhow come\b"
        r"|\bwhat (?:drove|caused|led to|motivated|prompted)\b",
    ),
    ("how", r"\bhow\b(?! (?:many|much|long|soon|large|old|come|far)\b)"),
    (
        "what",
        r"\bwhat\b|\bwhich\b",
    ),  # last: "what year" is a when-question, but "What phrases ... when ..." a what-question
]
_RU = [
    ("how_many", r"\bсколько\b|\bкакое (?:число|количество)\b|\bчисло\b"),
    ("duration", r"\bкак (?:долго|скоро)\b|\bчерез сколько\b"),
    (
        "when",
        r"\bкогда\b|\bв каком году\b|\bкакого числа\b|\bв какой (?:год|период|день)\b|\bв каком месяце\b|\bв какое время\b",
    ),
    (
        "where",
        r"\bгде\b|\bкуда\b|\bоткуда\b|\bв как(?:ой|ом|их) (?:стран|республик|город|лагер|мест|регион|тюрьм|област)",
    ),
    (
        "who",
        r"\bкто\b|\bкого\b|\bкому\b|\bкем\b|\bчей\b|\bчья\b|\bчьи\b|\bчьё\b|\bчье\b|\bкакие (?:народы|группы)\b|\bкакой (?:поэт|орган)\b",
    ),
    ("why", r"\bпочему\b|\bзачем\b|\bпо какой причине\b|\bс какой целью\b|\bза что\b"),
    ("how", r"\bкак\b(?! (?:долго|скоро)\b)|\bкаким образом\b"),
    ("what", r"(?<!\w)(?:что|какой|какая|какое|какие|каком|какую|чем|о чём)(?!\w)"),
]
_KK = [
    ("how_many", r"\bқанша\b|\bнеше\b|\bканша\b"),
    ("duration", r"\bқанша уақыт|\bқаншалықты тез\b"),
    ("when", r"\bқашан\b|\bкашан\b|\bқай жыл|\bкай жыл|\bқай кезде\b|\bқай кезең|\bқай дәуір|\bқай күні\b"),
    (
        "where",
        r"\bқайда\b|\bкайда\b|\bқай жерде\b|\bқай елде\b|\bқайдан\b|\bқай жерлер|\bқай қала|\bқай лагер|\bқай түрме",
    ),
    ("who", r"\bкім\w*|\bким\w*|\bқандай халықтар\b|\bқай халықтар"),
    ("why", r"\bнеге\b|\bнеліктен\b|\bне үшін\b|\bне себепті\b"),
    ("how", r"\bқалай\b|\bкалай\b|\bқандай жолмен\b"),
    ("what", r"(?<!\w)(?:не|нені|неден|қандай|кандай)(?!\w)"),
]
_TYPES = {lang: [(k, re.compile(p, re.I)) for k, p in table] for lang, table in (("en", _EN), ("ru", _RU), ("kk", _KK))}

_NEGATION = {
    # grammatical negation, and the words that ask for who or what was left out ("excluded from", "тыс қалды")
    "en": re.compile(
        r"\bnot\b|\w+n[’']t\b|\bnever\b|\bno longer\b|\bneither\b|\bnor\b|\bexcluded\b|\bleft out\b", re.I
    ),
    "ru": re.compile(r"(?<!\w)(?:не|ни|нет|никогда|исключ\w*)(?!\w)", re.I),
    "kk": re.compile(
        r"\w{2,}(?:ма|ме|ба|бе|па|пе)(?:ды|ді|ған|ген|қан|кен|йды|йді|йтын|йтін|с)(?!\w)|(?<!\w)(?:емес|жоқ|тыс қал\w*)(?!\w)",
        re.I,
    ),
}
_IDENTITY = {
    "en": re.compile(r"^\W*(?:and\s+|so\s+)?who\s+(?:is|was|were|are)\s+(?:\w+\s*){1,3}\W*$(?<!ed\W)(?<!ed)", re.I),
    "ru": re.compile(r"^\W*(?i:кто)\s+(?:(?i:так(?:ой|ая|ие))\s+[\w\s-]+|(?i:был(?:а|и)?)\s+[А-ЯЁ][\w\s-]*)\W*$"),
    "kk": re.compile(r"^\W*[\w\s-]+\s+(?:кім|кім болған|деген кім)\W*$", re.I),
}
_LEAD_IN = re.compile(
    r"^(?:(?:and|so|but|ok(?:ay)?|now|then|also|please|hi|hello|hey|well|tell me|do you know|can you tell me|could you tell me"
    r"|i (?:want|would like|'d like) to know|i wonder|explain|in|on|at|from|during|to|by|for|of|since|until|after|before|under)\b[\s,]*)*$",
    re.I,
)


def _opens_clause(before: str) -> bool:
    """Whether a question word after this text opens the main clause (not a relative clause after a noun)."""
    before = before.strip()
    return not before or before[-1] in ',;:?!.—–-("“«' or bool(_LEAD_IN.match(before))


# A when-question about the future ("when will ... end?") is not answered by a period the past happened in.
_FUTURE = {
    "en": re.compile(r"\b(?:will|shall)\b|\bgoing to\b|['’]ll\b", re.I),
    "ru": re.compile(r"(?<!\w)(?:будет|будут|будем|буду|будешь|будете)(?!\w)", re.I),
    "kk": re.compile(r"\w{2,}[ае]йд[ыі](?!\w)|\w{2,}(?:мақ|мек|бақ|бек|пақ|пек)(?!\w)", re.I),  # аяқтайды, болмақ
}

# "Who was the first person rehabilitated?", "Кто был первым ...?", "Ең алғаш ... кім болды?"
_ORDINAL_QUESTION = {
    "en": re.compile(r"\b(?:first|earliest|last)\b", re.I),
    "ru": re.compile(r"(?<!\w)(?:перв|последн)\w*", re.I),
    "kk": re.compile(r"(?<!\w)(?:алғаш|бірінші|соңғы)\w*", re.I),
}

_EN_COUNTED = re.compile(r"\bhow many\s+((?:[a-z’'-]+\s*){1,3})", re.I)
_NOT_NOUNS = frozenset("did do does were was are is had have has can could will would of the".split())


@dataclass(frozen=True)
class Asked:
    """What a question asks for."""

    kind: str  # who / when / where / how_many / why / how / what
    slot: str  # person / date / place / number / duration / reason / manner, or "" (nothing to check)
    negated: bool = False
    exact_date: bool = False  # "what date/year": a period ("during the Thaw") does not answer it
    counted: str = ""  # the noun a how-many question counts, lower-cased ("prisoners")
    ordinal: bool = False  # "who was the first ...?": the person asked for is the first (or last) one


def asked(question: str, language: str = "en") -> Asked:
    """The type, slot and negation of a question (its markup already removed)."""
    table = _TYPES.get(language, _TYPES["en"])
    first = None
    for kind, pattern in table:
        for m in pattern.finditer(question):
            if language == "en" and not _opens_clause(question[: m.start()]):
                continue  # "the phrases with which ...", "people who ...": a relative clause, not the question
            if first is None or m.start() < first[1]:
                first = (kind, m.start())
            break
    kind = first[0] if first else "what"
    negations = len(_NEGATION.get(language, _NEGATION["en"]).findall(question))
    negated = negations % 2 == 1
    if kind == "duration":
        return Asked("how_many", "duration", negated)
    slot = SLOTS.get(kind, "")
    if kind == "who" and _IDENTITY.get(language, _IDENTITY["en"]).match(question):
        slot = ""  # "who was Olga Shatunovskaya?" wants a description
    exact = kind == "when" and bool(
        re.search(
            r"\b(?:what|which|on what) (?:year|date|day|month)\b|\bкакого числа\b|\bв каком году\b|\bқай жыл|\bқай күні\b",
            question,
            re.I,
        )
        or _FUTURE.get(language, _FUTURE["en"]).search(question)
    )
    counted = ""
    if kind == "how_many" and language == "en":
        m = _EN_COUNTED.search(question)
        if m:
            nouns = []
            for word in m.group(1).lower().split():
                if word in _NOT_NOUNS or (word.endswith("ed") and nouns):
                    break
                nouns.append(word)
            counted = nouns[-1] if nouns else ""
    ordinal = slot == "person" and bool(_ORDINAL_QUESTION.get(language, _ORDINAL_QUESTION["en"]).search(question))
    return Asked(kind, slot, negated, exact, counted, ordinal)


# --- the sentence side: is the slot filled? ---------------------------------------------

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


_VERB_ENDINGS = {
    "ru": re.compile(
        r"(?:л|ла|ло|ли|лся|лась|лось|лись|ть|ться|ет|ит|ют|ят|ется|ится|ен|ена|ено|ены|ан|ана|ано|аны|ован|ована)$"
    ),
    "kk": re.compile(r"(?:ды|ді|ты|ті|ған|ген|қан|кен|йды|йді|ады|еді|иды|иді|ылды|ілді|атын|етін)$"),
}
_RU_IRREGULAR = frozenset("умер умерла умерли погиб погибла погибли убит убита убиты родился родилась".split())


def verb_like(word: str, language: str) -> bool:
    """Whether a Russian or Kazakh word looks like a verb form (the predicate a question asks about)."""
    word = word.lower()
    if language == "ru" and word in _RU_IRREGULAR:
        return True
    pattern = _VERB_ENDINGS.get(language)
    return bool(pattern and len(word) >= 4 and pattern.search(word))


_AUX = frozenset("is was were are did does do has have had can could will would should be been get got".split())
_WH = re.compile(r"\b(?:who|whom|whose|what|when|where|which|why|how)\b", re.I)


def main_verb(question: str) -> str:
    """The verb of an English question's main clause, lower-cased, or "" when the rules cannot tell.

    "Who murdered Leon Trotsky?" -> "murdered"; "Who was the first person rehabilitated?" and
    "When was Trotsky rehabilitated?" -> "rehabilitated" (a participle after the auxiliary).
    """
    m = _WH.search(question)
    if not m:
        return ""
    rest = re.findall(r"[A-Za-z’'-]+", question[m.end() :])
    if m.group().lower() in ("who", "whom") and rest and rest[0].lower() not in _AUX and rest[0][0].islower():
        return rest[0].lower()  # "who murdered", "who advised"
    if m.group().lower() == "whose" and len(rest) > 1 and rest[1].lower() not in _AUX:
        return rest[1].lower()  # "whose death marked" -> the verb after the noun
    if not any(w.lower() in _AUX for w in rest[:6]):
        return ""
    participles = [w.lower() for w in rest if (w.lower().endswith("ed") and len(w) > 4) or w.lower() in _IRREGULAR]
    return participles[-1] if participles else ""


_DO = frozenset("do does did".split())
_SUBJECT_WORDS = frozenset("he she it they we you i".split())


def do_verb(question: str) -> str:
    """The verb after a do-auxiliary and a named or pronoun subject, lower-cased, or "" when the rules cannot tell.

    "Which Armenian leaders did Mikoyan help with ...?" -> "help"; "Whom did Mikoyan quietly help?" -> "help".
    """
    words = re.findall(r"[A-Za-z’'-]+", question)
    for i, w in enumerate(words[:8]):
        if w.lower() not in _DO:
            continue
        j = i + 1
        while j < len(words) and (words[j][0].isupper() or words[j].lower() in _SUBJECT_WORDS):
            j += 1
        while j < len(words) and words[j].lower().endswith("ly"):
            j += 1  # "quietly"
        if j == i + 1 or j >= len(words) or words[j][0].isupper() or words[j].lower() in _AUX:
            return ""
        return words[j].lower()
    return ""


_IRREGULAR = frozenset(
    "held born made given taken sent kept built found led known shot killed buried written won lost begun "
    "paid brought bought thrown spent hung hanged freed".split()
)


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
