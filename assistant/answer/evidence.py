"""What a question is about, and how far a source sentence is about it.

A question's subject is the names it mentions; its event is its other content words, less words that name
no event of their own ("happen", "year") and the slot words themselves (`event_terms`). A sentence is about
the question when it holds the subject and enough of the event's IDF mass (`coverage`). A question word is
held by a sentence that writes it in any form: the same stem or a longer form of it (`term_in`), one of its
dictionary forms (`Events.forms`: "went" -> go, "закрыли" -> закрыть), or a word the corpus uses that e5
places close to it (`Events.forms` again, filled by `vocabulary.related`). A "he" in a sentence may lean on the
sentence before it (`context_terms`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..lang import lexicon
from ..lang.scripts import plain_kazakh
from ..lang.thesaurus import verb_relatives
from ..lang.words import read_words
from ..language import is_cyrillic
from ..question import Question
from ..slots import adverbial_ordinal, do_verb, main_verb, reporting_verb, role_asked, verb_like
from ..text import shared_start, terms, terms_of
from ..vocabulary import common_word
from .fillers import CHECKED_SLOTS

CONTEXT_DISCOUNT = 0.8  # an event term found only in the sentence before counts this much
NUMBER_WEIGHT = 1.0  # a figure the question names ("in 1986") weighs as much as its weightiest event word


@dataclass(frozen=True)
class Events:
    """What a question is about: the names it mentions (its subject) and its other content terms (its event)."""

    names: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    verb: str = ""  # the main verb's term when the rules can tell it ("murder" in "Who murdered Trotsky?")
    followup: bool = False  # the question leans on an earlier turn
    soft_verb: str = ""  # a Russian or Kazakh verb the corpus never uses: it must be there unless the rest clearly is
    numbers: tuple[str, ...] = ()  # figures the question names ("in 1986"): they weigh in what the answer is about
    forms: dict = field(default_factory=dict, compare=False)  # term -> other forms that hold it (lemmas, related words)
    person: dict = field(default_factory=dict, compare=False)  # name term -> the name it spells, across scripts
    verb_forms: dict = field(
        default_factory=dict, compare=False
    )  # as `forms`, with relatives at the stricter threshold
    across: Events | None = field(default=None, compare=False)  # the same, read against a sentence in another
    # language than the question's with no translation into it: forms and verb forms also hold the words e5 places
    # close across alphabets (`lang.related.WordVectors.across`)

    def __bool__(self) -> bool:
        return bool(self.names or self.actions or self.verb)

    def held(self, term: str, keys: frozenset[str]) -> bool:
        """Whether a sentence whose words have these keys holds a question term in some form."""
        return term_in(term, keys) or bool(self.forms.get(term, frozenset()) & keys)

    def verb_held(self, term: str, keys: frozenset[str]) -> bool:
        """As `held`, for the verb a question asks about: only its closest relatives count (a who-did-X question is
        answered by a sentence that says X, or a word e5 places very close to it), and a shorter word that only
        begins like it is none of its forms ("басқа" 'other' is not "басқарды" 'led')."""
        if bool(self.verb_forms.get(term, frozenset()) & keys) or term in keys:
            return True
        return term_in(term, frozenset(k for k in keys if len(k) >= len(term) or not is_cyrillic(k)))


NO_EVENTS = Events()


def event_terms(
    q: Question,
    own_terms,
    language: str,
    is_name: Callable[[str], bool] = lambda t: False,
    known: Callable[[str], bool] = lambda t: True,
    verb: str = "",
    verbs_like: frozenset[str] = frozenset(),
    forms: dict | None = None,
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
        and (len(t) > 2 or is_name(t))  # a short stem says little, unless it is a name ("лю", "цо" of Цой)
        and not any(ch.isdigit() for ch in t)
    ]
    names = tuple(t for t in kept if is_name(t))
    actions = [t for t in kept if not is_name(t)]
    verb = verb if verb and verb not in light else ""
    if verb and not known(verb) and len([t for t in actions if known(t) and t != verb]) >= 3:
        verb = ""  # "Whose death marked the beginning of ...": an unknown verb among three known event words is wording
    actions = [t for t in actions if t != verb]
    known_actions = [t for t in actions if known(t)]
    if language in ("ru", "kk"):
        # A Russian or Kazakh word the corpus does not use says little, unless it is the verb asked about
        # ("Когда умер Микоян?", "Кто возглавлял ...?"): a verb no sentence uses is the event no sentence states.
        unknown_verbs = [t for t in actions if t in verbs_like and not known(t)]
        unknown = [t for t in actions if not known(t) and t not in verbs_like]
        actions = [t for t in actions if known(t)]
        if not actions and not names and not numbers and not unknown_verbs:
            # ... but when nothing else is left to check, the question is about what no source names ("Қай жерде
            # дәріхана бар?" 'where is a pharmacy?'), and no sentence answers it, as in English
            actions = unknown
        if unknown_verbs and q.asked.slot in CHECKED_SLOTS:
            soft_verb = unknown_verbs[0]
        compound = _compound_verb(q.plain, language)  # "қайтыс болды": the noun of a compound verb is its event
        if not verb and compound and compound in actions and q.asked.slot in CHECKED_SLOTS:
            verb, actions = compound, [t for t in actions if t != compound]
        known_verbs = [t for t in actions if t in verbs_like]
        doer = q.asked.slot == "person" and lexicon(language).compiled("doer_asked").search(q.plain)
        if not verb and not soft_verb and doer and len(known_verbs) == 1:
            # "Кто руководил Карлагом?": who did it is answered only by a sentence that says it
            verb, actions = known_verbs[0], [t for t in actions if t != known_verbs[0]]
    elif len(known_actions) >= 2 or verb:  # with the main verb to check, unknown side words are not the event
        actions = known_actions
    role = role_asked(q.plain, language) if q.asked.slot == "person" else ""
    if not verb and not soft_verb and role:
        # "Кто был начальником лагеря?", "Who was the head of ...?": the role is the event, even one no source names
        # (then no sentence answers)
        verb, actions = role, [t for t in actions if t != role]
    if q.followup:  # "how many people does it cover?": what it is about is in the earlier turn; only a verb
        actions = [t for t in actions if not known(t)] if language in ("ru", "kk") else []
    return Events(names, tuple(actions), verb, q.followup, soft_verb, numbers, dict(forms or {}))


def _dictionary_form(word: str, language: str) -> str:
    found = read_words(word, language)
    lemmas = sorted(found[0].lemmas - {word}, key=len) if found else []
    return lemmas[-1] if lemmas else ""


def _compound_verb(text: str, language: str) -> str:
    """The term of the noun before a light verb (Kazakh "қайтыс болды" 'died', "әшкере етті"), or ""."""
    light = lexicon(language).words("light_verbs") if language == "kk" else frozenset()
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    for a, b in zip(words, words[1:], strict=False):
        if b in light and a not in lexicon(language).words("stopwords"):
            found = terms_of([a], language)
            return found[0] if found else ""
    return ""


def question_events(
    q: Question,
    own_terms,
    vocabulary,
    language: str,
    related=None,
    spelt_right: frozenset[str] = frozenset(),
    across=None,
    thesaurus=None,
) -> Events:
    """What a question is about, read with the corpus's vocabulary: its names, its event terms and main verb, and
    for each term the other forms that hold it (its dictionary forms, and the corpus words e5 places close; with
    `across`, a second reading for sentences in another language, whose forms add its words across alphabets; with
    `thesaurus` (`lang.thesaurus.Thesaurus`), an English verb's synonyms and more specific verbs)."""
    v = vocabulary
    verb = main_verb(q.plain) if language == "en" else ""
    if language == "en" and (adverb := adverbial_ordinal(q.plain) + " " + reporting_verb(q.plain)).strip():
        # "who first chose", "did he claim to have met": the adverb and the reporting verb are no event words
        own_terms = [t for t in own_terms if t not in terms(adverb)]
    if not verb and language == "en" and q.asked.slot in CHECKED_SLOTS:
        # "Which leaders did Mikoyan help?", "When did Mikoyan die?": the verb after the subject is the event asked
        # about, when the sources use it; a verb reported ("did he claim to have met ...?"), the event itself, also
        # when they use a verb WordNet says can stand for it ("crossed paths")
        verb = do_verb(q.plain)
        known = verb and (
            all(t in v.df for t in terms(verb))
            or bool(reporting_verb(q.plain))
            and thesaurus is not None
            and any(t in v.df for r in thesaurus.relatives(verb) for t in terms(r))
        )
        verb = verb if known else ""
    verb_terms = v.corrected(terms(verb), spelt_right) if verb else []
    verbs_like = frozenset(t for w in q.words if verb_like(w, language) for t in terms(w, language))
    # as the question's terms are read; a Russian or Kazakh verb is never a name in another alphabet ("советовал" is
    # not "Soviet")
    verbs_like |= frozenset(t for t in v.corrected(sorted(verbs_like), spelt_right) if is_cyrillic(t))
    # a verb whose stem is too short to be told apart ("убил" -> "уб") is asked about in its dictionary form
    short = [
        _dictionary_form(w, language)
        for w in q.words
        if verb_like(w, language) and (stem := terms(w, language)) and len(stem[0]) <= 2
    ]
    short = [f for f in short if f]
    own_terms, verbs_like = [*own_terms, *short], verbs_like | frozenset(short)
    # a name's spelling in the other alphabet (bridged to the originals: тен -> "ten") is that name, no event word
    common = lowercase_common_terms(q.plain, language)
    common |= {v.latin(t) for t in common} - {None}
    spelt_names = {v.latin(t) for t in own_terms if is_cyrillic(t) and v.is_name(t) and t not in common} - {None}
    events = event_terms(
        q,
        own_terms,
        language,
        lambda t: (v.is_name(t) or t in spelt_names) and t not in common,
        lambda t: t in v.df,
        verb_terms[0] if verb_terms else "",
        verbs_like,
    )
    # Relatives only for the terms a sentence check reads (`held`: the event words; `verb_held`: the verb): a word
    # the corpus never uses costs an e5 run to place.
    verbs = {events.verb, events.soft_verb} - {""}
    forms = word_forms(q.plain, language, v, related, verbs | set(events.actions), spelt_right)
    strict = word_forms(q.plain, language, v, related and (lambda f: related(f, True)), verbs, spelt_right)
    if language == "en" and verbs and thesaurus is not None and _anchored(q, events, own_terms, v):
        # "pick" meets "chosen", "turn down" "rejected"; only when a name or another word anchors the event: a bare
        # "who murdered him?" is not answered by any sentence that says "executed"
        same = verb_relatives(q.plain, verbs, thesaurus)
        forms, strict = _merged(forms, same), _merged(strict, same)
    person = {t: (v.latin(t) or t) if is_cyrillic(t) else t for t in events.names}
    events = replace(events, forms=forms, person=person, verb_forms=strict)
    if across is None:
        return events
    other = word_forms(q.plain, language, v, across, verbs | set(events.actions), spelt_right)
    return replace(events, across=replace(events, forms=_merged(forms, other), verb_forms=_merged(strict, other)))


def lowercase_common_terms(text: str, language: str) -> frozenset[str]:
    """The terms of a question's words written in lower case that the language's dictionary holds as common words
    ("управление", "больше", "казахстанских"): the asker wrote no name, and the dictionary knows none, whatever the
    sources capitalise ("Управление мест заключения", "Большого террора"). A lower-case name stays one: pymorphy3
    tags "путин" a surname, and a word it does not know ("карлаг") is left to the sources."""
    if language != "ru":
        return frozenset()
    lower = {w for w in re.findall(r"[^\W\d_]+", text) if w.islower() and common_word(w, language)}
    return frozenset(t for w in lower for t in terms(w, language))


def _anchored(q: Question, events: Events, own_terms, vocabulary) -> bool:
    """Whether something besides the verb pins the event down: a name or an event word, or, in a follow-up (whose
    event words are the earlier turn's), a content word of its own the sources use ("Who set up this remembrance
    day?"); a bare "who murdered him?" has none."""
    if events.names or events.actions:
        return True
    light = lexicon("en").words("light")
    verbs = {events.verb, events.soft_verb}
    return q.followup and any(t not in light and t not in verbs and t in vocabulary.df for t in own_terms)


def _merged(a: dict, b: dict) -> dict:
    return {t: a.get(t, frozenset()) | b.get(t, frozenset()) for t in {*a, *b}}


def question_forms(q: Question, language: str, bridged=()) -> frozenset[str]:
    """Every form of the question's own words (and their spellings in the originals): its subject is not its answer."""
    forms = {f for w in read_words(q.plain, language) for f in w.forms}
    return frozenset(q.words) | frozenset(bridged) | frozenset(forms)


def word_forms(
    text: str, language: str, vocabulary=None, related=None, wanted=None, spelt_right: frozenset[str] = frozenset()
) -> dict[str, frozenset[str]]:
    """Each (corrected) term of a text -> the dictionary forms of the words it comes from, and the corpus words
    related to them (`related(forms)`, when given; for the `wanted` terms only, when given)."""
    out: dict[str, frozenset[str]] = {}
    for w in read_words(text, language):
        stem = terms_of([w.text.lower()], language)
        if not stem:
            continue
        term = vocabulary.corrected(stem, spelt_right)[0] if vocabulary is not None else stem[0]
        name = vocabulary is not None and vocabulary.is_name(term)
        asked = related is not None and not name and (wanted is None or term in wanted)
        # its dictionary forms, as the corpus's words are tabled (the word as written when it is one)
        extra = related(w.lemmas - {w.text.lower()} or w.lemmas) if asked else frozenset()
        out[term] = out.get(term, frozenset()) | w.forms | extra
    return out


@lru_cache(maxsize=65536)
def term_in(term: str, sentence_terms: frozenset[str]) -> bool:
    """A term or a longer form of it (a shared start) among a sentence's terms."""
    if term in sentence_terms:
        return True
    if len(term) >= 5 and not is_cyrillic(term):
        stem = term[: max(4, len(term) - 2)]
        return any(s.startswith(stem) for s in sentence_terms if len(s) >= 4)
    if len(term) >= 4 and is_cyrillic(term):  # Russian and Kazakh stems alternate (осужд- / осуд-): a long shared start
        folded = fold(term)  # Kazakh typed on a Russian keyboard: "актальды" for "ақталды"
        head = folded[:3]  # a shared start of 3 or more begins with these: a cheap first test
        return any(
            shared_start(folded, f) >= max(3, 0.6 * min(len(folded), len(s)))
            for s, f in _folded(sentence_terms)
            if f.startswith(head)
        )
    return False


@lru_cache(maxsize=16384)
def _folded(sentence_terms: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """A sentence's terms of 3 letters or more beside their folded forms, folded once per sentence, not per term."""
    return tuple((s, fold(s)) for s in sentence_terms if len(s) >= 3)


def fold(term: str) -> str:
    """A Kazakh or Russian term as typed on a Russian keyboard, without soft and hard signs: қ -> к, ү -> у, ё -> е."""
    return plain_kazakh(term)


def coverage(
    events: Events | tuple[str, ...],
    sentence_terms: frozenset[str],
    idf: Callable[[str], float],
    context_terms: frozenset[str] = frozenset(),
    negated: bool = False,
    sentence_digits: frozenset[str] = frozenset(),
    words=(),
) -> float:
    """How far a sentence is about the question's event: the IDF-weighted share of the event terms (and figures)
    it holds, or 0 when the question names a subject that neither it nor the sentence before it (`context_terms`:
    "he began assisting..." after a sentence naming Mikoyan) mentions, or when it lacks the verb asked about."""
    if not isinstance(events, Events):
        events = Events((), tuple(events))
    held = events.held
    if events.names and not any(held(t, sentence_terms | context_terms) for t in events.names):
        return 0.0
    if events.verb and not events.verb_held(events.verb, sentence_terms | (context_terms if negated else frozenset())):
        return 0.0  # "Who heads the Commission?": no sentence that does not say "head" (or "lead") answers it
    if events.soft_verb and not events.verb_held(events.soft_verb, sentence_terms):
        # "Кто возглавлял ...?": without the verb, only a sentence plainly about the rest (its names, most of its words)
        rest = [*events.actions, *events.numbers]
        names_held = not events.names or any(held(t, sentence_terms) for t in events.names)
        figures_held = all(n in (sentence_digits or frozenset()) for n in events.numbers)  # the event's own figure
        if not (
            names_held
            and figures_held
            and len(rest) >= 2
            and _share(events, rest, sentence_terms, sentence_digits) >= 0.5
        ):
            return 0.0
    if not events.actions:
        if events.numbers:
            return _share(events, events.numbers, sentence_terms | context_terms, sentence_digits)
        return _share(events, events.names, sentence_terms | context_terms, None, idf)
    wanted = [*events.actions, *events.numbers]
    own = _share(events, wanted, sentence_terms, sentence_digits, idf)
    if not negated:
        return own
    # "Who was not covered by the amnesty?": the exception often follows the rule ("This move excluded ...").
    return max(own, CONTEXT_DISCOUNT * _share(events, wanted, sentence_terms | context_terms, sentence_digits, idf))


def _people_named(events: Events, words) -> int:
    """How many of the question's names a sentence names apart: adjacent name words ("Anastas Mikoyan") are one."""
    at = [i for i, w in enumerate(words) if any(term_in(t, w.forms) for t in events.names)]
    return sum(1 for j, i in enumerate(at) if j == 0 or i - at[j - 1] > 1)


def event_positions(events: Events, facts) -> list[int]:
    """Where a sentence states the question's event: its main verb if the sentence holds it, else any event word."""
    for targets in ((events.verb,) if events.verb else (), (*events.actions, events.soft_verb)):
        at = [w.start for w in facts.words if any(t and events.held(t, w.forms) for t in targets)]
        if at:
            return at
    return []


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def _share(
    events: Events,
    wanted,
    sentence_terms: frozenset[str],
    sentence_digits: frozenset[str] | None = None,
    idf: Callable[[str], float] = lambda t: 1.0,
) -> float:
    """The IDF-weighted share of `wanted` (terms, and the question's figures among them) a sentence holds."""
    if not wanted:
        return 1.0
    words = [t for t in wanted if t not in events.numbers]
    weight = {t: idf(t) for t in words}
    figure = NUMBER_WEIGHT * (max(weight.values()) if weight else 1.0)
    digits = (sentence_digits or frozenset()) | frozenset(digits_of(t) for t in sentence_terms if t[:1].isdigit())
    total = sum(weight.values()) + figure * (len(wanted) - len(words)) or 1.0
    got = sum(w for t, w in weight.items() if events.held(t, sentence_terms))
    got += figure * sum(1 for t in wanted if t in events.numbers and t in digits)
    return got / total
