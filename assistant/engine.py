"""`Assistant`: the one entry point the UI, the CLI and the evaluation all go through.

Orchestration only: analyse the question once, retrieve, score sentences, then answer or refuse.
Each step lives in its own module (question, conversation, retrieval, vocabulary, answer).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from .answer import EMPTY_PROMPT, compose, refuse, score_candidates, select_sentences, should_refuse
from .config import Settings, load_settings
from .embedding import Encoder
from .errors import AssistantError
from .hooks import StageHook, no_hook
from .index.read import IndexData, load_index
from .question import Question, analyse
from .retrieval import search
from .text import terms
from .types import Answer, Document, Hit
from .vocabulary import Vocabulary


class Assistant:
    """Answers questions from a loaded index with quoted, cited source sentences."""

    def __init__(self, index: IndexData, encoder: Encoder, settings: Settings, hook: StageHook = no_hook):
        self.index = index
        self.encoder = encoder
        self.settings = settings
        self.hook = hook
        self.titles = {d.id: d.title for d in index.documents.values()}
        self.vocabulary = Vocabulary.from_index(index, encoder.is_vocabulary_word)
        self._titles_text = frozenset(self.titles.values())

    @classmethod
    def load(cls, index_dir: Path | str | None = None, settings: Settings | None = None) -> Assistant:
        """Load and check the index and the model that built it; errors name the fix."""
        settings = settings or load_settings()
        if index_dir is not None:
            settings = settings.with_overrides(index_dir=Path(index_dir))
        encoder = Encoder.for_queries(settings)
        index = load_index(settings.index_dir, encoder.model_id, settings.hnsw_ef_search)
        assistant = cls(index, encoder, settings)
        encoder.encode_query("warm up")  # load the model now, not on the first visitor's question
        return assistant

    def with_settings(self, **overrides) -> Assistant:
        """The same loaded index and model under other settings (for side-by-side evaluation)."""
        return self._clone(settings=self.settings.with_overrides(**overrides))

    def with_hook(self, hook: StageHook) -> Assistant:
        """The same assistant with `hook(stage)` wrapped around "encode", "dense", "lexical" and "select"."""
        return self._clone(hook=hook)

    def _clone(self, **changes) -> Assistant:
        clone = object.__new__(Assistant)
        clone.__dict__.update(self.__dict__, **changes)
        return clone

    def document(self, doc_id: str) -> Document:
        try:
            return self.index.documents[doc_id]
        except KeyError:
            raise AssistantError(f"No document '{doc_id}' in the index; run `assistant info` to see what it holds.") from None

    # --- the question path -----------------------------------------------------------

    def analyse(self, question, history: list[dict] | None = None) -> Question:
        """The question cleaned and analysed once, resolved against the history if it is a follow-up."""
        s = self.settings
        return analyse(question, history, s.max_question_chars, s.resolve_followups)

    def retrieve(self, question: str, history: list[dict] | None = None, k: int | None = None) -> list[Hit]:
        """The passages a question (resolved against the history) retrieves, best first."""
        q = self.analyse(question, history)
        return self._search(q, self._encode(q), k or self.settings.top_k)

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        """Answer with verbatim cited sentences, or say plainly that the sources do not answer."""
        q = self.analyse(question, history)
        if not q.words:
            return Answer(q.text, EMPTY_PROMPT, True, notice=q.notice)
        query_vector = self._encode(q)
        hits = self._search(q, query_vector, self.settings.top_k)
        with self.hook("select"):
            # Term overlap favours the words of this turn; a bare "Where?" falls back to the resolved query.
            q_terms = set(self.vocabulary.corrected(q.terms)) or set(self.vocabulary.corrected(q.query_terms))
            vectors = [self._sentence_vectors(h) for h in hits]
            candidates = score_candidates(
                hits, vectors, query_vector, q_terms, self.vocabulary.idf, q.kind, _sentence_terms, self.settings,
                self._titles_text,
            )
            if should_refuse(q, candidates, self.vocabulary, self.settings):
                return refuse(q.text, q.query, hits, candidates, self.titles, q.notice)
            chosen = select_sentences(candidates, q.kind, self.settings)
            return compose(q.text, q.query, chosen, hits, self.titles, q.notice)

    def _encode(self, q: Question) -> np.ndarray:
        # Encoded in every mode: sentence selection compares sentence vectors with it.
        with self.hook("encode"):
            return self.encoder.encode_query(q.query)

    def _search(self, q: Question, vector: np.ndarray, k: int) -> list[Hit]:
        query_terms = self.vocabulary.corrected(q.query_terms)
        return search(self.index, vector, query_terms, k, self.settings, self.hook)

    def _sentence_vectors(self, hit: Hit) -> np.ndarray:
        rows = {}
        for row in hit.rows:
            for sentence, vrow in zip(self.index.chunks[row].sentences, self.index.sentence_rows(row), strict=True):
                rows[(sentence.start, sentence.end)] = vrow
        order = [rows[(s.start, s.end)] for s in hit.chunk.sentences]
        return self.index.sentence_vectors[order]


@lru_cache(maxsize=65536)
def _sentence_terms(text: str) -> frozenset[str]:
    return frozenset(terms(text))
