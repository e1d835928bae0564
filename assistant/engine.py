"""`Assistant`: the one entry point the UI, the CLI and the evaluation all go through."""

from __future__ import annotations

import bisect
import difflib
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

from .answer import compose, question_type, refuse, score_candidates, select_sentences
from .config import Settings, load_settings
from .conversation import resolve_query
from .embedding import Encoder
from .errors import AssistantError
from .index import IndexData, load_index
from .retrieval import search
from .text import STOPWORDS, plain_text, terms, words
from .types import Answer, Document, Hit

OFF_TOPIC_SIMILARITY = 0.45  # below this, a question mostly in words the corpus lacks is off topic
EMPTY_PROMPT = (
    "Please type a question about Soviet political rehabilitation, for example "
    "“When was Leon Trotsky rehabilitated?”"
)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class Assistant:
    """Answers questions from a loaded index with quoted, cited source sentences."""

    def __init__(self, index: IndexData, encoder: Encoder, settings: Settings):
        self.index = index
        self.encoder = encoder
        self.settings = settings
        self.titles = {d.id: d.title for d in index.documents.values()}
        self._df, self._n_docs = _document_frequencies(index)
        self._titles_text = frozenset(self.titles.values())
        self._sorted_terms = sorted(self._df)

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
        clone = object.__new__(Assistant)
        clone.__dict__.update(self.__dict__)
        clone.settings = self.settings.with_overrides(**overrides)
        return clone

    def document(self, doc_id: str) -> Document:
        try:
            return self.index.documents[doc_id]
        except KeyError:
            raise AssistantError(f"No document '{doc_id}' in the index; run `assistant info` to see what it holds.") from None

    # --- the question path -----------------------------------------------------------

    def retrieve(self, question: str, history: list[dict] | None = None, k: int | None = None) -> list[Hit]:
        """The passages a question (resolved against the history) retrieves, best first."""
        question, _ = self._clean(question)
        query = _without_markup(self._query(question, history))
        return self._search(query, self._encode(query), k or self.settings.top_k)

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        """Answer with verbatim cited sentences, or say plainly that the sources do not answer."""
        question, notice = self._clean(question)
        if not words(question):
            return Answer(question, EMPTY_PROMPT, True, notice=notice)
        query = _without_markup(self._query(question, history))
        query_vector = self._encode(query)
        hits = self._search(query, query_vector, self.settings.top_k)
        qtype = question_type(question)
        # Term overlap favours the words of this turn; a bare "Where?" falls back to the resolved query.
        q_terms = set(self._corrected_terms(_without_markup(question))) or set(self._corrected_terms(query))
        vectors = [self._sentence_vectors(h) for h in hits]
        candidates = score_candidates(
            hits, vectors, query_vector, q_terms, self._idf(), qtype, _sentence_terms, self._titles_text
        )
        if self._should_refuse(_without_markup(question), candidates):
            return refuse(question, query, hits, candidates, self.titles, notice)
        chosen = select_sentences(candidates, qtype, self.settings.max_answer_sentences)
        return compose(question, query, chosen, hits, self.titles, notice)

    def _clean(self, question) -> tuple[str, str]:
        """Plain text of bounded length: control and invisible characters dropped."""
        if not isinstance(question, str):
            question = "" if question is None else str(question)
        text = plain_text(unicodedata.normalize("NFC", _INVISIBLE.sub(" ", question)))
        limit = self.settings.max_question_chars
        if len(text) > limit:
            return text[:limit], f"Your question was shortened to its first {limit} characters."
        return text, ""

    def _query(self, question: str, history: list[dict] | None) -> str:
        return resolve_query(question, history) if self.settings.resolve_followups else question

    def _encode(self, query: str) -> np.ndarray:
        # Encoded in every mode: sentence selection compares sentence vectors with it.
        return self.encoder.encode_query(query)

    def _search(self, query: str, vector, k: int) -> list[Hit]:
        mode = self.settings.retrieval_mode
        return search(self.index, vector, self._corrected_terms(query), k, mode, self.settings.fusion_k)

    def _sentence_vectors(self, hit: Hit) -> np.ndarray:
        rows = {}
        for row in hit.rows:
            for sentence, vrow in zip(self.index.chunks[row].sentences, self.index.sentence_rows(row), strict=True):
                rows[(sentence.start, sentence.end)] = vrow
        order = [rows[(s.start, s.end)] for s in hit.chunk.sentences]
        return self.index.sentence_vectors[order]

    # --- knowing what the corpus does not contain ------------------------------------

    def _idf(self) -> dict[str, float]:
        return _IdfView(self._df, self._n_docs)

    def _corrected_terms(self, text: str) -> list[str]:
        """Query terms with typos mapped to the nearest corpus term ("khruschev" -> "khrushchev")."""
        return [self._nearest_term(t) or t for t in terms(text)]

    def _nearest_term(self, term: str) -> str | None:
        """The corpus term a query term stands for: itself, a longer form ("kazakh"), or a near spelling."""
        if term in self._df:
            return term
        if len(term) < 4:
            return None
        at = bisect.bisect_left(self._sorted_terms, term)
        if len(term) >= 5 and at < len(self._sorted_terms) and self._sorted_terms[at].startswith(term):
            return self._sorted_terms[at]
        same_letter = self._sorted_terms[self._first_letter(term[0])]
        match = difflib.get_close_matches(term, [t for t in same_letter if abs(len(t) - len(term)) <= 2], n=1, cutoff=0.75)
        return match[0] if match else None

    def _first_letter(self, letter: str) -> slice:
        lo = bisect.bisect_left(self._sorted_terms, letter)
        hi = bisect.bisect_left(self._sorted_terms, chr(ord(letter) + 1))
        return slice(lo, hi)

    def unknown_terms(self, question: str) -> list[str]:
        """Content words of the question that the corpus never uses, even allowing for typos."""
        unknown = []
        for word in words(question):
            if word in STOPWORDS or len(word) < 3:
                continue
            stem = terms(word)
            if stem and self._nearest_term(stem[0]) is None:
                unknown.append(word)
        return unknown

    def _should_refuse(self, question: str, candidates) -> bool:
        """Refuse when nothing scores well, or the question names things the sources never mention.

        Rules, in order (thresholds tuned on the gold set's tune split):
          1. no candidate sentence, or the best scores under `min_answer_score`;
          2. the question names something specific the corpus never uses (a capitalised
             name such as "Bukharin", or a rare word the model does not know whole);
          3. most of its content words are unknown to the corpus and nothing is close in meaning.
        """
        if not candidates or candidates[0].score < self.settings.min_answer_score:
            return True
        content = [w for w in words(question) if w not in STOPWORDS and len(w) >= 3]
        unknown = self.unknown_terms(question)
        if any(self._is_specific(w, question) for w in unknown):
            return True
        return bool(content) and len(unknown) / len(content) > 0.5 and candidates[0].similarity < OFF_TOPIC_SIMILARITY

    def _is_specific(self, word: str, question: str) -> bool:
        """A name or rare word: capitalised inside the question, or long and not a word the model knows."""
        for m in re.finditer(rf"\b{re.escape(word)}\b", question, re.I):
            if m.start() > 0 and question[m.start()].isupper():
                return True
        known = self.encoder.is_vocabulary_word(word) or (word.endswith("s") and self.encoder.is_vocabulary_word(word[:-1]))
        return len(word) >= 6 and not known


class _IdfView(dict):
    """IDF looked up lazily from document frequencies."""

    def __init__(self, df: dict[str, int], n: int):
        super().__init__()
        self.df, self.n = df, n

    def get(self, term, default=None):
        count = self.df.get(term, 0)
        return math.log(1 + (self.n - count + 0.5) / (count + 0.5))


def _document_frequencies(index: IndexData) -> tuple[dict[str, int], int]:
    """How many chunks use each stemmed term, read from the BM25 index."""
    indptr = np.asarray(index.bm25.scores["indptr"])
    counts = np.diff(indptr)
    df = {term: int(counts[i]) for term, i in index.bm25.vocab_dict.items() if i < len(counts)}
    return df, max(1, len(index.chunks))


def _without_markup(text: str) -> str:
    """The words of a question with any HTML-like tags removed (they are shown, never searched)."""
    return " ".join(_TAG.sub(" ", text).split()) or text


@lru_cache(maxsize=65536)
def _sentence_terms(text: str) -> frozenset[str]:
    return frozenset(terms(text))
