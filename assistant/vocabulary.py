"""What the corpus says in words: its stemmed terms, their IDF, typo correction and unknown words.

Built once per loaded index from the BM25 index's document frequencies. Used to weight term
overlap in sentence selection, to map a misspelt query term to the corpus term it stands for
("khruschev" -> "khrushchev"), and to find the words of a question the sources never use.
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
from collections.abc import Callable, Iterable
from functools import cache

import numpy as np

from .crosslang import MAX_ENDING, CrossTerms, script_key
from .lang import lexicon
from .lang.scripts import plain_kazakh
from .lang.words import known_word, read_words
from .language import is_cyrillic, latin_variants
from .register import entry_names
from .text import shared_start, stopwords, terms

SAME_WORD_START = 5  # a spelt-right word meets a near spelling only when both begin alike for this many letters (or the
# whole of the shorter one, of 4 letters at least: "умер" -> умерш)
MEMO_SIZE = 50_000  # remembered term look-ups (typo correction runs difflib, about 0.1 ms each)


class Vocabulary:
    """Corpus terms with their document frequencies, and the model's own word list for rare words."""

    def __init__(
        self,
        df: dict[str, int],
        n_docs: int,
        model_knows: Callable[[str], bool] = lambda word: True,
        names: frozenset[str] = frozenset(),
        surfaces: dict[str, str] | None = None,
        name_words: dict[str, str] | None = None,
    ):
        self.df = df
        self.names = names  # stemmed terms the sources write capitalised inside a sentence (people, places, bodies)
        self.surfaces = surfaces or {}  # a stemmed term -> a word the sources write for it (to respell a query)
        self._stem_of = {word.lower(): stem for stem, word in self.surfaces.items()}
        self._words = sorted(self._stem_of)
        self.n_docs = max(1, n_docs)
        self.model_knows = model_knows
        self._sorted = sorted(df)
        self._plain: dict[str, str] | None = None  # built on first use: most questions never need it
        self._memo: dict[tuple[str, str], str | None] = {}  # (kind, term) -> answer; the vocabulary never changes
        # terms by script-free key: a name in another alphabet, also by the words written as names ("Елена")
        self._across = CrossTerms(self._sorted, names, self.surfaces, name_words or {})

    @classmethod
    def from_index(cls, index, model_knows: Callable[[str], bool]) -> Vocabulary:
        """Document frequencies read from a loaded index's BM25 matrices (chunks using each term), every language's."""
        lexical = [index.bm25, *(index.multilingual.lexical.values() if index.multilingual else ())]
        df: dict[str, int] = {}
        for bm25 in lexical:
            counts = np.diff(np.asarray(bm25.scores["indptr"]))
            for term, i in bm25.vocab_dict.items():
                if i < len(counts) and term != "\u2205":
                    df[term] = max(df.get(term, 0), int(counts[i]))  # a number in a translation is not a second use
        names, surfaces, name_words = read_sources(index.documents.values())
        return cls(df, len(index.chunks), model_knows, names, surfaces, name_words)

    def is_name(self, term: str) -> bool:
        """Whether a (corrected) term is one the sources write as a name."""
        return term in self.names

    def spellings(self, term: str) -> list[str]:
        """The corpus terms spelling a term in another alphabet (tsoi -> цой, антонин -> antonina), names first."""
        found = self._across.spellings(term)
        return sorted(found, key=lambda t: t not in self.names)

    def _named(self, term: str) -> str | None:
        """The name a word not in the corpus stands for: itself in another alphabet (chimkent -> чимкент,
        поливанов -> polivanov), or failing a name, the corpus word it spells there."""
        across = self.spellings(term)
        return across[0] if across else None

    def idf(self, term: str) -> float:
        """BM25's IDF: log(1 + (N - df + 0.5) / (df + 0.5)); an unknown term gets the highest."""
        count = self.df.get(term, 0)
        return math.log(1 + (self.n_docs - count + 0.5) / (count + 0.5))

    def corrected(self, query_terms: Iterable[str], spelt_right: frozenset[str] = frozenset()) -> list[str]:
        """Query terms with typos mapped to the nearest corpus term; unknown terms kept as they are.

        `spelt_right`: terms of words the language's dictionary knows (`dictionary_terms`), never taken for typos."""
        return [self.nearest(t, t not in spelt_right) or t for t in query_terms]

    def nearest(self, term: str, fuzzy: bool = True) -> str | None:
        """The corpus term a query term stands for: itself, a longer form ("kazakh"), a near spelling (unless
        `fuzzy` is False: the word is spelt right), or for a Cyrillic name the Latin spelling the sources use
        (троцк -> trotski)."""
        if not fuzzy:
            return self._remembered("exact", term, self._longer_form)
        return self._remembered("nearest", term, self._nearest_any_script)

    def dictionary_terms(self, words: Iterable[str], language: str) -> frozenset[str]:
        """The terms of the words a dictionary of their language knows: a real word ("сидело", "society") is no
        misspelling of a corpus word that looks like it ("сделав", "soviet"). English: the model's own word list;
        Russian: pymorphy3's dictionary; Kazakh: none is used (every Kazakh word may still be a typo)."""
        out = set()
        for word in words:
            stem = terms(word, language) if word[:1].isalpha() else []
            if stem and stem[0] not in self.df and self._spelt_right(word, language):
                out.add(stem[0])
        return frozenset(out)

    def _spelt_right(self, word: str, language: str) -> bool:
        if language == "ru":
            return is_cyrillic(word) and known_word(word, "ru")
        if language == "en":
            return not is_cyrillic(word) and self.model_knows(word)
        return False

    def _longer_form(self, term: str) -> str | None:
        """A spelt-right word's corpus term: itself, a longer form, another form of the same word (a near spelling
        sharing its first SAME_WORD_START letters: "располагалось" -> расположен), or a name's Latin spelling."""
        if term in self.df:
            return term
        if (found := self._longer(term) or self._another_form(term)) is not None:
            return found
        named = self._named(term)
        if named is not None:
            return named
        return self.latin(term) if is_cyrillic(term) else None

    def _another_form(self, term: str) -> str | None:
        """Another form of the same word: a near spelling that shares its whole start ("времен" -> врем,
        "располагалось" -> расположен), never one that only looks alike ("сидел" -> сдела, "город" -> год), nor a
        longer word for a word of three letters ("set" is not "settl", nor "met" "meter")."""
        if len(term) < 4:
            return None
        lo = bisect.bisect_left(self._sorted, term[:4])
        hi = bisect.bisect_left(self._sorted, term[:4] + "\U0010ffff")
        same = [
            t
            for t in self._sorted[lo:hi]
            if abs(len(t) - len(term)) <= 2 and shared_start(t, term) >= min(SAME_WORD_START, len(t), len(term))
        ]
        match = difflib.get_close_matches(term, same, n=1, cutoff=0.75)
        return match[0] if match else None

    def _nearest_any_script(self, term: str) -> str | None:
        # A name written in another alphabet is that name, never a near spelling of another word ("поливановтың" is
        # Polivanov, not "пролива"; "tsoi" is Цой)
        if term in self.df or self._longer(term):
            return self._nearest(term)
        if (another := self._another_form(term)) is not None and len(term) >= 4:
            return another
        if is_cyrillic(term) and (plain := self._plain_twins().get(plain_kazakh(term))) is not None:
            return plain  # Kazakh typed without its own letters: "акталды", "айел" (from "aiel")
        found = self._nearest(term)
        if found is not None and script_key(found) == script_key(term):
            return found  # a misspelling that sounds the same ("stallin" -> stalin)
        if (named := self._named(term)) is not None:
            return named
        if found is None and is_cyrillic(term):
            found = next((t for v in latin_variants(term) if (t := self._nearest(v)) is not None), None)
        return found

    def _plain_twins(self) -> dict[str, str]:
        """Cyrillic corpus terms by their plainly typed key (`lang.scripts.plain_kazakh`); of two with one key, the
        more frequent."""
        if self._plain is None:
            self._plain = {}
            for t in sorted((t for t in self._sorted if len(t) >= 3 and is_cyrillic(t)), key=lambda t: self.df[t]):
                self._plain[plain_kazakh(t)] = t
        return self._plain

    def _longer(self, term: str) -> str | None:
        """A corpus term that is a longer form of this one ("kazakh" -> kazakhstan), for 5 letters or more."""
        at = bisect.bisect_left(self._sorted, term)
        if len(term) >= 5 and at < len(self._sorted) and self._sorted[at].startswith(term):
            return self._sorted[at]
        return None

    def _nearest(self, term: str) -> str | None:
        if term in self.df:
            return term
        if len(term) < 4:
            return None
        if longer := self._longer(term):
            return longer
        if not is_cyrillic(term) and self.model_knows(term):
            return None  # a word the model knows whole is not a typo: "held" is not "heal", nor "pass" "past"
        lo = bisect.bisect_left(self._sorted, term[0])
        hi = bisect.bisect_left(self._sorted, chr(ord(term[0]) + 1))
        near = [t for t in self._sorted[lo:hi] if abs(len(t) - len(term)) <= 2]
        match = difflib.get_close_matches(term, near, n=1, cutoff=0.75)
        if match:
            return match[0]
        # A misspelt English word whose stem is cut differently ("rehabilitaton"): near a word the sources write.
        if is_cyrillic(term):
            return None
        lo = bisect.bisect_left(self._words, term[0])
        hi = bisect.bisect_left(self._words, chr(ord(term[0]) + 1))
        near = [w for w in self._words[lo:hi] if abs(len(w) - len(term)) <= 4]
        match = difflib.get_close_matches(term, near, n=1, cutoff=0.8)
        return self._stem_of[match[0]] if match and self._stem_of[match[0]] in self.df else None

    def respelt(self, text: str, language: str = "en") -> str:
        """The text with misspelt words written as the sources write them ("when did stallin die" -> "... stalin ...")."""
        out, changed = [], False
        for token in re.split(r"(\W+)", text):
            stem = terms(token, language) if token and token[0].isalnum() else []
            if stem:
                found = self.nearest(stem[0])
                if (
                    found
                    and found != stem[0]
                    and is_cyrillic(found) == is_cyrillic(stem[0])  # a name in another alphabet is not respelt
                    and found in self.surfaces
                    and not self.surfaces[found].lower().startswith(token.lower())
                ):
                    out.append(self.surfaces[found])
                    changed = True
                    continue
            out.append(token)
        return "".join(out) if changed else text

    def latin(self, term: str) -> str | None:
        """The Latin-script corpus term a Cyrillic term transliterates to (троцк -> trotski), if any."""
        return self._remembered("latin", term, self._latin)

    def _latin(self, term: str) -> str | None:
        spelt = [t for t in self.spellings(term) if not is_cyrillic(t)]
        if spelt:
            return spelt[0]
        for variant in latin_variants(term):
            found = self._nearest(variant)
            # a whole word, not the start of a longer one ("больш" is not "bolshevik")
            if (
                found is not None
                and not is_cyrillic(found)
                and not (found.startswith(variant) and len(found) - len(variant) > MAX_ENDING)
            ):
                return found
        return None

    def _remembered(self, kind: str, term: str, compute: Callable[[str], str | None]) -> str | None:
        """compute(term), looked up once per term; bounded, so visitors' random words cannot fill memory."""
        key = (kind, term)
        if key not in self._memo:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = compute(term)
        return self._memo[key]

    def unknown_words(self, question_words: Iterable[str], language: str = "en") -> list[str]:
        """Content words of a question that the corpus never uses, even allowing for typos and scripts."""
        stop = stopwords(language)
        unknown = []
        for word in question_words:
            if word in stop or len(word) < 3:
                continue
            stem = terms(word, language)
            if stem and self.nearest(stem[0]) is None:
                unknown.append(word)
        return unknown

    def is_specific(
        self, word: str, question: str, names_only: bool = False, dictionary: Callable[[str], bool] | None = None
    ) -> bool:
        """A name or rare word: capitalised in the question, or (unless names_only) long and not a word the model
        knows, nor one `dictionary` holds (when given)."""
        others_capitalised = bool(re.search(r"(?<=\s)[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]", question))
        for m in re.finditer(rf"\b{re.escape(word)}\b", question, re.I):
            # In Russian and Kazakh a name often opens the question ("Бухарин қашан ақталды?"); an unknown
            # capitalised first word counts there, unless other words are capitalised ("Дай обзор работы
            # Государственной комиссии"). In English the first word is the question word.
            first_counts = names_only and not others_capitalised and not _imperative().search(word)
            if (m.start() > 0 or first_counts) and question[m.start()].isupper():
                if in_title_phrase(question, m.start(), m.end()) and common_word(word, "en" if not names_only else ""):
                    continue  # "the Second World War": a dictionary word capitalised as part of a named period
                return True
        if names_only:
            return False
        known = self.model_knows(word) or (word.endswith("s") and self.model_knows(word[:-1]))
        return len(word) >= 6 and not known and not (dictionary is not None and dictionary(word))


