"""Ingest: corpus -> chunks -> vectors (reusing cached ones) -> a new build, under the folder's lock.

One ingest at a time writes an index folder; a second is refused, not interleaved. The encoder
calls run inside `hook("embed")` and the write's steps inside the stages `write_index` names.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..chunking import chunk_corpus, chunker_settings, embedded_text
from ..config import Settings
from ..corpus import Skipped, load_corpus
from ..embedding import EmbeddingCache, Encoder, embed_with_cache
from ..errors import CorpusError, IndexLockedError
from ..files import file_lock
from ..hooks import StageHook, no_hook
from .layout import FORMAT_VERSION, LOCK
from .status import corpus_hashes, index_status
from .write import remove_leftovers, write_index


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


@contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the index folder; a second ingest is refused, not interleaved."""
    with ExitStack() as stack:
        try:
            stack.enter_context(file_lock(index_dir / LOCK, blocking=False))
        except BlockingIOError:
            raise IndexLockedError(
                f"Another ingest is writing {index_dir}/ right now; wait for it to finish, then run this again."
            ) from None
        yield


def build_index(
    settings: Settings,
    rebuild: bool = False,
    progress: bool = False,
    encoder: Encoder | None = None,
    hook: StageHook = no_hook,
) -> IngestReport:
    """Ingest the corpus into the index folder, reusing cached embeddings; atomic and locked."""
    started = time.perf_counter()
    encoder = encoder or Encoder.for_ingest(settings)
    with ingest_lock(settings.index_dir):
        remove_leftovers(settings.index_dir)
        status = index_status(settings, encoder)
        if not rebuild and not status.stale:
            return _up_to_date(status.manifest, time.perf_counter() - started)
        hashes = corpus_hashes(settings.corpus_dir)
        documents, skipped = load_corpus(settings.corpus_dir)
        if not documents:
            raise CorpusError(
                f"No readable documents in {settings.corpus_dir}/ ({len(skipped)} file(s) skipped); "
                "add .txt, .md, .html or .pdf files and run `assistant ingest` again."
            )
        chunks = chunk_corpus(documents, settings, encoder)
        cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite")
        try:
            chunk_texts = [embedded_text(c) for c in chunks]
            chunk_vectors, reused_c = embed_with_cache(encoder, chunk_texts, cache, progress, hook)
            sentence_texts = [s.text for c in chunks for s in c.sentences]
            sentence_vectors, reused_s = embed_with_cache(encoder, sentence_texts, cache, progress, hook)
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
            "chunker": chunker_settings(settings, encoder),
            "corpus_dir": str(settings.corpus_dir),
            "files": hashes,
            "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
            "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentence_texts)},
        }
        build = write_index(settings, manifest, documents, chunks, chunk_vectors, sentence_vectors, hook)
    return IngestReport(
        documents=len(documents),
        chunks=len(chunks),
        sentences=len(sentence_texts),
        skipped=skipped,
        embedded=len(chunks) + len(sentence_texts) - reused_c - reused_s,
        reused=reused_c + reused_s,
        seconds=time.perf_counter() - started,
        build=build,
    )


def _up_to_date(manifest: dict, seconds: float) -> IngestReport:
    """The report of an ingest that found nothing to do: the live build's counts, every vector reused."""
    counts = manifest["counts"]
    return IngestReport(
        documents=counts["documents"],
        chunks=counts["chunks"],
        sentences=counts["sentences"],
        skipped=[Skipped(**s) for s in manifest["skipped"]],
        reused=counts["chunks"] + counts["sentences"],
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
    lines.append(
        f"documents {report.documents} | chunks {report.chunks} | sentences {report.sentences} | "
        f"skipped files {len(report.skipped)} | embedded {report.embedded} | reused {report.reused} | "
        f"{report.seconds:.1f} s"
    )
    return "\n".join(lines)


def skipped_warnings(report: IngestReport) -> list[str]:
    """One warning line per file the ingest left out, for stderr."""
    return [f"warning: skipped {s.path}: {s.reason}" for s in report.skipped]
