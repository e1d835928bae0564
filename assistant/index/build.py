"""Ingest: corpus -> chunks -> vectors (reusing cached ones) -> a new build, under the folder's lock.

One ingest at a time writes an index folder; a second is refused, not interleaved (or, when it asks to
`wait`, it waits its turn and then finds the index the first one built). The encoder
calls run inside `hook("embed")` and the write's steps inside the stages `write_index` names.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..chunking import chunk_corpus, chunker_settings, embedded_sentence, embedded_text
from ..config import Settings
from ..corpus import Skipped, load_corpus
from ..embedding import EmbeddingCache, Encoder, embed_with_cache
from ..errors import CorpusError, IndexLockedError
from ..files import file_lock
from ..hooks import StageHook, no_hook
from ..lang.facts import corpus_names, corpus_places, facts_fingerprint, read_facts
from ..lang.related import embed_words, table_words
from ..scan.reader import ScanReader, ScanReport
from ..text import terms
from ..translations import AlignmentSummary, align_translation, sentence_spans, split_originals, translated_chunk_terms
from .layout import FORMAT_VERSION, LOCK
from .status import corpus_hashes, index_status
from .write import Multilingual, remove_leftovers, write_index


@dataclass
class IngestReport:
    """What an ingest did, for the CLI summary."""

    documents: int = 0
    chunks: int = 0
    sentences: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    up_to_date: bool = False
    build: str = ""
    warnings: list[str] = field(default_factory=list)  # translations that could not be used
    alignments: list[AlignmentSummary] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # one line per document: its language, where from, its chunks
    scans: list[ScanReport] = field(default_factory=list)  # each scanned document: pages, pages/minute, confidence


@contextmanager
def ingest_lock(index_dir: Path, wait: bool = False, progress: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on the index folder; a second ingest is refused, not interleaved, unless it asks to
    `wait` for its turn (two servers started together on one stale index: the second serves what the first built)."""
    with ExitStack() as stack:
        try:
            stack.enter_context(file_lock(index_dir / LOCK, blocking=False))
        except BlockingIOError:
            if not wait:
                raise IndexLockedError(
                    f"Another ingest is writing {index_dir}/ right now; wait for it to finish, then run this again."
                ) from None
            if progress:
                print(f"Another process is building {index_dir}/; waiting for it to finish.", flush=True)
            stack.enter_context(file_lock(index_dir / LOCK, blocking=True))
        yield


