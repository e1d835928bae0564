"""`Assistant`: the one entry point the UI, the CLI and the evaluation all go through.

Orchestration only: analyse the question once, retrieve, score sentences, then answer or refuse.
Each step lives in its own module (question, conversation, retrieval, reading, vocabulary, answer).

Each kind of question is routed here, and each route needs the loaded index, encoders and settings: small talk
(smalltalk), multi-part (parts), lists and overviews (gather), follow-up "why?" (answer.followup), and the
multilingual path. The rules each route applies live in those modules (sentence choice and refusal in `answer/`);
what stays is the wiring, kept in one class so a question can be followed from `ask` to the `Answer` in one file.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from .answer import (
    Found,
    Passages,
    Query,
    compose,
    compose_parts,
    counted_forms,
    hit_of,
    next_passages,
    past_previous_answer,
    question_forms,
    refusal_reason,
    refuse,
    score_candidates,
    select_sentences,
    sources_differ,
)
from .answer.lead_in import with_lead_ins
from .citations import Citer
from .config import Settings, load_settings
from .crosslang import CrossTerms, other_originals, with_quoted_notice
from .embedding import Encoder
from .errors import AssistantError
from .gather import MAX_GATHERED_CHARS, list_sentences, overview_sentences
from .hooks import StageHook, no_hook
from .index.read import IndexData
from .intents import OFF_TOPIC, IntentSpace, intent_of, spaces
from .lang.paired import aligned_terms, paired_words
from .lang.related import WordVectors
from .loading import load_parts
from .messages import message
from .question import Question, analyse
from .reading import QuestionReader
from .register import full_names, with_entry_titles
from .retrieval import search
from .rules import enabled
from .text import terms
from .types import Answer, Document, Hit
from .vocabulary import Vocabulary


class Assistant:
    """Answers questions from a loaded index with quoted, cited source sentences."""

    def __init__(
        self,
        index: IndexData,
        encoder: Encoder,
        settings: Settings,
        hook: StageHook = no_hook,
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
        encode = self.multilingual_encoder.encode_query if self.multilingual_encoder else None
        self.word_vectors = WordVectors(index.words, index.word_vectors, encode) if index.words else None
        self.paired_words = paired_words(aligned_terms(index))  # words its human translations pair (lang/paired.py)
        self._beside = ThreadPoolExecutor(2, thread_name_prefix="question-words")  # threads start on first use
        self._sentence_keys: dict[tuple[str, bool], dict] = {}  # per way of reading: Passages.keys, across questions
        self.cross = CrossTerms(  # names as originals in other scripts spell them (Карлаг, Karlag; Цой, Tsoi)
            index.bm25.vocab_dict, self.vocabulary.names, self.vocabulary.surfaces
        )

    @classmethod
    def load(cls, index_dir: Path | str | None = None, settings: Settings | None = None) -> Assistant:
        """Load and check the index and the models that built it (loading.py); errors name the fix."""
        settings = settings or load_settings()
        if index_dir is not None:
            settings = settings.with_overrides(index_dir=Path(index_dir))
        loaded = load_parts(settings)
        assistant = cls(loaded.index, loaded.encoder, settings, multilingual_encoder=loaded.multilingual)
        len(assistant._intents)  # encode the intent examples now (read from the embedding cache after the first start)
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
            raise AssistantError(
                f"No document '{doc_id}' in the index; run `assistant info` to see what it holds."
            ) from None

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
        return self._search(q, self._encode(q), k or self.settings.top_k, self._across(q))

    def ask(self, question: str, history: list[dict] | None = None, language: str | None = None) -> Answer:
        """Answer with verbatim cited sentences, or say plainly that the sources do not answer.

        The answer is in the question's language (Kazakh, Russian or English): its quotes are the
        originals or their human translations, its messages ours; `language` is the page's, for
        questions that do not show their own. A quote in another language than the answer's (an original with no
        human translation) is quoted as it is, and a notice says which language it is in.
        """
        return with_quoted_notice(self._answer(question, history, language))

    def _answer(self, question: str, history: list[dict] | None, language: str | None) -> Answer:
        with self.hook("analyse"):
            q = self._within_model(self.analyse(question, history, language))
        shown_in = q.language if q.language in ("en", "ru", "kk") else (language or "en")
        if not q.words:
            return Answer(q.text, message("empty", shown_in), True, notice=q.notice, language=shown_in, kind="refusal")
        if q.shape == "smalltalk":  # a fixed reply in the visitor's language, no retrieval
            return Answer(
                q.text,
                message(f"smalltalk_{q.smalltalk}", shown_in),
                False,
                notice=q.notice,
                language=shown_in,
                kind="smalltalk",
            )
        if q.language == "other":
            return Answer(
                q.text, message("other_language", shown_in), True, notice=q.notice, language="other", kind="refusal"
            )
        if q.shape == "multipart":
            return self._multipart(q, history)
        # What the question is about is read beside its encoding: a word the corpus never uses takes an e5 run of
        # its own to place (lang/related.py), which then runs on the other core instead of after the question's.
        multilingual = self._multilingual(q)
        events = self._beside.submit(self.words.events, q, multilingual) if q.shape != "overview" else None
        query_vector = self._encode(q)
        # small talk or an off-topic request in words on no list
        if intent := intent_of(q, query_vector, self._intents[multilingual], multilingual, self.settings):
            off_topic = intent == OFF_TOPIC
            key = "off_topic" if off_topic else f"smalltalk_{intent}"
            kind = "refusal" if off_topic else "smalltalk"
            return Answer(q.text, message(key, shown_in), off_topic, notice=q.notice, language=shown_in, kind=kind)
        across = self._across(q)  # an English question's e5 vector, when some original is not English
        hits = self._search(q, query_vector, self.settings.top_k, across)
        citer = Citer(self.index.documents, self._translations(), self._show_drafts(), self._uncertain)
        with self.hook("select"):
            if q.shape == "overview":
                return self._overview(q, hits, query_vector, citer)
            found = self._find(q, hits, query_vector, events, across)
            hits = found.hits
            if found.reason:
                return refuse(q, hits, found.candidates, citer)
            if q.shape == "list":
                chosen, cut = list_sentences(found.candidates, MAX_GATHERED_CHARS, self._shown_length(q) or _length)
                if len(chosen) > 1:
                    answer = compose(q, with_entry_titles(chosen, self.index.documents, hits), hits, citer, kind="list")
                    return replace(answer, notice=_joined(q.notice, message("list_capped", q.language) if cut else ""))
            answer = compose(q, with_entry_titles(found.chosen, self.index.documents, hits), hits, citer)
            if sources_differ(found.chosen):  # two documents state the fact differently: both are quoted, and we say so
                answer = replace(answer, notice=_joined(answer.notice, message("sources_differ", q.language)))
            return answer

    def _find(
        self,
        q: Question,
        hits: list[Hit],
        query_vector: np.ndarray,
        events: Future | None = None,
        across: np.ndarray | None = None,
    ) -> Found:
        """The scored sentences of the hits, why to refuse ("" if not), and the chosen ones (`events`: what the
        question is about, if already being read; `across`: an English question's e5 vector, which scores the
        sentences of originals in another language)."""
        # Term overlap favours the words of this turn; a bare "Where?" falls back to the resolved query.
        words, multilingual = self.words, self._multilingual(q)
        own = words.terms(q, q.terms, multilingual)
        q_terms = set(own) or set(words.terms(q, q.query_terms, multilingual))
        language = q.language if q.language in ("ru", "kk") else "en"
        with self.hook("words"):
            events = events.result() if events is not None else words.events(q, multilingual)
        passages = self._passages(q)
        why_followup = q.followup and q.asked.slot in ("reason", "manner") and bool(q.previous_answer)
        if why_followup:
            hits = hits + next_passages(passages, q, hits)
        vectors = [passages.sentence_vectors(h) for h in hits]
        query = Query(
            query_vector,
            frozenset(q_terms),
            q.asked,
            events,
            question_forms(q, language, words.bridge(list(q_terms)))
            if enabled(self.settings, "own_words")
            else frozenset(),
            counted_forms(q, language, lambda t: t in self.vocabulary.df, words.nouns()),
            language,
            across,
            full_names(q.query, lambda w: any(self.vocabulary.is_name(t) for t in terms(w, language))),
        )
        e5_vectors = [passages.sentence_vectors(h, across=True) for h in hits] if across is not None else None
        idf, titles = self.vocabulary.idf, self._titles_text
        candidates = score_candidates(
            hits, vectors, query, passages, idf, self.settings, titles, across_vectors=e5_vectors
        )
        if why_followup:
            candidates = past_previous_answer(passages, q, candidates)
        # A sentence OCR read with a word under the confidence floor is never an answer, only further reading.
        certain = [c for c in candidates if not self._uncertain(c.doc_id, c.start, c.end)]
        elsewhere = not self._multilingual(q) and other_originals(self.index)
        reason = refusal_reason(q, certain, self.vocabulary, self.settings, events, elsewhere)
        chosen = [] if reason else select_sentences(certain, q.asked, self.settings, self._shown_length(q))
        chosen = with_lead_ins(chosen, self.index.documents, hits, self.settings.max_answer_chars)
        return Found(certain if chosen else candidates, reason or ("" if chosen else "nothing fits"), chosen, hits)

    def _overview(self, q: Question, hits: list[Hit], query_vector: np.ndarray, citer: Citer) -> Answer:
        """2-5 central sentences of the best section, in reading order, each cited; a refusal when off topic."""
        found = self._find(replace(q, asked=replace(q.asked, slot="")), hits, query_vector)
        if found.reason in ("low score", "unknown name", "off topic"):
            return refuse(q, hits, found.candidates, citer)
        vectors = self._passages(q).vectors()
        if found.candidates:  # the section of the sentence that best matches the question, not only the best passage
            top = hit_of(found.candidates[0], hits)
            hits = [top, *(h for h in hits if h is not top)]
        chosen, where = overview_sentences(
            hits,
            self.index,
            lambda row: vectors[list(self.index.sentence_rows(row))],
            query_vector,
            MAX_GATHERED_CHARS,
            (lambda doc_id, s: shown(_Sentence(doc_id, s.start, s.end, s.text)))
            if (shown := self._shown_length(q))
            else None,
        )
        kept = [(c, h) for c, h in zip(chosen, where, strict=True) if not self._uncertain(c.doc_id, c.start, c.end)]
        chosen, where = [c for c, _ in kept], [h for _, h in kept]
        if len(chosen) < 2:
            return compose(q, found.chosen, hits, citer)
        citations = [
            citer.cite(n, c, h, q.language) for n, (c, h) in enumerate(zip(chosen, where, strict=True), start=1)
        ]
        text = " ".join(f"{c.quote} [{c.n}]" for c in citations)
        return Answer(q.text, text, False, tuple(citations), (), q.query, q.notice, q.language, kind="overview")

    def _multipart(self, q: Question, history: list[dict] | None) -> Answer:
        """Each part answered with its own citations, or named as not answered; a refusal only when none is answered."""
        parts = [
            self.analyse(label, [{"role": "user", "content": q.part_labels[i - 1]}] if i else history, q.language)
            for i, label in enumerate(q.part_labels)
        ]
        # Each part keeps the whole question's language; a part leaning on the one before it ("and who advised
        # him?") is searched with it, but checked on its own words (not as a lenient conversational follow-up).
        parts = [replace(p, shape="answer", language=q.language, followup=False) for p in parts]
        vectors = self._encode_parts(q, parts)
        citer = Citer(self.index.documents, self._translations(), self._show_drafts(), self._uncertain)

        def found(part: Question, vector: np.ndarray) -> Found:
            hits = self._search(part, vector, self.settings.top_k, self._across(part))
            with self.hook("select"):
                return self._find(part, hits, vector)

        found_parts = (  # read lazily: once a translated answer fills the screen, the rest are not searched
            (label, part, found(part, vector))
            for label, part, vector in zip(q.part_labels, parts, vectors, strict=True)
        )
        return compose_parts(q, found_parts, citer, self._shown_length(q))

    def _encode_parts(self, q: Question, parts: list[Question]) -> list[np.ndarray]:
        """One vector per part: English parts in one batch; Russian and Kazakh parts share the whole question's e5 vector."""
        if self._multilingual(q):
            whole = self._encode(q)
            return [whole] * len(parts)
        with self.hook("encode"):
            return list(self.encoder.encode([self.vocabulary.respelt(p.query) for p in parts]))

    @cached_property
    def _intents(self) -> dict[bool, IntentSpace]:
        return spaces(self.encoder, self.multilingual_encoder, self.settings.cache_dir / "embeddings.sqlite")

    @property
    def words(self) -> QuestionReader:
        """The question's words read against this index's vocabulary and word vectors, under these settings."""
        return QuestionReader(self.vocabulary, self.word_vectors, self.settings, self.paired_words)

    def _passages(self, q: Question) -> Passages:
        """The index as this question reads it (its model's sentence vectors, its language's translations)."""
        multilingual = self._multilingual(q)
        keys = self._sentence_keys.setdefault((q.language, multilingual), {})
        return Passages(self.index, q.language, multilingual, self.cross, keys)

    def _shown_length(self, q: Question):
        return self._passages(q).shown_length()

    def _multilingual(self, q: Question) -> bool:
        """Whether this question goes through the multilingual encoder and the translations."""
        return q.language in ("ru", "kk") and self.multilingual_encoder is not None

    def _within_model(self, q: Question) -> Question:
        """A question longer than its encoder reads is read up to the model's limit, and the answer says so."""
        if q.language not in ("en", "ru", "kk") or q.shape == "smalltalk":
            return q
        encoder = self.multilingual_encoder if self._multilingual(q) else self.encoder
        if encoder.fits(q.query):
            return q
        return replace(q, notice=_joined(q.notice, message("read_in_part", q.language)))

    def _encode(self, q: Question) -> np.ndarray:
        # Encoded in every mode: sentence selection compares sentence vectors with it.
        encoder = self.multilingual_encoder if self._multilingual(q) else self.encoder
        # A misspelt English word is embedded as the sources spell it ("stallin" -> "Stalin"); e5 reads
        # Russian and Kazakh misspellings well enough, and respelling them lost passages on the gold set.
        query = q.query if self._multilingual(q) else self.vocabulary.respelt(q.query)
        with self.hook("encode"):
            return encoder.encode_query(query)

    def _across(self, q: Question) -> np.ndarray | None:
        """An English question's e5 vector, when some original is not English: only e5 reads those (one run, for the
        search and the scoring of their sentences); None otherwise."""
        if self._multilingual(q) or self.multilingual_encoder is None or not other_originals(self.index):
            return None
        with self.hook("encode"):
            return self.multilingual_encoder.encode_query(q.query)

    def _search(self, q: Question, vector: np.ndarray, k: int, across: np.ndarray | None = None) -> list[Hit]:
        language = q.language if self._multilingual(q) else "en"
        words = self.words
        query_terms = words.terms(q, q.query_terms, self._multilingual(q))
        spelt = self.cross.bridged(query_terms)  # the same names as originals in other scripts write them
        bridge = words.bridge(query_terms) + spelt
        return search(self.index, vector, query_terms + spelt, k, self.settings, self.hook, language, bridge, across)

    def _uncertain(self, doc_id: str, start: int, end: int) -> bool:
        """Whether OCR read a word of this span under the confidence floor (never for a typed document)."""
        return self.index.uncertain(doc_id, start, end, self.settings.ocr_confidence_floor)

    def _translations(self) -> dict:
        return self.index.multilingual.translations if self.index.multilingual else {}

    def _show_drafts(self) -> bool:
        return not self.settings.kiosk or self.settings.kiosk_draft_translations


@dataclass(frozen=True)
class _Sentence:  # a sentence's span, as `_shown_length` reads it
    doc_id: str
    start: int
    end: int
    text: str


def _length(c) -> int:
    return len(c.text)


def _joined(*notices: str) -> str:
    return " ".join(n for n in notices if n)
