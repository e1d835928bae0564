"""How answering reads the loaded index for one question: each retrieved sentence's vector and terms (with its
human translation's terms in the question's language), the text before a passage, and how much of the screen
a translated sentence takes beside its original.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..index.read import IndexData
from ..text import terms
from ..types import Hit, Sentence

CONTEXT_CHARS = 700  # text before a passage read for the subject its first sentence leans on


@dataclass(frozen=True)
class Passages:
    """The index as one question reads it: through the multilingual (e5) vectors and its language's translations
    (`language` "ru" or "kk" with `multilingual` set), or through the English model's vectors."""

    index: IndexData
    language: str = "en"
    multilingual: bool = False

    @property
    def translations(self) -> dict:
        return self.index.multilingual.translations if self.index.multilingual else {}

    def vectors(self) -> np.ndarray:
        """Every sentence vector of the model this question is encoded with, rows as `index.sentence_rows`."""
        return self.index.multilingual.sentence_vectors if self.multilingual else self.index.sentence_vectors

    def sentence_vectors(self, hit: Hit) -> np.ndarray:
        """The vectors of a hit's sentences, in their order (a merged hit spans several chunk rows)."""
        rows = {}
        for row in hit.rows:
            for sentence, vrow in zip(self.index.chunks[row].sentences, self.index.sentence_rows(row), strict=True):
                rows[(sentence.start, sentence.end)] = vrow
        return self.vectors()[[rows[(s.start, s.end)] for s in hit.chunk.sentences]]

    def sentence_terms(self, doc_id: str, s: Sentence) -> frozenset[str]:
        """A sentence's own (English) terms, plus its translation's in the question's language."""
        own = sentence_terms(s.text)
        if not self.multilingual:
            return own
        t = self.translation(doc_id, s.start, s.end)
        return own | sentence_terms(self.index.documents[t.doc_id].text[t.start : t.end], self.language) if t else own

    def translation(self, doc_id: str, start: int, end: int):
        """The aligned translation of an original sentence into the question's language, or None."""
        return self.translations.get((doc_id, start, end), {}).get(self.language)

    def translated_text(self, doc_id: str, start: int, end: int) -> str | None:
        t = self.translation(doc_id, start, end)
        return self.index.documents[t.doc_id].text[t.start : t.end] if t is not None else None

    def context_terms(self, doc_id: str, start: int) -> frozenset[str]:
        """The terms of the text just before a passage (the sentence a "he" or "it" in it leans on)."""
        text = self.index.documents[doc_id].text
        return sentence_terms(text[max(0, start - CONTEXT_CHARS) : start])

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
