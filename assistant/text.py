"""Word-level text helpers shared by lexical search and sentence selection."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours out over own same she should so
    some such than that the their theirs them then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours
    tell me please know anything much many did does there s t whose according whats exactly actually
    really even just""".split()
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words, apostrophes folded (Stalin's -> stalin)."""
    out = []
    for w in _WORD.findall(text.lower()):
        out.append(re.split(r"[’']", w)[0])
    return out


def terms(text: str) -> list[str]:
    """Stemmed content words, the unit of BM25 and of term overlap."""
    return terms_of(words(text))


def terms_of(tokens) -> list[str]:
    """Stemmed content words of already-split words (see `words`)."""
    kept = [w for w in tokens if w not in STOPWORDS]
    return _stemmer().stemWords(kept) if kept else []


def plain_text(text: str) -> str:
    """Text safe for every later stage: lone surrogates (from broken JSON) replaced, spaces collapsed."""
    return " ".join(text.encode("utf-8", "replace").decode("utf-8").split())
