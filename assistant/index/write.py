"""Writing one complete build beside the live one, then swapping CURRENT to it; a crash leaves the old one live.

A build is written to `.tmp-*` in the index folder, checksummed, fsynced, renamed, and only then
named in CURRENT. Each step runs inside `hook(stage)` (see `assistant.hooks`), in this order:
"documents", "chunks", "sentences", "dense", "bm25", "multilingual" (when the build has e5 vectors and
translations), "scans" (when it holds scanned documents), "manifest", "fsync", "pointer" (the rename
and the CURRENT swap), so the benchmark can time a stage and the fault scripts can break one.
Nothing here is pickled.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..chunking import embedded_text
from ..config import Settings
from ..errors import AssistantError
from ..files import fsync_dir, fsync_tree, write_atomic
from ..hooks import StageHook, no_hook
from ..text import terms
from ..types import Chunk, Document
from .layout import (
    BM25,
    CHUNKS,
    CURRENT,
    DENSE,
    DOCUMENTS,
    FACTS,
    MANIFEST,
    MULTILINGUAL_DENSE,
    MULTILINGUAL_SENTENCES,
    PAGES,
    SCANS,
    SENTENCES,
    TMP_PREFIX,
    TRANSLATIONS,
    WORD_VECTORS,
    WORDS,
    bm25_folder,
    checksums,
)  # fmt: skip
from .lexical import import_bm25s


@dataclass
class Multilingual:
    """What a build holds for Russian and Kazakh: e5 vectors of the same chunks and sentences, aligned translations."""

    model_id: str
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    translations: list  # TranslatedSentence
    lexical: dict[str, list[list[str]]]  # language -> each chunk's terms from its translated sentences
    alignments: list  # AlignmentSummary, one per translation


def write_index(
    settings: Settings, manifest: dict, documents, chunks, chunk_vectors, sentence_vectors, hook: StageHook = no_hook,
    multilingual: Multilingual | None = None, scans=None,
    facts: list[dict] | None = None,
    words: tuple[list[str], np.ndarray] | None = None,
) -> str:
    """Write a complete build beside the live one, fsync it, then point CURRENT at it; returns the build's name.

    `scans` (an `assistant.scan.reader.ScanReader` after the corpus was loaded) adds the scanned documents'
    pages and word boxes, and their page images. `facts`: one record per sentence (`assistant.lang.facts`, with its
    doc_id and span) and `words`: the corpus's content words and their e5 vectors, written when given.
    """
    index_dir = settings.index_dir
    name = f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{os.urandom(3).hex()}"  # unique within a second too
    tmp = index_dir / f"{TMP_PREFIX}{name}"
    try:
        tmp.mkdir(parents=True)
        with hook("documents"):
            _write_jsonl(tmp / DOCUMENTS, (_document_record(d) for d in documents))
        with hook("chunks"):
            _write_jsonl(tmp / CHUNKS, (_chunk_record(c) for c in chunks))
        with hook("sentences"):
            np.save(tmp / SENTENCES, sentence_vectors.astype(np.float32), allow_pickle=False)
            if facts is not None:
                _write_jsonl(tmp / FACTS, facts)
            if words is not None:
                _write_jsonl(tmp / WORDS, words[0])
                np.save(tmp / WORD_VECTORS, words[1].astype(np.float32), allow_pickle=False)
        with hook("dense"):
            dense_type = _write_dense(tmp / DENSE, chunk_vectors, settings)
        with hook("bm25"):
            languages = {d.id: str(d.meta.get("language") or "en") for d in documents}
            _write_bm25(tmp / BM25, [terms(embedded_text(c), languages.get(c.doc_id, "en")) for c in chunks])
        if multilingual is not None:
            with hook("multilingual"):
                _write_multilingual(tmp, multilingual, settings)
        if scans is not None and scans.results:
            with hook("scans"):
                _write_scans(tmp, documents, scans)
        with hook("manifest"):
            manifest["index"] = {
                "dense": dense_type,
                "hnsw_m": settings.hnsw_m,
                "ef_construction": settings.hnsw_ef_construction,
                "ef_search": settings.hnsw_ef_search,
                "lexical": "bm25s",
            }
            manifest["build"] = name
            manifest["checksums"] = checksums(tmp)
            write_atomic(tmp / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        with hook("fsync"):
            fsync_tree(tmp)
        with hook("pointer"):
            os.replace(tmp, index_dir / name)
            fsync_dir(index_dir)
            write_atomic(index_dir / CURRENT, name + "\n")
            fsync_dir(index_dir)
    except OSError as exc:
        _discard_unfinished(index_dir, tmp, name)
        raise _write_error(index_dir, exc) from None
    except BaseException:
        _discard_unfinished(index_dir, tmp, name)
        raise
    _remove_old_builds(index_dir, keep={name})
    return name


def _write_error(index_dir: Path, exc: OSError) -> AssistantError:
    """A failed write as one line naming the fix; the previous build is still live."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return AssistantError(
            f"Ran out of disk space writing {index_dir}/ ({exc.strerror}); the previous index is unchanged. "
            "Free some space and run `assistant ingest` again."
        )
    return AssistantError(
        f"Could not write {index_dir}/ ({exc.strerror or exc}); the previous index is unchanged. "
        "Check the disk has free space and the folder is writable, then run `assistant ingest` again."
    )


