"""Turning a follow-up question plus the chat history into a standalone retrieval query.

No language model: explicit rules decide whether a question leans on earlier turns.
A question is a follow-up when it
  1. opens with a connective ("and", "also", "so", "what about", "how about", "then"), or
  2. names nothing of its own (no capitalised name after its first word) and either
     a. refers back with a pronoun or demonstrative ("he", "his", "they", "it", "that", "there"), or
     b. is elliptical: fewer than two content words ("Where?", "When exactly?").
Otherwise it stands alone and the history is ignored, so an unrelated new question is not
polluted by the previous topic ("When did Khrushchev deliver his speech?" names its subject).
"""

from __future__ import annotations

import re
from functools import cache

from .lang import LANGUAGES, lexicon
from .text import plain_text, stopwords, words


@cache
def _connective() -> re.Pattern:
    """A question opening with a connective of any of the three languages ("and", "а что", "ал")."""
    phrases = "|".join(w for language in LANGUAGES for w in lexicon(language).ordered("connectives"))
    return re.compile(rf"^\s*(?:{phrases})(?!\w)", re.I)


@cache
def _anaphors() -> frozenset[str]:
    return frozenset().union(*(lexicon(language).words("anaphors") for language in LANGUAGES))


MAX_TURNS_BACK = 2
MAX_TURN_CHARS = 1000  # an earlier question is cut to this before it joins the query
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w’'-]+")
_EXISTENTIAL = re.compile(r"\bthere\s+(?:is|are|was|were|be)\b|\b(?:is|are|was|were)\s+there\b", re.I)


def content_words(question: str, language: str = "en") -> list[str]:
    stop, generic, anaphors = stopwords(language), lexicon("en").words("generic"), _anaphors()
    return [w for w in words(question) if w not in stop and w not in generic and w not in anaphors]


def is_followup(question: str, language: str = "en") -> bool:
    """Whether a question needs earlier turns to be understood (rules in the module docstring)."""
    tokens = words(_EXISTENTIAL.sub(" ", question))
    if not tokens:
        return False
    if _connective().match(question):
        return True
    if _NAME.search(question):
        return False
    stop, generic, anaphors = stopwords(language), lexicon("en").words("generic"), _anaphors()
    content = [t for t in tokens if t not in stop and t not in generic and t not in anaphors]
    return any(t in anaphors for t in tokens) or len(content) < 2


def earlier_questions(history: list[dict] | None) -> list[str]:
    """The user's earlier questions, most recent last, from Gradio-style message dicts."""
    out = []
    for turn in history or []:
        if isinstance(turn, dict) and turn.get("role") == "user":
            content = turn.get("content")
            if isinstance(content, str) and content.strip():
                out.append(plain_text(content)[:MAX_TURN_CHARS])
    return out


def resolve_query(question: str, history: list[dict] | None, followup: bool | None = None, language: str = "en") -> str:
    """The retrieval query: the question itself, or, for a follow-up, the earlier questions it leans on.

    `followup` is `is_followup(question)`, passed in when the caller has already decided it.
    """
    if not (is_followup(question, language) if followup is None else followup):
        return question
    previous = earlier_questions(history)
    context = []
    for earlier in reversed(previous):
        context.insert(0, earlier)
        if not is_followup(earlier, language) or len(context) >= MAX_TURNS_BACK:
            break
    return " ".join([*context, question]) if context else question


def add_turn(history: list[dict] | None, question: str, answer_text: str) -> list[dict]:
    """A new history with one more question and its answer, as Gradio-style message dicts."""
    return [*(history or []), {"role": "user", "content": question}, {"role": "assistant", "content": answer_text}]