def build_index(
    settings: Settings,
    rebuild: bool = False,
    progress: bool = False,
    encoder: Encoder | None = None,
    hook: StageHook = no_hook,
    scans: ScanReader | None = None,
    wait: bool = False,
) -> IngestReport:
    """Ingest the corpus into the index folder, reusing cached embeddings; atomic and locked.

    Scans are read by `scans` (by default a plain `ScanReader`; the curator's console passes one that reports
    each page and can be cancelled), their pages taken from the OCR cache when read before. With `wait`, an
    ingest already writing the folder is waited for, and the index it leaves is not built again when it is fresh.
    """
    started = time.perf_counter()
    scans = scans or ScanReader(settings)
    encoder = encoder or Encoder.for_ingest(settings)
    with ingest_lock(settings.index_dir, wait, progress):
        remove_leftovers(settings.index_dir)
        status = index_status(settings, encoder)
        if not rebuild and not status.stale:
            return _up_to_date(status.manifest, time.perf_counter() - started)
        hashes = corpus_hashes(settings.corpus_dir)
        documents, skipped = load_corpus(settings.corpus_dir, scans)
        if not documents:
            raise CorpusError(
                f"No readable documents in {settings.corpus_dir}/ ({len(skipped)} file(s) skipped); "
                "add .txt, .md, .html or .pdf files and run `assistant ingest` again."
            )
        originals, translations, warnings = split_originals(documents)
        multilingual_encoder = Encoder.for_multilingual(settings, bulk=True)
        if multilingual_encoder is not None:
            multilingual_encoder.prepare()  # (re)make the e5 ONNX export if it is missing or damaged: chunking counts e5's tokens
        chunks = chunk_corpus(originals, settings, encoder, multilingual_encoder)
        languages = document_lines(documents, chunks)
        cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite")
        try:
            chunk_texts = [embedded_text(c) for c in chunks]
            chunk_vectors, reused_c = embed_with_cache(encoder, chunk_texts, cache, progress, hook)
            sentence_texts = [embedded_sentence(c, s) for c in chunks for s in c.sentences]
            sentence_vectors, reused_s = embed_with_cache(encoder, sentence_texts, cache, progress, hook)
            multilingual, reused_m, embedded_m = _multilingual(
                multilingual_encoder,
                documents,
                chunks,
                chunk_texts,
                sentence_texts,
                translations,
                warnings,
                cache,
                progress,
                hook,
            )
        finally:
            cache.close()
        manifest = {
            "format_version": FORMAT_VERSION,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "model": {
                "id": encoder.model_id,
                "name": settings.model,
                "dimension": int(chunk_vectors.shape[1]),
                "max_seq_length": encoder.max_seq_length,
                "ingest_encoder": encoder.backend,
            },
            "chunker": chunker_settings(settings, encoder, multilingual_encoder),
            "corpus_dir": str(settings.corpus_dir),
            "files": hashes,
            "skipped": [{"path": s.path, "reason": s.reason} | ({"code": s.code} if s.code else {}) for s in skipped],
            "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentence_texts)},
        }
        if multilingual is not None:
            manifest["multilingual"] = {
                "id": multilingual.model_id,  # names the engine too: vectors of another engine make the index stale
                "engine": settings.multilingual_encoder,
                "dimension": int(multilingual.chunk_vectors.shape[1]),
            }
            manifest["translations"] = [vars(a) | {"flagged": list(a.flagged)} for a in multilingual.alignments]
        manifest["warnings"] = warnings
        manifest["scans"] = [r.to_dict() for r in scans.reports]
        manifest["counts"]["vectors"] = len(chunks) + len(sentence_texts) + reused_m + embedded_m  # every model's
        manifest["facts"] = facts_fingerprint()
        facts = sentence_facts(documents, chunks, multilingual.translations if multilingual else [])
        words = _word_vectors(settings, facts, hook)
        build = write_index(
            settings,
            manifest,
            documents,
            chunks,
            chunk_vectors,
            sentence_vectors,
            hook,
            multilingual,
            scans,
            facts=facts,
            words=words,
        )
    return IngestReport(
        documents=len(documents),
        chunks=len(chunks),
        sentences=len(sentence_texts),
        skipped=skipped,
        embedded=len(chunks) + len(sentence_texts) - reused_c - reused_s + embedded_m,
        reused=reused_c + reused_s + reused_m,
        seconds=time.perf_counter() - started,
        build=build,
        warnings=warnings,
        alignments=multilingual.alignments if multilingual else [],
        scans=scans.reports,
        languages=languages,
    )


def _multilingual(
    encoder, documents, chunks, chunk_texts, sentence_texts, translations, warnings, cache, progress, hook
):
    """The e5 vectors of every chunk and sentence, translations aligned, and per-language lexical terms.

    Returns (Multilingual or None, vectors reused, vectors embedded).
    """
    if encoder is None:
        if translations:
            warnings.append(f"{len(translations)} translation(s) not used: aligning them needs multilingual_model set.")
        return None, 0, 0
    m_chunks, reused_c = embed_with_cache(encoder, chunk_texts, cache, progress, hook)
    m_sentences, reused_s = embed_with_cache(encoder, sentence_texts, cache, progress, hook)
    reused, total = reused_c + reused_s, len(chunk_texts) + len(sentence_texts)
    by_id = {d.id: d for d in documents}
    aligned, summaries = [], []
    for translation in translations:
        original = by_id[translation.meta["translation_of"]]
        vectors = []
        for doc in (original, translation):
            texts = [doc.text[a:b] for a, b in sentence_spans(doc)]
            found, n = embed_with_cache(encoder, texts, cache, progress, hook)
            vectors.append(found)
            reused, total = reused + n, total + len(texts)
        sentences, summary = align_translation(original, translation, *vectors)
        aligned += sentences
        summaries.append(summary)
        if summary.flagged:
            warnings.append(
                f"{translation.path}: {summary.aligned} of {summary.translated_sentences} sentences aligned with "
                f"'{original.id}'; not used: "
                + "; ".join(summary.flagged[:5])
                + ("; …" if len(summary.flagged) > 5 else "")
            )
    languages = sorted({s.language for s in aligned if s.language})
    lexical = {lang: translated_chunk_terms(chunks, aligned, by_id, lang, terms) for lang in languages}
    return Multilingual(encoder.model_id, m_chunks, m_sentences, aligned, lexical, summaries), reused, total - reused


