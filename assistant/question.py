"""A question analysed once: cleaned, its words and terms, its type, and the query it stands for.

`analyse` runs at the start of `Assistant.ask`; every later stage (conversation, retrieval,
sentence selection, the refusal decision) reads the `Question` instead of tokenising again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .conversation import is_followup, resolve_query
from .lang import lexicon
from .language import detect
from .messages import message
from .parts import split_parts
from .slots import Asked, asked
from .smalltalk import latin_kazakh_kind, smalltalk_kind, strip_greeting
from .text import plain_text, terms_of, words

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
_SCRIPT = re.compile(r"<(script|style)\b[^<>]{0,300}>.{0,2000}?</\1\s*>", re.I | re.S)  # shown as typed, never read
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Markdown around a question (**bold**, _italics_, `code`, # headings, > quotes) is not part of what is asked.
_MARKDOWN = re.compile(
    r"(?m)^\s{0,3}(?:#{1,6}|>+|[-*+]\s)\s*|(?<!\w)(?:\*{1,3}|_{1,3}|~~|`{1,3})(?=\S)|(?<=\S)(?:\*{1,3}|_{1,3}|~~|`{1,3})(?!\w)"
)
# The question kinds of earlier versions are still the `kind` values (plus "how"); `slots.asked` reads them.


@dataclass(frozen=True)
class Question:
    """What every stage needs to know about one question, computed once."""

    text: str  # as asked, cleaned: NFC, no control or invisible characters, spaces collapsed, capped
    notice: str  # told to the visitor when cleaning changed the question ("shortened to ...")
    plain: str  # `text` without markup tags: what is searched and checked against the corpus
    words: tuple[str, ...]  # lower-cased words of `plain`
    terms: tuple[str, ...]  # stemmed content words of `plain` (uncorrected)
    kind: str  # when / how_many / where / who / why / how / what (from the main clause's question word)
    query: str  # the standalone retrieval query: `plain`, or earlier questions + `plain` for a follow-up
    query_terms: tuple[str, ...]  # stemmed content words of `query`
    language: str = "en"  # "kk", "ru", "en", or "other" (a language the assistant does not understand)
    asked: Asked = Asked("what", "")  # the slot asked for, negation, the counted noun (slots.py)
    shape: str = "answer"  # "answer", "list", "overview", "multipart" or "smalltalk"
    smalltalk: str = ""  # for small talk: greeting / thanks / about / creator / goodbye
    parts: tuple[str, ...] = ()  # a multi-part question's parts (at most MAX_PARTS), as standalone queries
    part_labels: tuple[str, ...] = ()  # the parts as the visitor wrote them (named when unanswered)
    parts_capped: bool = False  # the question had more parts than MAX_PARTS
    followup: bool = False  # the question leans on earlier turns
    previous_answer: str = ""  # a follow-up's previous answer (a "why?" looks past its sentences)


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
    stem_as = language if language in ("ru", "kk") else "en"
    shown_in = language if language != "other" else default_language
    notice = message("shortened", shown_in, limit=max_chars) if shortened else ""
    plain = without_markup(source)
    talk = smalltalk_kind(plain)
    if not talk and language in ("en", "other") and (kazakh := latin_kazakh_kind(plain)):
        talk, plain, language = *kazakh, "kk"  # "rakhmet", "sau bol": too short for detect to tell Kazakh
    if talk:
        return Question(
            text, notice, plain, tuple(words(plain)), (), "what", plain, (), language, shape="smalltalk", smalltalk=talk
        )
    plain = strip_greeting(plain)
    tokens = tuple(words(plain))
    followup = resolve_followups and is_followup(plain, stem_as)
    query = without_markup(resolve_query(plain, history, followup=True, language=stem_as)) if followup else plain
    own_terms = tuple(terms_of(tokens, stem_as))
    query_terms = own_terms if query == plain else tuple(terms_of(words(query), stem_as))
    what = asked(plain, stem_as)
    shape, parts, labels, capped = "answer", (), (), False
    split = split_parts(plain, stem_as)
    if len(split.labels) > 1:
        shape, labels, capped = "multipart", split.labels, split.capped
        context = query[: len(query) - len(plain)].strip() if followup and query.endswith(plain) else ""
        parts = tuple(" ".join(filter(None, (context, p))) for p in split.queries)
    elif lexicon(stem_as).compiled("overview_request").search(plain):
        shape = "overview"
    elif lexicon(stem_as).compiled("list_request").search(plain):
        shape = "list"
    return Question(
        text,
        notice,
        plain,
        tokens,
        own_terms,
        what.kind,
        query,
        query_terms,
        language,
        what,
        shape,
        "",
        parts,
        labels,
        capped,
        followup,
        _previous_answer(history) if followup else "",
    )


def _previous_answer(history) -> str:
    for turn in reversed(history or []):
        if isinstance(turn, dict) and turn.get("role") == "assistant" and isinstance(turn.get("content"), str):
            return turn["content"][:4000]
    return ""


def clean(question, max_chars: int) -> tuple[str, bool]:
    """Plain text of bounded length, control and invisible characters dropped; and whether it was shortened."""
    if not isinstance(question, str):
        question = "" if question is None else str(question)
    text = plain_text(unicodedata.normalize("NFC", _INVISIBLE.sub(" ", question)))
    if len(text) > max_chars:
        return text[:max_chars], True
    return text, False


def without_markup(text: str) -> str:
    """The words of a question with HTML-like tags and Markdown emphasis, code marks and headings removed."""
    return " ".join(_MARKDOWN.sub(" ", _TAG.sub(" ", _SCRIPT.sub(" ", text))).split()) or text


def question_type(question: str, language: str = "en") -> str:
    """One of when, how_many, where, who, why, how, what (the default), from the main clause's question word."""
    return asked(without_markup(question), language).kind
