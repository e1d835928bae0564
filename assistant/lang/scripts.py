"""Letters across scripts: Cyrillic words typed with Latin look-alike letters ("бiрiншi" with a Latin i), and Kazakh
typed in Latin letters, in the 2021 alphabet or informally ("qazaqstanda qansha adam aqtaldy"), read in Cyrillic.

The letter tables are data (`lang/data/scripts.toml`); `language.detect` asks `looks_kazakh_latin` before py3langid.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIXED_WORD = re.compile(r"\b(?=\w*[а-яёәғқңөұүһі])(?=\w*[a-z])[^\W\d_]+\b", re.I)  # a word in two scripts at once
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _scripts() -> dict:
    from .tables import table

    return table("scripts")


@lru_cache(maxsize=1)
def _lookalikes() -> dict[int, str]:
    t = _scripts()["lookalikes"]
    return str.maketrans(t["latin"], t["cyrillic"])


def fold_mixed_script(text: str) -> str:
    """Cyrillic words holding Latin look-alike letters ("бiрiншi" with a Latin i) written all in Cyrillic.

    One letter for one letter, so every offset into the text still holds.
    """
    if not MIXED_WORD.search(text):
        return text
    return MIXED_WORD.sub(lambda m: m.group().translate(_lookalikes()), text)


_KAZAKH_2021_ONLY = frozenset("äğñöūüış")
_PLAIN_LATIN = str.maketrans(
    {"ş": "sh", "ç": "ch", "ğ": "gh", "ñ": "ng", "ä": "a", "ö": "o", "ü": "u", "ū": "u", "ı": "y"}
)
_BACK, _FRONT = frozenset("аоұы"), frozenset("әөүіе")
_HARMONY = {"back": {"і": "ы", "г": "ғ", "к": "қ", "у": "ұ"}, "front": {"ы": "і", "ғ": "г", "қ": "к", "у": "ү"}}


def looks_kazakh_latin(text: str) -> bool:
    """Whether Latin-letter text is Kazakh: a Kazakh word typed in Latin letters ("qansha"), or the 2021 alphabet's
    letters with no English function word beside them."""
    words = [w.translate(_PLAIN_LATIN) for w in _WORD.findall(text.lower())]
    if not words:
        return False
    known = _kazakh_latin_words()
    hits = sum(1 for w in words if w in known)
    english = english_function_words(words)
    special = any(ch in _KAZAKH_2021_ONLY for ch in text.lower()) or any("q" in w and "qu" not in w for w in words)
    return (hits >= 2 or (hits and special)) and english <= hits // 2 or (special and hits and not english)


def english_function_words(words: list[str]) -> int:
    """How many of these (lower-case) words are English function words ("the", "did", "on")."""
    from . import lexicon

    stop = lexicon("en").words("stopwords")
    return sum(1 for w in words if w in stop)


@lru_cache(maxsize=1)
def _kazakh_latin_words() -> frozenset[str]:
    return frozenset(_scripts()["kazakh_latin_words"]["words"].split())


@lru_cache(maxsize=1)
def _plain_letters() -> dict[int, str]:
    t = _scripts()["kazakh_plain_letters"]
    return str.maketrans(t["plain"], t["folded"], t["dropped"])


def plain_kazakh(word: str) -> str:
    """A Cyrillic word as plainly typed: the Kazakh letters a Russian keyboard or Latin typing cannot tell apart folded,
    soft and hard signs dropped ("ақталды" -> "акталди", "лагерь" -> "лагер")."""
    return word.lower().translate(_plain_letters())


def kazakh_to_cyrillic(text: str) -> str:
    """Kazakh typed in Latin letters (the 2021 alphabet or informal spellings) in Cyrillic, for analysis."""
    t = _scripts()
    formal = t["kazakh_latin_2021"]["letters"]
    informal = t["kazakh_latin_informal"]
    vowels = informal["vowels"]
    uses_2021 = any(ch in _KAZAKH_2021_ONLY for ch in text.lower())

    def word(m: re.Match) -> str:
        w, out, i = m.group(), [], 0
        low = w.lower()
        while i < len(low):
            pair = low[i : i + 2]
            if pair in informal["digraphs"]:
                out.append(informal["digraphs"][pair])
                i += 2
                continue
            ch = low[i]
            if not uses_2021 and ch in informal["after_vowel"] and i and low[i - 1] in vowels:
                out.append(informal["after_vowel"][ch])
            elif not uses_2021 and ch in informal["letters"]:
                out.append(informal["letters"][ch])
            else:
                out.append(formal.get(ch, ch))
            i += 1
        cyrillic = _harmonised("".join(out), "ыі" if uses_2021 else "ыігғкқу")
        return cyrillic.capitalize() if w[0].isupper() else cyrillic

    return re.sub(r"[^\W\d_]+", word, text)


def _harmonised(word: str, letters: str) -> str:
    """Kazakh vowel harmony applied to letters plain Latin typing cannot tell apart: і/ы, г/ғ, к/қ, and у between
    consonants as ұ/ү, each after the word's nearest vowel (back а о ұ ы, front ә ө ү і е)."""
    out = list(word)
    for i, ch in enumerate(out):
        if ch not in letters:
            continue
        if ch == "у" and (i + 1 == len(out) or out[i - 1] in "аоұыәөүіеэиу" or out[i + 1] in "аоұыәөүіеэиу"):
            continue  # у beside a vowel or ending a word (алу) is a glide, not ұ or ү
        near = [c for c in reversed(out[:i]) if c in _BACK or c in _FRONT] or [
            c for c in out[i + 1 :] if c in _BACK or c in _FRONT
        ]
        if near:
            out[i] = _HARMONY["back" if near[0] in _BACK else "front"].get(ch, ch)
    return "".join(out)
