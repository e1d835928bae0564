"""Splitting a multi-part question into its parts, each answered (or named as not answered) on its own.

A question is cut at "?", ";" and at "and" / "и" / "және" (or a comma) only where BOTH sides are
questions of their own: a side holds a question word ("who", "когда", "қашан") or opens as a
yes/no question ("Were those nationalities ever rehabilitated"). So "Who advised Mikoyan and
Khrushchev?" stays whole and "What did Mikoyan call for, and who advised him?" is two parts.
A part too short to stand alone ("and in which period?") is searched with the part before it.
At most MAX_PARTS parts are answered; `capped` says when there were more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lang import LANGUAGES, lexicon
from .text import stopwords, words

MAX_PARTS = 4
MAX_PIECES = 40  # pieces looked at before giving up on splitting further (a question of 500 "and"s stays bounded)


@dataclass(frozen=True)
class Parts:
    labels: tuple[str, ...]  # each part as written
    queries: tuple[str, ...]  # each part as searched (a short part joined to the one before it)
    capped: bool = False


def is_question(text: str, language: str = "en") -> bool:
    """Whether a piece of text asks something of its own (a question word, or a yes/no opening)."""
    words_ = lexicon(language)
    return bool(words_.compiled("question_words").search(text) or words_.compiled("yes_no").search(text))


def split_parts(question: str, language: str = "en") -> Parts:
    """The parts of a question; one part (the question itself) when it does not split."""
    lang = lexicon(language).language
    pieces, at = [], 0
    for m in lexicon(lang).compiled("part_cut").finditer(question):
        pieces.append((question[at : m.start()], m.group()))
        at = m.end()
        if len(pieces) >= MAX_PIECES:
            break
    pieces.append((question[at:], ""))
    parts: list[str] = []
    before = ""  # the separator before the current piece
    for text, joint in pieces:
        text = text.strip()
        if text and parts and not (is_question(text, lang) and is_question(parts[-1], lang)):
            glue = before if before.strip() not in ("?", "") else " "
            parts[-1] = parts[-1] + glue + text
        elif text:
            parts.append(text)
        before = joint
    labels = tuple(p.strip(" ,;") + ("?" if not p.rstrip().endswith("?") else "") for p in parts)
    if len(labels) <= 1:
        return Parts((question,), (question,))
    capped = len(labels) > MAX_PARTS
    labels = labels[:MAX_PARTS]
    queries = []
    for i, label in enumerate(labels):
        if i and _short(label, lang):
            queries.append(labels[i - 1] + " " + label)
        else:
            queries.append(label)
    return Parts(labels, tuple(queries), capped)


def _short(part: str, language: str) -> bool:
    stop, slot_words = stopwords(language), lexicon("en").words("part_slot_words")
    content = [w for w in words(part) if w not in stop and w not in slot_words]
    return len(content) < 2 or bool(_pronoun().search(part))


@cache
def _pronoun() -> re.Pattern:
    """A pronoun or demonstrative of any of the three languages: a part holding one leans on the part before it."""
    pronouns = "|".join(w for language in LANGUAGES for w in lexicon(language).ordered("part_pronouns"))
    return re.compile(rf"(?<!\w)(?:{pronouns})(?!\w)", re.I)
