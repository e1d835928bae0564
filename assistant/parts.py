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

from .text import STOPWORDS_BY_LANGUAGE, words

MAX_PARTS = 4
MAX_PIECES = 40  # pieces looked at before giving up on splitting further (a question of 500 "and"s stays bounded)

_QUESTION_WORD = {
    "en": re.compile(r"\b(?:who|whom|whose|what|when|where|which|why|how)\b", re.I),
    "ru": re.compile(
        r"(?<!\w)(?:кто|кого|кому|кем|что|чем|когда|где|куда|откуда|почему|зачем|как|какой|какая|какое|какие|каком|каких|сколько|чей|чья|чьи|ли)(?!\w)",
        re.I,
    ),
    "kk": re.compile(
        r"(?<!\w)(?:кім\w*|не|нені|неге|неліктен|қашан|қайда|қайдан|қалай|қандай|қай|қанша|неше|ма|ме|ба|бе|па|пе|ма\?|ме\?)(?!\w)",
        re.I,
    ),
}
_YES_NO = {
    "en": re.compile(
        r"^\W*(?:and\s+)?(?:is|was|were|are|did|does|do|has|have|had|can|could|will|would|should)\b", re.I
    ),
    "ru": re.compile(r"(?<!\w)ли(?!\w)", re.I),
    "kk": re.compile(r"(?<!\w)(?:ма|ме|ба|бе|па|пе)(?!\w)", re.I),
}
_CUT = {
    "en": re.compile(
        r"\?+\s*|;\s*|,?\s+and\s+(?:also\s+|then\s+)?|,\s+(?=(?:who|whom|whose|what|when|where|which|why|how)\b)", re.I
    ),
    "ru": re.compile(r"\?+\s*|;\s*|,?\s+(?:и|а)\s+(?:ещё\s+|еще\s+|также\s+)?", re.I),
    "kk": re.compile(r"\?+\s*|;\s*|,?\s+(?:және|әрі|ал)\s+|,\s+", re.I),
}


@dataclass(frozen=True)
class Parts:
    labels: tuple[str, ...]  # each part as written
    queries: tuple[str, ...]  # each part as searched (a short part joined to the one before it)
    capped: bool = False


def is_question(text: str, language: str = "en") -> bool:
    """Whether a piece of text asks something of its own (a question word, or a yes/no opening)."""
    lang = language if language in _QUESTION_WORD else "en"
    return bool(_QUESTION_WORD[lang].search(text) or _YES_NO[lang].search(text))


def split_parts(question: str, language: str = "en") -> Parts:
    """The parts of a question; one part (the question itself) when it does not split."""
    lang = language if language in _CUT else "en"
    pieces, at = [], 0
    for m in _CUT[lang].finditer(question):
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
    stop = STOPWORDS_BY_LANGUAGE.get(language, STOPWORDS_BY_LANGUAGE["en"])
    content = [w for w in words(part) if w not in stop and w not in ("period", "year", "date", "place", "else", "also")]
    pronoun = re.search(
        r"\b(?:he|him|his|she|her|they|them|their|it|its|that|this|those|these|there)\b|(?<!\w)(?:он|его|ему|она|её|ее|они|их|это|там|ол|оның|оны|олар|оларды|бұл|сол)(?!\w)",
        part,
        re.I,
    )
    return len(content) < 2 or bool(pronoun)
