"""Small talk: greetings, thanks, "what can you do", "who made you" and goodbyes, in English, Russian and Kazakh.

A message is small talk only when, once its small-talk phrases are taken away, nothing of a
question is left ("hello there", "Привет!", "рахмет"). "Hi, when was Trotsky rehabilitated?" is a
question that opens with a greeting: `strip_greeting` gives the question, which is answered as any
other. The reply is one of our fixed messages (`messages.py`), never a retrieval.
"""

from __future__ import annotations

import re
from functools import cache

from .lang import LANGUAGES, lexicon
from .lang.scripts import kazakh_to_cyrillic, plain_kazakh

KINDS = ("creator", "about", "thanks", "goodbye", "greeting")  # checked in this order: "who are you" before "hello"


@cache
def _phrases(kind: str) -> str:
    """The phrases of one kind of small talk in every language, as one pattern (matched whole, case-insensitively)."""
    return "|".join(lexicon(language).table("smalltalk")[kind] for language in LANGUAGES)


@cache
def _patterns() -> dict[str, re.Pattern]:
    return {kind: re.compile(rf"(?<!\w)(?:{_phrases(kind)})(?!\w)", re.I) for kind in KINDS}


@cache
def _plain_kazakh_patterns() -> dict[str, re.Pattern]:
    """The Kazakh phrases with the letters plain typing cannot tell apart folded (lang/scripts.py plain_kazakh), for
    Kazakh typed on a Russian keyboard or in Latin letters: "кайырли кун" is "қайырлы күн", "калайсин" "қалайсың"."""
    kazakh = lexicon("kk").table("smalltalk")
    return {kind: re.compile(rf"(?<!\w)(?:{plain_kazakh(kazakh[kind])})(?!\w)", re.I) for kind in KINDS}


@cache
def _greeting_opening() -> re.Pattern:
    return re.compile(rf"^\s*(?:{_phrases('greeting')})(?!\w)[\s,.!;:—–-]*", re.I)


@cache
def _leftover() -> re.Pattern:
    """What may be left of a message once its small-talk phrases are taken away: punctuation and filler words."""
    fillers = [f for language in LANGUAGES for f in lexicon(language).ordered("smalltalk_filler")]
    fillers = "|".join(fillers + [plain_kazakh(f) for f in lexicon("kk").ordered("smalltalk_filler")])
    return re.compile(rf"^(?:[\s,.!?;:)(…'\"«»*_~`#-]|\b(?:{fillers})\b)*$", re.I)


MAX_SMALLTALK_CHARS = 80  # a longer message is a question (or a greeting before one), never small talk


def smalltalk_kind(text: str) -> str | None:
    """ "greeting", "thanks", "about", "creator" or "goodbye" when the whole message is small talk, else None."""
    if not text or len(text) > MAX_SMALLTALK_CHARS:
        return None
    return _whole_kind(text, _patterns()) or _whole_kind(plain_kazakh(text), _plain_kazakh_patterns())


def latin_kazakh_kind(text: str) -> tuple[str, str] | None:
    """Kazakh small talk typed in Latin letters that language detection took for English or another language
    ("rakhmet", "sau bol", "salemetsiz be"): its kind and its Cyrillic reading, else None. Only the Kazakh phrases
    are tried, folded as plain typing writes them, so an English word read in Cyrillic meets no Russian one."""
    if (
        not text
        or len(text) > MAX_SMALLTALK_CHARS
        or not re.search(r"[a-z]", text, re.I)
        or re.search(r"[а-яё]", text, re.I)
    ):
        return None
    cyrillic = kazakh_to_cyrillic(text)
    kind = _whole_kind(plain_kazakh(cyrillic), _plain_kazakh_patterns())
    return (kind, cyrillic) if kind else None


def _whole_kind(text: str, patterns: dict[str, re.Pattern]) -> str | None:
    found = None
    rest = text
    for kind, pattern in patterns.items():  # creator and about before the greeting inside them ("who are you")
        if pattern.search(rest):
            found = found or kind
            rest = pattern.sub(" ", rest)
    if found is None or not _leftover().match(rest):
        return None
    return found


def strip_greeting(text: str) -> str:
    """A question without the greeting it opens with ("Hi, who was Snegov?" -> "who was Snegov?")."""
    m = _greeting_opening().match(text)
    rest = text[m.end() :].strip() if m else ""
    return rest if re.search(r"[^\W\d_]{2}", rest) else text
