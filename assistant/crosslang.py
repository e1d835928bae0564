"""Word matching across scripts, and the notice that a quote is in another language than the answer.

A name is spelt in Latin letters in an English text and in Cyrillic in a Russian or Kazakh one (Karlag, Карлаг,
Қарлаг; Karaganda, Караганды, Қарағанды), and cognates travel the same way (repression, репрессия). Every term of
the originals' word index gets a script-free key: its Latin spelling (anyascii) with the spelling differences of
transliteration folded away (lang/data/scripts.toml [name_keys]). A question's term reaches the terms of another
script, or of the other Cyrillic language, whose key it shares, allowing for the endings each language's stemmer
leaves (one key a prefix of the other, a few letters apart). Nothing here is translation: a word reaches only a
word written the same way in another alphabet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from .language import is_cyrillic

MIN_KEY = 5  # letters a key needs before it may reach another script (short keys meet by chance)
MAX_ENDING = 3  # letters one key may run past the other (the endings stemmers leave: караганд / karaganda)
MIN_NAME_KEY = 3  # a name's shorter key reaches its spelling in another script only whole (Цой / Tsoi, Лю / Liu),
# or 4 letters with an ending (елен / elena); a short key that is no name meets too much by chance


@lru_cache(maxsize=1)
def _folds() -> tuple[tuple[str, str], ...]:
    from .lang.tables import table

    return tuple((a, b) for a, b in table("scripts")["name_keys"]["folds"])


@lru_cache(maxsize=65536)
def script_key(term: str) -> str:
    """A term's script-free key: Latin letters, transliteration's spelling differences folded, doubles collapsed."""
    from anyascii import anyascii

    key = anyascii(term).lower()
    for a, b in _folds():
        key = key.replace(a, b)
    key = re.sub(r"[^a-z]", "", key)
    return re.sub(r"(.)\1+", r"\1", key)


def alphabet(term: str) -> str:
    """Which alphabet a term is written in: "latin", "kazakh" (Cyrillic with Kazakh's own letters) or "cyrillic"."""
    return _kind(term)


def _kind(term: str) -> str:
    """Which alphabet a term is written in, Kazakh's own letters told apart from Russian's."""
    if not is_cyrillic(term):
        return "latin"
    return "kazakh" if any(ch in "әғқңөұүһі" for ch in term) else "cyrillic"


class CrossTerms:
    """The originals' terms by script-free key, to find a question term's spellings in other scripts.

    Built on first use (not at load), and only holds anything when the terms are written in more than one script.
    """

    def __init__(
        self,
        terms: Iterable[str],
        names: frozenset[str] = frozenset(),
        surfaces: dict | None = None,
        name_words: dict[str, str] | None = None,
    ):
        self._terms = terms
        self._names = names  # terms the sources write as names: these meet with shorter keys
        self._surfaces = surfaces or {}  # a term -> a word the sources write for it: a stemmer cuts short names
        # (Цой -> цо, Зоя -> зо), and the whole word is what another alphabet spells
        self._name_words = name_words or {}  # words the sources write only as names -> their terms ("елена" -> ел)
        self._by_prefix: dict[str, list[tuple[str, str]]] | None = None
        self._short: dict[str, list[tuple[str, str, bool]]] = {}  # names' keys (3+ letters) by their start
        self._widened: dict[frozenset[str], frozenset[str]] = {}  # a sentence's terms -> with their other spellings

    def _index(self) -> dict[str, list[tuple[str, str]]]:
        if self._by_prefix is None:
            by_prefix: dict[str, list[tuple[str, str]]] = {}
            kinds = set()
            for term in self._terms:
                if term.isdigit():
                    continue
                kinds.add(_kind(term))
                key = script_key(term)
                if len(key) >= MIN_KEY:
                    by_prefix.setdefault(key[:MIN_KEY], []).append((key, term))
                if term in self._names:
                    for whole in dict.fromkeys((key, script_key(self._surfaces.get(term, term)))):
                        if len(whole) >= MIN_NAME_KEY:
                            self._short.setdefault(whole[:MIN_NAME_KEY], []).append((whole, term, False))
            for word, term in self._name_words.items():
                key = script_key(word)
                if len(key) >= MIN_NAME_KEY:
                    self._short.setdefault(key[:MIN_NAME_KEY], []).append((key, term, True))
            self._by_prefix = by_prefix if len(kinds) > 1 else {}
            if not self._by_prefix:
                self._short = {}
        return self._by_prefix

    def spellings(self, term: str) -> list[str]:
        """The originals' terms in another script (or the other Cyrillic language) that spell `term`."""
        index = self._index()
        if not index:
            return []
        key = script_key(term)
        kind = _kind(term)
        out = []
        if len(key) >= MIN_KEY:
            for other_key, other in index.get(key[:MIN_KEY], ()):
                if _kind(other) == kind:
                    continue  # the same script: typo correction and stemming already meet there
                short, long = sorted((key, other_key), key=len)
                if long.startswith(short) and len(long) - len(short) <= MAX_ENDING:
                    out.append(other)
        if len(key) >= MIN_NAME_KEY:
            for other_key, other, whole_word in self._short.get(key[:MIN_NAME_KEY], ()):
                if _kind(other) == kind or other in out or (min(len(key), len(other_key)) >= MIN_KEY and not whole_word):
                    continue  # long keys of terms meet in the index above; a name's whole word meets here
                short, long = sorted((key, other_key), key=len)
                if long == short or (len(short) > MIN_NAME_KEY and long.startswith(short) and len(long) - len(short) <= MAX_ENDING):
                    out.append(other)
        return out

    def bridged(self, terms: Iterable[str]) -> list[str]:
        """Each term's spellings in other scripts, once each."""
        return list(dict.fromkeys(t for term in terms for t in self.spellings(term)))

    def widened(self, terms: frozenset[str]) -> frozenset[str]:
        """A sentence's terms with their spellings in the originals' other scripts, so a question's word meets a
        sentence in another script (remembered: sentences recur across questions)."""
        if not self._index():
            return terms
        found = self._widened.get(terms)
        if found is None:
            if len(self._widened) >= 65536:
                self._widened.clear()
            found = self._widened[terms] = terms | frozenset(self.bridged(sorted(terms)))
        return found


def other_originals(index) -> bool:
    """Whether some original of the index (not a translation) is written in another language than English."""
    from .retrieval import original_languages

    return any(language != "en" for language in original_languages(index))


# --- quotes in another language than the answer's -----------------------------------------------------------


def with_quoted_notice(answer):
    """The answer, with a notice in its language when it quotes a source in another language as it is (an original
    with no human translation into the answer's language): "Quoted in Russian, as the source is written"."""
    from .messages import LANGUAGE_NAMES_IN, quoted_in

    if answer.language not in LANGUAGE_NAMES_IN:
        return answer
    other = [c.language for c in answer.citations if c.language != answer.language and c.language in LANGUAGE_NAMES_IN]
    if not other:
        return answer
    notice = quoted_in(list(dict.fromkeys(other)), answer.language)
    return replace(answer, notice=" ".join(n for n in (answer.notice, notice) if n))
