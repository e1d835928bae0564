"""How answering reads the loaded index for one question: each retrieved sentence's vector and terms (with its
human translation's terms in the question's language), the text before a passage, and how much of the screen
a translated sentence takes beside its original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..index.read import IndexData
from ..lang.facts import Facts, read_facts
from ..lang.words import read_words
from ..register import entry_title
from ..text import terms
from ..types import Hit, Sentence

CONTEXT_CHARS = 700  # text before a passage read for the subject its first sentence leans on
REMEMBERED_SENTENCES = 8192  # sentences whose keys one `Passages.keys` holds at most (bounded: a server runs for days)


@dataclass(frozen=True)
class Passages:
    """The index as one question reads it: through the multilingual (e5) vectors and its language's translations
    (`language` "ru" or "kk" with `multilingual` set), or through the English model's vectors."""

    index: IndexData
    language: str = "en"
    multilingual: bool = False
    cross: object = None  # crosslang.CrossTerms: a sentence's terms also as the originals' other scripts spell them
    # (doc_id, start, end, text) -> `sentence_keys`, kept by the caller across the questions read the same way (one
    # index, language and model): every question scores its retrieved sentences again. None: worked out each time.
    keys: dict | None = field(default=None, compare=False)

    @property
    def translations(self) -> dict:
        return self.index.multilingual.translations if self.index.multilingual else {}

    def vectors(self) -> np.ndarray:
        """Every sentence vector of the model this question is encoded with, rows as `index.sentence_rows`."""
        return self.index.multilingual.sentence_vectors if self.multilingual else self.index.sentence_vectors

    def sentence_vectors(self, hit: Hit, across: bool = False) -> np.ndarray:
        """The vectors of a hit's sentences, in their order (a merged hit spans several chunk rows); `across`: their e5
        vectors whatever model the question is read with (an English question meeting a Russian or Kazakh original)."""
        rows = {}
        for row in hit.rows:
            for sentence, vrow in zip(self.index.chunks[row].sentences, self.index.sentence_rows(row), strict=True):
                rows[(sentence.start, sentence.end)] = vrow
        table = self.index.multilingual.sentence_vectors if across else self.vectors()
        return table[[rows[(s.start, s.end)] for s in hit.chunk.sentences]]

    def facts(self, doc_id: str, s: Sentence) -> Facts:
        """What a sentence states, as the index read it at ingest (or read now, for an index without facts)."""
        found = self.index.facts.get((doc_id, s.start, s.end))
        return found if found is not None else read_facts(s.text, self.document_language(doc_id))

    def document_language(self, doc_id: str) -> str:
        return str(self.index.documents[doc_id].meta.get("language") or "en")

    def original_in_other_language(self, doc_id: str, language: str) -> bool:
        """Whether a document is an original (not a translation) written in another language than `language`."""
        meta = self.index.documents[doc_id].meta
        return not meta.get("translation_of") and self.document_language(doc_id) != language

    def sentence_keys(self, doc_id: str, s: Sentence) -> frozenset[str]:
        """The forms a question word may take to be held by a sentence: its own words' stems and dictionary forms,
        plus, for a Russian or Kazakh question, those of its human translation into that language."""
        if self.keys is None:
            return self._sentence_keys(doc_id, s)
        key = (doc_id, s.start, s.end, s.text)
        found = self.keys.get(key)
        if found is None:
            if len(self.keys) >= REMEMBERED_SENTENCES:
                self.keys.clear()  # one atomic step, safe beside other threads
            found = self.keys[key] = self._sentence_keys(doc_id, s)
        return found

    def _sentence_keys(self, doc_id: str, s: Sentence) -> frozenset[str]:
        own = self.facts(doc_id, s).keys | sentence_terms(s.text, self.document_language(doc_id))
        if self.cross is not None:
            own = self.cross.widened(own)
        if not self.multilingual:
            return own
        t = self.translation(doc_id, s.start, s.end)
        if t is None:
            return own
        text = self.index.documents[t.doc_id].text[t.start : t.end]
        found = self.index.facts.get((t.doc_id, t.start, t.end))
        translated = found.keys if found is not None else read_facts(text, self.language).keys
        return own | translated | sentence_terms(text, self.language)

    def translation(self, doc_id: str, start: int, end: int):
        """The aligned translation of an original sentence into the question's language, or None."""
        return self.translations.get((doc_id, start, end), {}).get(self.language)

    def translated_text(self, doc_id: str, start: int, end: int) -> str | None:
        t = self.translation(doc_id, start, end)
        return self.index.documents[t.doc_id].text[t.start : t.end] if t is not None else None

    def context_terms(self, doc_id: str, start: int) -> frozenset[str]:
        """The terms and word forms of the text just before a passage (the sentence a "he" or "it" in it leans on)."""
        text = self.index.documents[doc_id].text[max(0, start - CONTEXT_CHARS) : start]
        own = context_keys(text, self.document_language(doc_id))
        return self.cross.widened(own) if self.cross is not None else own

    def title_terms(self, doc_id: str, section: tuple[str, ...] = ()) -> frozenset[str]:
        """The terms of a document's title: what every sentence in it is about ("The camp was closed ..." in
        "Steppe camp"); in a register, also those of the entry's title line ("Расстреляна 18.11.1937." under
        "Залога-Тен Валентина Александровна  32 года", assistant.register)."""
        doc, language = self.index.documents[doc_id], self.document_language(doc_id)
        entry = self.entry_title(doc_id, section)
        return context_keys(doc.title, language) | (context_keys(entry, language) if entry else frozenset())

    def restates_title(self, doc_id: str, section: tuple[str, ...], own: str) -> bool:
        """Whether a fact box's field (`own`, "Holiday Name: Remembrance Day ...") holds no word beyond its document's
        title: it names the box's subject, and answers nothing."""
        value = own.partition(":")[2]
        return context_keys(value, self.document_language(doc_id)) <= self.title_terms(doc_id, section)

    def entry_terms(self, doc_id: str, section: tuple[str, ...]) -> frozenset[str]:
        """The terms of a register entry's title line (its person's name): what each of its lines is about."""
        entry = self.entry_title(doc_id, section)
        return sentence_terms(entry, self.document_language(doc_id)) if entry else frozenset()

    def entry_title(self, doc_id: str, section: tuple[str, ...]) -> str:
        """The title line of the register entry a passage belongs to, or "" (assistant.register)."""
        return entry_title(self.index.documents[doc_id], section)

    def shown_length(self):
        """For a translated answer, how much of the screen a sentence takes: its translation and the original
        beside it; None for an answer shown as it is."""
        if not self.multilingual:
            return None
        documents = self.index.documents

        def shown(c) -> int:
            t = self.translation(c.doc_id, c.start, c.end)
            return len(c.text) + (t.end - t.start if t is not None and t.doc_id in documents else 0)

        return shown


@lru_cache(maxsize=65536)
def sentence_terms(text: str, language: str = "en") -> frozenset[str]:
    """A text's stemmed terms, remembered (sentences recur across questions)."""
    return frozenset(terms(text, language))


@lru_cache(maxsize=4096)
def context_keys(text: str, language: str) -> frozenset[str]:
    """A stretch of text's terms and its words' dictionary forms, remembered."""
    forms = {f for w in read_words(text, language) if "stop" not in w.tags for f in w.forms}
    return frozenset(forms) | sentence_terms(text, language)