def remove_leftovers(index_dir: Path) -> None:
    """Delete what a killed ingest left half-written: temp build folders and temp pointer files."""
    for tmp in index_dir.glob(f"{TMP_PREFIX}*"):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)


def _write_dense(path: Path, vectors: np.ndarray, settings: Settings) -> str:
    import faiss

    dim = vectors.shape[1]
    if len(vectors) >= settings.approx_min_vectors:
        index = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.hnsw_ef_construction
        kind = "hnsw"
    else:
        index = faiss.IndexFlatIP(dim)
        kind = "flat"
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    try:
        faiss.write_index(index, str(path))
    except RuntimeError as exc:  # FAISS reports a failed write (e.g. a full disk) as RuntimeError
        raise OSError(errno.EIO, f"writing {path.name} failed: {str(exc).rsplit(': ', 1)[-1]}") from None
    return kind


def _write_bm25(folder: Path, chunk_terms: list[list[str]]) -> None:
    bm25s = import_bm25s()

    retriever = bm25s.BM25()
    retriever.index([t or ["\u2205"] for t in chunk_terms], show_progress=False)
    retriever.save(str(folder), allow_pickle=False)


def _write_multilingual(tmp: Path, m: Multilingual, settings: Settings) -> None:
    """The e5 vectors, the aligned translations and one lexical index per translation language."""
    np.save(tmp / MULTILINGUAL_SENTENCES, m.sentence_vectors.astype(np.float32), allow_pickle=False)
    _write_dense(tmp / MULTILINGUAL_DENSE, m.chunk_vectors, settings)
    _write_jsonl(tmp / TRANSLATIONS, (asdict(t) for t in m.translations))
    for language, chunk_terms in m.lexical.items():
        _write_bm25(tmp / bm25_folder(language), chunk_terms)


def _write_scans(tmp: Path, documents, scans) -> None:
    """scans.jsonl (each scanned document's pages and words) and pages/ (their images, linked from the OCR cache)."""
    from ..scan.records import page_to_dict, word_to_row

    (tmp / PAGES).mkdir()
    records = []
    for doc in documents:
        scan = scans.results.get(doc.path)
        if scan is None:
            continue
        for page in scan.pages:
            if page.image and not (tmp / PAGES / page.image).exists():
                _link_or_copy(scans.images[page.image], tmp / PAGES / page.image)
        records.append({
            "doc_id": doc.id,
            "corrected": scan.corrected,
            "pages": [page_to_dict(p) for p in scan.pages],
            "words": [word_to_row(w) for w in scan.words],
        })  # fmt: skip
    _write_jsonl(tmp / SCANS, records)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link to the cached image (it is never rewritten in place), or a copy on another disk."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _discard_unfinished(index_dir: Path, tmp: Path, name: str) -> None:
    """Remove what a failed write left: the temp folder, and the new build if CURRENT never named it."""
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        live = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        live = ""
    if live != name:
        shutil.rmtree(index_dir / name, ignore_errors=True)


def _remove_old_builds(index_dir: Path, keep: set[str]) -> None:
    """Keep the live build and the one before it; remove older ones."""
    builds = sorted((p for p in index_dir.glob("build-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in [p for p in builds if p.name not in keep][:-1]:
        shutil.rmtree(old, ignore_errors=True)


def _document_record(doc: Document) -> dict:
    return {
        "id": doc.id,
        "title": doc.title,
        "path": doc.path,
        "meta": doc.meta,
        "sections": [[list(s.path), s.start, s.end] for s in doc.sections],
        "text": doc.text,
    }


def _chunk_record(chunk: Chunk) -> dict:
    return {
        "id": chunk.id,
        "doc_id": chunk.doc_id,
        "section": list(chunk.section),
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "sentences": [[s.start, s.end] for s in chunk.sentences],
    }


def _write_jsonl(path: Path, records) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
