"""`Assistant`: the one entry point the UI, the CLI and the evaluation all go through.

Orchestration only: analyse the question once, retrieve, score sentences, then answer or refuse.
Each step lives in its own module (question, conversation, retrieval, vocabulary, answer).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from .answer import compose, refuse, score_candidates, select_sentences, should_refuse
from .citations import Citer
from .config import Settings, load_settings
from .embedding import Encoder
from .errors import AssistantError
from .hooks import StageHook, no_hook
from .index.read import IndexData, load_index
from .language import is_cyrillic
from .messages import message
from .question import Question, analyse
from .retrieval import search
from .text import terms
from .types import Answer, Document, Hit, Sentence
from .vocabulary import Vocabulary


class Assistant:
    """Answers questions from a loaded index with quoted, cited source sentences."""

    def __init__(
        self, index: IndexData, encoder: Encoder, settings: Settings, hook: StageHook = no_hook,
        multilingual_encoder: Encoder | None = None,
    ):
        self.index = index
        self.encoder = encoder
        self.multilingual_encoder = multilingual_encoder if index.multilingual else None
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
        multilingual = Encoder.for_multilingual(settings)
        if index.multilingual and multilingual and multilingual.model_id != index.multilingual.model_id:
            raise AssistantError(
                f"{settings.index_dir}/ holds {index.multilingual.model_id} vectors but settings ask for "
                f"{multilingual.model_id}; run `assistant ingest` to rebuild it."
            )
        assistant = cls(index, encoder, settings, multilingual_encoder=multilingual)
        encoder.encode_query("warm up")  # load the models now, not on the first visitor's question
        if assistant.multilingual_encoder:
            assistant.multilingual_encoder.encode_query("warm up")
        for sample in ("warm up", "Когда это было?", "Бұл қашан болды?"):  # the language identifiers and stemmers
            assistant.analyse(sample)
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

    def analyse(self, question, history: list[dict] | None = None, language: str | None = None) -> Question:
        """The question cleaned and analysed once, resolved against the history if it is a follow-up.

        `language` is the page's language, assumed when the question itself does not tell.
        """
        s = self.settings
        return analyse(question, history, s.max_question_chars, s.resolve_followups, language or "en")

    def retrieve(self, question: str, history: list[dict] | None = None, k: int | None = None) -> list[Hit]:
        """The passages a question (resolved against the history) retrieves, best first."""
        q = self.analyse(question, history)
        return self._search(q, self._encode(q), k or self.settings.top_k)

    def ask(self, question: str, history: list[dict] | None = None, language: str | None = None) -> Answer:
        """Answer with verbatim cited sentences, or say plainly that the sources do not answer.

        The answer is in the question's language (Kazakh, Russian or English): its quotes are the
        originals or their human translations, its messages ours; `language` is the page's, for
        questions that do not show their own.
        """
        q = self.analyse(question, history, language)
        shown_in = q.language if q.language != "other" else (language or "en")
        if not q.words:
            return Answer(q.text, message("empty", shown_in), True, notice=q.notice, language=shown_in)
        if q.language == "other":
            return Answer(q.text, message("other_language", shown_in), True, notice=q.notice, language="other")
        query_vector = self._encode(q)
        hits = self._search(q, query_vector, self.settings.top_k)
        citer = Citer(self.index.documents, self._translations(), self._show_drafts())
        with self.hook("select"):
            # Term overlap favours the words of this turn; a bare "Where?" falls back to the resolved query.
            q_terms = set(self._terms(q, q.terms)) or set(self._terms(q, q.query_terms))
            vectors = [self._sentence_vectors(h, q) for h in hits]
            candidates = score_candidates(
                hits, vectors, query_vector, q_terms, self.vocabulary.idf, q.kind, self._sentence_terms_for(q),
                self.settings, self._titles_text,
            )
            if should_refuse(q, candidates, self.vocabulary, self.settings):
                return refuse(q, hits, candidates, citer)
            chosen = select_sentences(candidates, q.kind, self.settings)
            return compose(q, chosen, hits, citer)

    def _multilingual(self, q: Question) -> bool:
        """Whether this question goes through the multilingual encoder and the translations."""
        return q.language in ("ru", "kk") and self.multilingual_encoder is not None

    def _encode(self, q: Question) -> np.ndarray:
        # Encoded in every mode: sentence selection compares sentence vectors with it.
        encoder = self.multilingual_encoder if self._multilingual(q) else self.encoder
        with self.hook("encode"):
            return encoder.encode_query(q.query)

    def _search(self, q: Question, vector: np.ndarray, k: int) -> list[Hit]:
        language = q.language if self._multilingual(q) else "en"
        query_terms = self._terms(q, q.query_terms)
        return search(self.index, vector, query_terms, k, self.settings, self.hook, language, self._bridge(query_terms))

    def _terms(self, q: Question, stems) -> list[str]:
        """Query terms with typos corrected; a Russian or Kazakh question's also bridged to the originals' spelling."""
        corrected = self.vocabulary.corrected(stems)
        return list(dict.fromkeys(corrected + self._bridge(corrected))) if self._multilingual(q) else corrected

    def _bridge(self, stems: list[str]) -> list[str]:
        """The terms the originals' lexical index can match: numbers, Latin words, Cyrillic names in Latin spelling."""
        out = []
        for t in stems:
            if not is_cyrillic(t):
                out.append(t)
            elif (latin := self.vocabulary.latin(t)) is not None:
                out.append(latin)
        return out

    def _sentence_vectors(self, hit: Hit, q: Question) -> np.ndarray:
        rows = {}
        for row in hit.rows:
            for sentence, vrow in zip(self.index.chunks[row].sentences, self.index.sentence_rows(row), strict=True):
                rows[(sentence.start, sentence.end)] = vrow
        order = [rows[(s.start, s.end)] for s in hit.chunk.sentences]
        vectors = self.index.multilingual.sentence_vectors if self._multilingual(q) else self.index.sentence_vectors
        return vectors[order]

    def _sentence_terms_for(self, q: Question):
        """How a sentence's terms are read: its own (English) terms, plus its translation's in the question's language."""
        if not self._multilingual(q):
            return lambda doc_id, s: _sentence_terms(s.text)
        translations, documents, language = self._translations(), self.index.documents, q.language

        def sentence_terms(doc_id: str, s: Sentence) -> frozenset[str]:
            t = translations.get((doc_id, s.start, s.end), {}).get(language)
            own = _sentence_terms(s.text)
            return own | _sentence_terms(documents[t.doc_id].text[t.start : t.end], language) if t else own

        return sentence_terms

    def _translations(self) -> dict:
        return self.index.multilingual.translations if self.index.multilingual else {}

    def _show_drafts(self) -> bool:
        return not self.settings.kiosk or self.settings.kiosk_draft_translations


@lru_cache(maxsize=65536)
def _sentence_terms(text: str, language: str = "en") -> frozenset[str]:
    return frozenset(terms(text, language))
