"""The refusal decision (`refusal_reason`) and its wording (`refuse`), in one place.

Thresholds are settings (`min_answer_score`, `off_topic_similarity` and their multilingual pair), tuned on
the gold set's tune split. A refusal says so in the question's language and lists the closest passages as
further reading, never as an answer.
"""

from __future__ import annotations

import re

from ..citations import Citer
from ..config import Settings
from ..lang import lexicon
from ..language import is_cyrillic
from ..messages import message
from ..question import Question
from ..rules import enabled
from ..text import stopwords, terms
from ..types import Answer, Hit
from ..vocabulary import Vocabulary
from .evidence import NO_EVENTS, Events, fold
from .fillers import CHECKED_SLOTS
from .select import Candidate

REFUSAL = message("refusal", "en")
OVERVIEW_SCORE_RATIO = 0.85  # an overview names a topic, not a fact: its best sentence may score this much lower


def refusal_reason(
    question: Question,
    candidates: list[Candidate],
    vocabulary: Vocabulary,
    settings: Settings,
    events: Events = NO_EVENTS,
    originals_elsewhere: bool = False,
) -> str:
    """Why to refuse ("" to answer). Rules, in order (thresholds tuned on the gold set's tune split):
    1. no candidate sentence, or the best scores under `min_answer_score`;
    2. the question names something specific the corpus never uses (a capitalised name such as
       "Bukharin", or a rare word the model does not know whole), and that word is what is asked
       about: the question has fewer than three known event terms, or its best sentence does not
       hold most of them (with `originals_elsewhere`, originals in another language than the question's, a
       rare English word counts only when no dictionary holds it: its absence from the English sources says
       nothing of a Russian one);
    3. most of its content words are unknown to the corpus and nothing is close in meaning
       (best similarity under `off_topic_similarity`);
    4. it asks for a person, date, number or place and no retrieved sentence holds one about its event;
    5. a Russian or Kazakh what-question asks little but an attribute ("Какое отчество ...?") the sources never name.
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
    stop = stopwords(language)
    content = [w for w in question.words if w not in stop and len(w) >= 3]
    unknown = vocabulary.unknown_words(question.words, language)
    # With originals in another language, an English word the English sources lack may stand in them translated:
    # only a word no dictionary holds ("asdfgh") is specific then
    dictionary = _english_dictionary(settings) if english and originals_elsewhere else None
    specific = [w for w in unknown if vocabulary.is_specific(w, question.plain, not english, dictionary)]
    if specific and enabled(settings, "refuse_unknown_name"):
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
    if (
        enabled(settings, "refuse_off_topic")
        and bool(content)
        and len(unknown) / len(content) > 0.5
        and max(c.similarity for c in candidates) < off_topic
    ):
        return "off topic"
    if (
        question.asked.slot in CHECKED_SLOTS
        and enabled(settings, "refuse_slot_not_held")
        and not any(c.fits and c.score >= min_score for c in candidates)
    ):
        return "slot not held"
    # "Какое отчество было у Поливанова?": the attribute is all it asks of its subject, and the sources never name it.
    # With two or more other event words ("Какую возможность Комиссия даёт пострадавшим людям и общинам?") the
    # attribute may be a category the answer names by its instance (a "platform"): those words decide.
    attribute = asked_attribute(question)
    if (
        attribute
        and enabled(settings, "refuse_unknown_attribute")
        and len([t for t in events.actions if is_cyrillic(t)]) < 2
        and vocabulary.unknown_words([attribute], language)
        and not _typed_plain(attribute, language, vocabulary)
    ):
        return "attribute not held"
    return ""


def _typed_plain(word: str, language: str, vocabulary: Vocabulary) -> bool:
    """Whether a word is a corpus term typed without its Kazakh letters ("кун" for "күн", as informal Latin gives), or
    with an ending of two letters or fewer besides ("күні")."""
    stem = terms(word, language)
    key = fold(stem[0]) if stem else ""
    return bool(key) and any(
        len(t) <= len(key) + 2 and fold(t).startswith(key) for t in vocabulary.df if fold(t[:1]) == key[:1]
    )


def asked_attribute(question: Question) -> str:
    """The attribute a Russian or Kazakh what-question asks for ("отчество" in "Какое отчество было у ...?"), lower
    case, or "" (another kind of question, another language, or a light word such as "год")."""
    if question.asked.kind != "what" or question.language not in ("ru", "kk"):
        return ""
    lex = lexicon(question.language)
    m = lex.compiled("asked_attribute").search(question.plain)
    word = m.group(1).lower() if m else ""
    stem = terms(word, question.language) if word else []
    return word if stem and stem[0] not in lex.words("light") and word not in stopwords(question.language) else ""


def _english_dictionary(settings: Settings):
    """Whether WordNet holds a word (none does when WordNet is not installed: the rule then reads as without it)."""
    from ..lang.thesaurus import english_word

    return lambda word: english_word(word, settings.wordnet_dir) is True


def _capitalised(word: str, text: str) -> bool:
    return any(text[m.start()].isupper() for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.I))


def should_refuse(
    question: Question,
    candidates: list[Candidate],
    vocabulary: Vocabulary,
    settings: Settings,
    events: Events = NO_EVENTS,
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
