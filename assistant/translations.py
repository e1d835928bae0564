"""Parallel texts at ingest: which documents translate which, and their sentences aligned with the original's.

A corpus document declares itself a human translation with `translation_of = "<id>"` (and
`translator`, `reviewed`, `note`) in sources.toml. Translations are not chunked or searched as
documents of their own: each translated sentence is aligned with an original sentence (e5
similarity plus order, `assistant.alignment`), and the answer shows it beside that original.
A translation whose original is missing, or a sentence that does not align, is reported, never used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .alignment import align, scores
from .chunking import split_sentences
from .types import Chunk, Document, TranslatedSentence


@dataclass(frozen=True)
class AlignmentSummary:
    """What ingest says about one translation: how many of its sentences aligned, and which did not."""

    doc_id: str
    original_doc_id: str
    language: str
    aligned: int
    original_sentences: int
    translated_sentences: int
    flagged: tuple[str, ...] = ()  # sentences (shortened) of the translation left unaligned


def translation_of(doc: Document) -> str | None:
    """The id of the document this one translates, or None for an original."""
    value = doc.meta.get("translation_of")
    return str(value) if value else None


def split_originals(documents: list[Document]) -> tuple[list[Document], list[Document], list[str]]:
    """(originals, translations whose original is present, warnings for the rest)."""
    ids = {d.id for d in documents}
    originals, translations, warnings = [], [], []
    for doc in documents:
        source = translation_of(doc)
        if source is None:
            originals.append(doc)
        elif source in ids and translation_of(next(d for d in documents if d.id == source)) is None:
            translations.append(doc)
        else:
            warnings.append(
                f"{doc.path} says it translates '{source}', which is not an original document in the corpus; "
                "it is not used. Fix translation_of in sources.toml or add the original."
            )
    return originals, translations, warnings


def sentence_spans(doc: Document) -> list[tuple[int, int]]:
    """The sentences of a whole document, as the chunker splits them."""
    from .language import document_language

    return split_sentences(doc.text, language=document_language(doc))


def align_translation(
    original: Document, translation: Document, original_vectors: np.ndarray, translated_vectors: np.ndarray,
) -> tuple[list[TranslatedSentence], AlignmentSummary]:
    """Align a translation's sentences with its original's from their e5 vectors (rows in sentence order)."""
    o_spans, t_spans = sentence_spans(original), sentence_spans(translation)
    language = str(translation.meta.get("language") or "")
    pairs = align(scores(original_vectors, translated_vectors)) if len(o_spans) and len(t_spans) else []
    out = []
    for p in pairs:
        if p.original is not None and p.translation is not None:
            (os_, oe), (ts, te) = o_spans[p.original], t_spans[p.translation]
            out.append(TranslatedSentence(translation.id, language, ts, te, original.id, os_, oe, round(float(p.similarity), 4)))
    used = {(s.start, s.end) for s in out}
    flagged = tuple(_short(translation.text[a:b]) for a, b in t_spans if (a, b) not in used)
    summary = AlignmentSummary(translation.id, original.id, language, len(out), len(o_spans), len(t_spans), flagged)
    return out, summary


def translated_chunk_terms(chunks: list[Chunk], sentences: list[TranslatedSentence], documents: dict[str, Document], language: str, terms) -> list[list[str]]:
    """Per chunk, the terms of its sentences' translations into one language (for that language's BM25)."""
    by_original = {(s.original_doc_id, s.original_start, s.original_end): s for s in sentences if s.language == language}
    out = []
    for chunk in chunks:
        words = []
        for sentence in chunk.sentences:
            t = by_original.get((chunk.doc_id, sentence.start, sentence.end))
            if t is not None:
                words += terms(documents[t.doc_id].text[t.start : t.end], language)
        out.append(words)
    return out


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