@cache
def _imperative() -> re.Pattern:
    """A request opening a Russian or Kazakh question ("Расскажи ...", "Айтып беріңіз ...") is no name."""
    endings = "|".join(e for language in ("ru", "kk") for e in lexicon(language).ordered("imperative_endings"))
    return re.compile(rf"(?:{endings})$", re.I)


_INNER_CAPITAL = re.compile(r"(?<=[\w,;:(–—-]\s)[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w’'-]+")
MAX_NAME_SCAN_CHARS = 2_000_000  # names are read from this much source text at most (a huge corpus stays quick to load)


def read_sources(documents) -> tuple[frozenset[str], dict[str, str], dict[str, str]]:
    """From the documents' text: the stemmed terms written capitalised inside sentences (not after a
    full stop) and never in lower case (names), a word the sources write for each stemmed term, and the words
    written so (lower-cased) with their stems, whatever else shares the stem ("Елена" -> "ел", as Kazakh "ел")."""
    found: set[str] = set()
    common: set[str] = set()
    surfaces: dict[str, str] = {}
    words: dict[str, str] = {}
    lower_words: set[str] = set()
    budget = MAX_NAME_SCAN_CHARS
    for doc in documents:
        if budget <= 0:
            break
        text = doc.text[:budget]
        budget -= len(text)
        language = str(doc.meta.get("language") or "en")
        language = language if language in ("ru", "kk") else "en"
        lower = sorted({w for w in re.findall(r"[\w’'-]+", text) if w.islower()})
        lower_words.update(lower)
        for word in lower:
            stem = terms(word, language)
            if stem:
                common.add(stem[0])
                surfaces.setdefault(stem[0], word)
        capitalised: dict[str, bool] = {}  # a word written capitalised inside a sentence -> whether once as a name
        for m in _INNER_CAPITAL.finditer(text):
            word = re.sub(r"[’'](?:s)?$", "", m.group())
            named = not (in_title_phrase(text, m.start(), m.end()) and common_word(m.group(), language))
            capitalised[word] = capitalised.get(word, False) or named
        for word in entry_names(doc):  # a register entry's title line names its person (or place): at a line start
            capitalised[word] = True
        for word, named in sorted(capitalised.items()):
            stems = terms(word, language)
            if len(stems) == 1:
                words.setdefault(word.lower(), stems[0])
            if not named:
                continue
            for stem in stems:
                found.add(stem)
                surfaces.setdefault(stem, word)
    return frozenset(found - common), surfaces, {w: t for w, t in words.items() if w not in lower_words}


_CAPITAL_BEFORE = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w’'-]*[ \t]+$")
_CAPITAL_AFTER = re.compile(r"[ \t]+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]")


def in_title_phrase(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word stands beside another capitalised word on its line ("the Great Terror", "World
    War", "Верховного Совета"): a run of capitals names one thing, whose dictionary words are no names alone."""
    return bool(_CAPITAL_BEFORE.search(text, max(0, start - 40), start) or _CAPITAL_AFTER.match(text, end))


@cache
def common_word(word: str, language: str) -> bool:
    """Whether the language's dictionary holds a word as a common word: English, lemminflect knows it ("great",
    "war", "court"; not "Mikoyan"); Russian, pymorphy3 knows it and tags it as no name, surname, patronymic, place
    or organisation ("Большого", not "Цой"). Kazakh has no dictionary here: never."""
    if language == "en":
        return bool(read_words(word.lower(), "en")[0].tags)
    if language == "ru":
        tags = read_words(word.lower(), "ru")[0].tags
        return known_word(word, "ru") and not tags & {"name", "surname", "patronymic", "place", "org"}
    return False
