"""The words of a text with their dictionary forms and what the language's resources say about them.

One reader per language, each backed by a resource whose data ships in its package:
  * English: `lemminflect` (every dictionary form a word may have: "shot" -> shoot, shot; "held" -> hold);
  * Russian: `pymorphy3` with `pymorphy3-dicts-ru` (the normal form, part of speech, case, animacy, and
    whether a word is a first name, surname, patronymic, place or organisation);
  * Kazakh: the light suffix stemmer of `text.stem_kazakh` (no packaged Kazakh dictionary is used here).
A word's `forms` are its dictionary forms plus the stem the lexical index uses, so a question and a sentence
meet when they share any of them. Resources load on first use, not at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ..errors import ModelLoadError
from ..text import stem_kazakh, stopwords, terms_of
from . import lexicon

WORD = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")


@dataclass(frozen=True)
class Word:
    """One word of a text: where it is, its dictionary forms, and the tags its language's resource gives it."""

    start: int
    end: int
    text: str
    forms: frozenset[str]  # lower-case dictionary forms and the lexical stem: what a question word may meet
    tags: frozenset[str] = frozenset()  # e.g. "VERB", "NOUN", "name", "surname", "place", "org", "anim", "nomn", "stop"
    lemmas: frozenset[str] = frozenset()  # the word itself (lower-case) and its dictionary forms, without the stem

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def read_words(text: str, language: str) -> tuple[Word, ...]:
    """Every word of a text, read with its language's resource (English for a language we do not serve)."""
    reader = {"ru": _russian, "kk": _kazakh}.get(language, _english)
    stop = stopwords(language)
    out = []
    for m in WORD.finditer(text):
        w = m.group()
        lower = w.lower()
        lemmas, stem, tags = reader(lower)
        if lower in stop:
            tags = tags | {"stop"}
        out.append(Word(m.start(), m.end(), w, lemmas | stem, tags, lemmas))
    return tuple(out)


@lru_cache(maxsize=65536)
def _english(lower: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    plain = lower.replace("’", "'").split("'")[0]
    lemmas = _lemminflect().getAllLemmas(plain)
    forms = {lemma for candidates in lemmas.values() for lemma in candidates}
    return frozenset({plain, *forms}), frozenset(terms_of([plain], "en")), frozenset(lemmas)


@lru_cache(maxsize=65536)
def _russian(lower: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    if (whole := _record_abbreviations().get(lower)) is not None:  # "прож.": the forms of "проживала"
        forms, stems, tags = _russian(whole)
        return forms | {lower}, stems, tags
    parses = _morph().parse(lower)
    best = parses[0] if parses else None
    forms = {p.normal_form for p in parses[:2] if p.score >= 0.5 * (best.score if best else 0)} if best else set()
    tags: set[str] = set()
    if best is not None:
        tags = {str(g) for g in best.tag.grammemes}
        tags |= {_RU_TAGS[g] for g in best.tag.grammemes if g in _RU_TAGS}
    return frozenset({lower, *forms}), frozenset(terms_of([lower], "ru")), frozenset(tags)


@cache
def _record_abbreviations() -> dict[str, str]:
    return dict(pair.split(":", 1) for pair in lexicon("ru").entry("record_abbreviations")["words"].split())


@lru_cache(maxsize=65536)
def known_word(word: str, language: str) -> bool:
    """Whether the language's dictionary holds a word as written (Russian: pymorphy3; no other language has one here)."""
    return language == "ru" and bool(_morph().word_is_known(word.lower()))


_RU_TAGS = {"Name": "name", "Surn": "surname", "Patr": "patronymic", "Geox": "place", "Orgn": "org", "anim": "person"}


@lru_cache(maxsize=65536)
def _kazakh(lower: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    return frozenset({lower, stem_kazakh(lower)}), frozenset({stem_kazakh(lower)}), frozenset()


@cache
def _lemminflect():
    try:
        import lemminflect
    except ImportError:
        raise _missing("lemminflect", "English") from None
    return lemminflect


@cache
def _morph():
    try:
        import pymorphy3
    except ImportError:
        raise _missing("pymorphy3", "Russian") from None
    return pymorphy3.MorphAnalyzer()


def _missing(package: str, language: str) -> ModelLoadError:
    return ModelLoadError(
        f"Reading {language} words needs the package {package}, which this environment lacks (installed before it "
        "became a dependency?); run `make install` (or pip install -e .)."
    )
