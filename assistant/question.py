"""A question analysed once: cleaned, its words and terms, its type, and the query it stands for.

`analyse` runs at the start of `Assistant.ask`; every later stage (conversation, retrieval,
sentence selection, the refusal decision) reads the `Question` instead of tokenising again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .conversation import is_followup, resolve_query
from .language import detect
from .messages import message
from .text import plain_text, terms_of, words

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

_QUESTION_TYPES = [
    ("how_many", re.compile(r"\bhow (?:many|much)\b|\bnumber of\b|\bhow large\b|\bwhat (?:number|figure)\b", re.I)),
    ("when", re.compile(r"\bwhen\b|\bwhat (?:year|date|month|day|time)\b|\bwhich (?:year|date)\b|\bhow long\b|\bin what year\b", re.I)),
    ("where", re.compile(r"\bwhere\b|\bwhich (?:place|city|country|region|republic)\b|\bwhat (?:place|city|country|region)\b", re.I)),
    ("who", re.compile(r"\bwho(?:m|se)?\b|\bwhich (?:person|people|leader|man|woman|poet|groups?|nationalit(?:y|ies))\b|\bwhat (?:groups?|nationalit(?:y|ies)|peoples?)\b", re.I)),
    ("why", re.compile(r"\bwhy\b|\bwhat (?:was|is) the (?:reason|purpose|point)\b|\bfor what reason\b|\bhow come\b", re.I)),
]
# The same five types asked in Russian and in Kazakh (the sentences they are checked against are the originals).
_QUESTION_TYPES_BY_LANGUAGE = {
    "en": _QUESTION_TYPES,
    "ru": [
        ("how_many", re.compile(r"\bсколько\b|\bкакое (?:число|количество)\b|\bчисло\b", re.I)),
        ("when", re.compile(r"\bкогда\b|\bв каком году\b|\bкакого числа\b|\bв какой год\b|\bв каком месяце\b", re.I)),
        ("where", re.compile(r"\bгде\b|\bкуда\b|\bоткуда\b|\bв какой (?:стране|республике|город)", re.I)),
        ("who", re.compile(r"\bкто\b|\bкого\b|\bкому\b|\bкем\b|\bчей\b|\bчья\b|\bчьи\b|\bкакие (?:народы|группы)\b", re.I)),
        ("why", re.compile(r"\bпочему\b|\bзачем\b|\bпо какой причине\b|\bс какой целью\b", re.I)),
    ],
    "kk": [
        ("how_many", re.compile(r"\bқанша\b|\bнеше\b|\bканша\b", re.I)),
        ("when", re.compile(r"\bқашан\b|\bкашан\b|\bқай жыл|\bкай жыл|\bқай кезде\b", re.I)),
        ("where", re.compile(r"\bқайда\b|\bкайда\b|\bқай жерде\b|\bқай елде\b|\bқайдан\b", re.I)),
        ("who", re.compile(r"\bкім\w*|\bким\w*|\bқандай халықтар\b", re.I)),
        ("why", re.compile(r"\bнеге\b|\bнеліктен\b|\bне үшін\b|\bне себепті\b", re.I)),
    ],
}


@dataclass(frozen=True)
class Question:
    """What every stage needs to know about one question, computed once."""

    text: str  # as asked, cleaned: NFC, no control or invisible characters, spaces collapsed, capped
    notice: str  # told to the visitor when cleaning changed the question ("shortened to ...")
    plain: str  # `text` without markup tags: what is searched and checked against the corpus
    words: tuple[str, ...]  # lower-cased words of `plain`
    terms: tuple[str, ...]  # stemmed content words of `plain` (uncorrected)
    kind: str  # when / how_many / where / who / why / what
    query: str  # the standalone retrieval query: `plain`, or earlier questions + `plain` for a follow-up
    query_terms: tuple[str, ...]  # stemmed content words of `query`
    language: str = "en"  # "kk", "ru", "en", or "other" (a language the assistant does not understand)


def analyse(
    raw, history: list[dict] | None, max_chars: int, resolve_followups: bool = True, default_language: str = "en"
) -> Question:
    """Clean and analyse a question once; `history` resolves a follow-up into a standalone query.

    Russian typed in Latin letters is analysed in its Cyrillic form; `text` stays as typed.
    `default_language` (the page's) is assumed when the question has no letters to tell by.
    """
    text, shortened = clean(raw, max_chars)
    detected = detect(without_markup(text), default_language)
    language = detected.language
    source = detected.text if detected.transliterated else text
    plain = without_markup(source)
    stem_as = language if language in ("ru", "kk") else "en"
    tokens = tuple(words(plain))
    followup = resolve_followups and is_followup(source, stem_as)
    query = without_markup(resolve_query(source, history, followup=True, language=stem_as)) if followup else plain
    own_terms = tuple(terms_of(tokens, stem_as))
    query_terms = own_terms if query == plain else tuple(terms_of(words(query), stem_as))
    shown_in = language if language != "other" else default_language
    notice = message("shortened", shown_in, limit=max_chars) if shortened else ""
    return Question(text, notice, plain, tokens, own_terms, question_type(source, stem_as), query, query_terms, language)


def clean(question, max_chars: int) -> tuple[str, bool]:
    """Plain text of bounded length, control and invisible characters dropped; and whether it was shortened."""
    if not isinstance(question, str):
        question = "" if question is None else str(question)
    text = plain_text(unicodedata.normalize("NFC", _INVISIBLE.sub(" ", question)))
    if len(text) > max_chars:
        return text[:max_chars], True
    return text, False


def without_markup(text: str) -> str:
    """The words of a question with any HTML-like tags removed (they are shown, never searched)."""
    return " ".join(_TAG.sub(" ", text).split()) or text


def question_type(question: str, language: str = "en") -> str:
    """One of when, how_many, where, who, why, what (the default)."""
    for name, pattern in _QUESTION_TYPES_BY_LANGUAGE.get(language, _QUESTION_TYPES):
        if pattern.search(question):
            return name
    return "what"