def sentence_facts(documents, chunks, translated) -> list[dict]:
    """What every sentence states, and every aligned translated sentence, read in its document's language."""
    by_id = {d.id: d for d in documents}
    names, places = corpus_names(documents), corpus_places(documents)
    spans = {(c.doc_id, s.start, s.end) for c in chunks for s in c.sentences}
    spans |= {(t.doc_id, t.start, t.end) for t in translated}
    records = []
    for doc_id, start, end in sorted(spans):
        doc = by_id[doc_id]
        language = str(doc.meta.get("language") or "en")
        record = read_facts(doc.text[start:end], language, names, places).record()
        records.append({"doc": doc_id, "s": start, "e": end, **record})
    return records


def _word_vectors(settings, facts: list[dict], hook) -> tuple[list[str], object] | None:
    """The corpus's content words and their e5 vectors (for related words), or None without the multilingual model."""
    encoder = Encoder.for_multilingual(settings)
    if encoder is None:
        return None
    words = table_words(facts)
    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite")
    try:
        with hook("embed"):
            return words, embed_words(words, encoder, cache)
    finally:
        cache.close()


def _up_to_date(manifest: dict, seconds: float) -> IngestReport:
    """The report of an ingest that found nothing to do: the live build's counts, every vector reused."""
    counts = manifest["counts"]
    return IngestReport(
        documents=counts["documents"],
        chunks=counts["chunks"],
        sentences=counts["sentences"],
        skipped=[Skipped(**s) for s in manifest["skipped"]],
        reused=counts.get("vectors", counts["chunks"] + counts["sentences"]),
        seconds=seconds,
        up_to_date=True,
        build=manifest["build"],
    )


def format_report(report: IngestReport, settings: Settings) -> str:
    """The ingest summary for the terminal: a note when nothing changed, then one line of counts."""
    lines = (
        [f"{settings.index_dir}/ is up to date with {settings.corpus_dir}/ (nothing to embed)."]
        if report.up_to_date
        else []
    )
    lines += [r.line() for r in report.scans]
    lines += report.languages
    for a in report.alignments:
        lines.append(
            f"translation {a.doc_id} ({a.language}) of {a.original_doc_id}: {a.aligned} of {a.translated_sentences} sentences aligned"
        )
    lines.append(
        f"documents {report.documents} | chunks {report.chunks} | sentences {report.sentences} | "
        f"skipped files {len(report.skipped)} | embedded {report.embedded} | reused {report.reused} | "
        f"{report.seconds:.1f} s"
    )
    return "\n".join(lines)


def document_lines(documents: list, chunks: list) -> list[str]:
    """Per document: its language and where it came from, its chunks and sentences, and what in it needs a word."""
    from ..language import LANGUAGE_NAMES, document_language
    from ..sentences import MAX_SENTENCE_CHARS, long_sentences
    from ..translations import translation_of

    by_doc: dict[str, list] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    lines = []
    for doc in documents:
        language = document_language(doc)
        own = by_doc.get(doc.id, [])
        spans = sorted({(s.start, s.end) for c in own for s in c.sentences})
        role = (
            f"translation of {translation_of(doc)}"
            if translation_of(doc)
            else f"{len(own)} chunks, {len(spans)} sentences"
        )
        line = (
            f"document {doc.path}: {LANGUAGE_NAMES[language]} ({doc.meta.get('language_from', 'sources.toml')}); {role}"
        )
        notes = []
        if "sources.toml says" in str(doc.meta.get("language_from", "")):
            notes.append(f"its text is {LANGUAGE_NAMES[language]}, not what sources.toml says: fix `language` there")
        if doc.meta.get("mixed_script_words"):
            notes.append(
                f"{doc.meta['mixed_script_words']} words mix Latin letters into Cyrillic (a Latin 'i' for 'і'?): "
                "matched as Cyrillic, quoted as written"
            )
        if len(doc.text.strip()) > 200 and not any(ch in doc.text for ch in ".!?…"):
            notes.append("no sentence punctuation: its lines and numbered items are its sentences")
        if long := long_sentences(spans):
            notes.append(
                f"{long} sentence pieces of ~{MAX_SENTENCE_CHARS} characters: a run-on sentence cut at clause marks"
            )
        if doc.meta.get("language_from", "").startswith("assumed"):
            notes.append("too little text to tell its language")
        lines.append(line + "".join(f"\n  note: {n}" for n in notes))
    return lines


def skipped_warnings(report: IngestReport) -> list[str]:
    """One warning line per file the ingest left out or translation it could not use, for stderr."""
    return [f"warning: skipped {s.path}: {s.reason}" for s in report.skipped] + [
        f"warning: {w}" for w in report.warnings
    ]
