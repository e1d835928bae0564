"""Word-level text helpers shared by lexical search and sentence selection."""

from __future__ import annotations

import re
from functools import lru_cache

from .lang import lexicon

_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*", re.UNICODE)


def stopwords(language: str = "en") -> frozenset[str]:
    """The language's function words (English for a language we do not serve): kept out of term overlap."""
    return lexicon(language).words("stopwords")


# Kazakh has no Snowball stemmer; strip one case ending, then one plural ending, while at least
# three letters remain, so "Қазақстанда", "Қазақстанның" and "Қазақстанға" all meet at "қазақстан".
# The order matters: the short locative "да" before "нда", or "Қазақстанда" would lose its "н".
@lru_cache(maxsize=65536)  # bounded (a server runs for days); the same words recur in every question and sentence
def stem_kazakh(word: str) -> str:
    """A light Kazakh stem: one case ending, then one plural ending, stripped."""
    kk = lexicon("kk")
    for endings in (kk.ordered("case_endings"), kk.ordered("plural_endings")):
        for suffix in endings:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
    return word


@lru_cache(maxsize=4)
def _stemmer(language: str = "en"):
    import Stemmer

    return Stemmer.Stemmer({"ru": "russian"}.get(language, "english"))


def words(text: str) -> list[str]:
    """Lower-cased words, apostrophes folded (Stalin's -> stalin), a Cyrillic word typed with Latin look-alike
    letters ("бiрiншi" with a Latin i) read as the Cyrillic word it is."""
    out = []
    for w in _WORD.findall(text.lower()):
        if not w.isascii() and _LATIN.search(w):
            from .lang.scripts import fold_mixed_script

            w = fold_mixed_script(w)
        out.append(_APOSTROPHE.split(w, maxsplit=1)[0])
    return out


_LATIN = re.compile(r"[a-z]")
_APOSTROPHE = re.compile(r"[’']")


def terms(text: str, language: str = "en") -> list[str]:
    """Stemmed content words, the unit of BM25 and of term overlap, stemmed as the text's language wants."""
    return terms_of(words(text), language)


def terms_of(tokens, language: str = "en") -> list[str]:
    """Stemmed content words of already-split words (see `words`)."""
    stop = stopwords(language)
    kept = [w for w in tokens if w not in stop]
    if not kept:
        return []
    if language == "kk":
        return [stem_kazakh(w) for w in kept]
    return _stemmer(language).stemWords(kept)


def plain_text(text: str) -> str:
    """Text safe for every later stage: lone surrogates (from broken JSON) replaced, spaces collapsed."""
    return " ".join(text.encode("utf-8", "replace").decode("utf-8").split())


def shared_start(a: str, b: str) -> int:
    """How many leading characters two words share (the spelling checks' measure of the same stem)."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
