"""Build, check and load the index folder: FAISS vectors, a JSON-lines store, BM25, a manifest.

Layout of `index/` (a plain folder a person can inspect):

    CURRENT                  name of the live build folder, swapped atomically
    build-<time>-<pid>/      one complete build:
        manifest.json        format version, model, chunker, corpus file hashes, counts, checksums
        documents.jsonl      one document a line (its text, sections, metadata)
        chunks.jsonl         one chunk a line, in vector order, with its sentences
        dense.faiss          chunk vectors (inner product over unit vectors; flat or HNSW)
        sentences.npy        sentence vectors, float32, rows in chunk order
        bm25/                the bm25s lexical index (JSON and .npy, no pickle)

A build is written to `.tmp-*` beside the live one, fsynced, renamed, and only then named in
CURRENT, so a crash at any moment leaves the previous build loadable. Nothing here is pickled.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunking import chunk_corpus, chunk_limit, chunker_settings, embedded_text, section_prefix  # noqa: F401 (until the split)
from .config import Settings
from .corpus import Skipped, corpus_files, file_hash, load_corpus
from .embedding import EmbeddingCache, Encoder, embed_with_cache
from .errors import (
    AssistantError,
    CorpusError,
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    ModelMismatchError,
)
from .text import terms
from .types import Chunk, Document, Section, Sentence

FORMAT_VERSION = 1
CURRENT = "CURRENT"
LOCK = ".lock"
REBUILD = "run `assistant ingest --rebuild` to rebuild it"


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


@dataclass
class IndexData:
    """A loaded, checked index: everything retrieval and answering read."""

    path: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    dense: object  # faiss.Index
    sentence_vectors: np.ndarray
    sentence_offsets: np.ndarray  # row of each chunk's first sentence vector
    bm25: object  # bm25s.BM25

    def sentence_rows(self, chunk_index: int) -> range:
        first = int(self.sentence_offsets[chunk_index])
        return range(first, first + len(self.chunks[chunk_index].sentences))


@dataclass(frozen=True)
class Status:
    """How the index stands against the corpus, for `assistant info` and `make run`."""

    exists: bool
    stale: bool
    reason: str
    manifest: dict | None = None
    changed: tuple[str, ...] = ()


# --- status ----------------------------------------------------------------------------


def read_manifest(index_dir: Path) -> tuple[Path, dict]:
    """The live build folder and its manifest, or a clear error."""
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        raise IndexMissingError(f"No index in {index_dir}/ yet; run `assistant ingest` to build it.")
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise IndexDamagedError(f"{pointer} is unreadable; {REBUILD}.") from None
    build = index_dir / name
    if not name or "/" in name or not (build / "manifest.json").is_file():
        raise IndexDamagedError(f"{index_dir}/{CURRENT} names a build that is missing ({name!r}); {REBUILD}.")
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError
    except (OSError, ValueError, UnicodeDecodeError):
        raise IndexDamagedError(f"{build}/manifest.json is damaged; {REBUILD}.") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexDamagedError(
            f"{index_dir}/ has index format {manifest.get('format_version')!r}, this version reads {FORMAT_VERSION}; {REBUILD}."
        )
    if not _manifest_complete(manifest):
        raise IndexDamagedError(f"{build}/manifest.json is damaged (fields missing or malformed); {REBUILD}.")
    return build, manifest


_MANIFEST_FIELDS = {
    "build": str, "model": dict, "chunker": dict, "files": dict, "skipped": list, "counts": dict, "checksums": dict, "index": dict,
}


def _manifest_complete(manifest: dict) -> bool:
    """Every field that status, loading and `assistant info` read is there with its type."""
    if any(not isinstance(manifest.get(k), kind) for k, kind in _MANIFEST_FIELDS.items()):
        return False
    model, counts = manifest["model"], manifest["counts"]
    return (
        isinstance(model.get("id"), str)
        and all(isinstance(model.get(k), int) for k in ("dimension", "max_seq_length"))
        and all(isinstance(counts.get(k), int) for k in ("documents", "chunks", "sentences"))
        and all(isinstance(s, dict) and {"path", "reason"} <= s.keys() for s in manifest["skipped"])
    )


def corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every candidate file in the corpus, plus its metadata file."""
    files = corpus_files(corpus_dir)
    hashes = {p.relative_to(corpus_dir).as_posix(): _safe_hash(p) for p in files}
    meta = corpus_dir / "sources.toml"
    if meta.is_file():
        hashes["sources.toml"] = _safe_hash(meta)
    return hashes


def _safe_hash(path: Path) -> str:
    try:
        return file_hash(path)
    except OSError:
        return "unreadable"


def index_status(settings: Settings, encoder: Encoder | None = None) -> Status:
    """Whether the index exists and matches the corpus, model and chunker settings."""
    try:
        build, manifest = read_manifest(settings.index_dir)
        verify_build(build, manifest)  # a damaged build is stale too: ingest repairs it
    except IndexMissingError:
        return Status(False, True, "no index yet")
    except IndexDamagedError as exc:
        return Status(True, True, str(exc))
    encoder = encoder or Encoder.for_ingest(settings)  # nothing is loaded until something is encoded
    if manifest["model"]["id"] != encoder.model_id:
        return Status(True, True, f"built with model {manifest['model']['id']}, settings ask for {encoder.model_id}", manifest)
    built_by, wanted = manifest["model"].get("ingest_encoder", "torch"), encoder.backend
    if built_by != wanted:
        return Status(True, True, f"embedded with the {built_by} encoder, settings ask for {wanted}", manifest)
    if manifest["chunker"] != chunker_settings(settings, encoder):
        return Status(True, True, "chunker settings changed", manifest)
    try:
        current = corpus_hashes(settings.corpus_dir)
    except CorpusError as exc:
        return Status(True, True, str(exc), manifest)
    before = manifest["files"]
    changed = sorted(k for k in before.keys() | current.keys() if before.get(k) != current.get(k))
    if changed:
        return Status(True, True, f"{len(changed)} corpus file(s) added, changed or removed", manifest, tuple(changed))
    return Status(True, False, "up to date", manifest)


# --- building --------------------------------------------------------------------------


@contextmanager
def ingest_lock(index_dir: Path):
    """Hold an exclusive lock on the index folder; a second ingest is refused, not interleaved."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / LOCK, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise IndexLockedError(
            f"Another ingest is writing {index_dir}/ right now; wait for it to finish, then run this again."
        ) from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def build_index(settings: Settings, rebuild: bool = False, progress: bool = False, encoder: Encoder | None = None) -> IngestReport:
    """Ingest the corpus into the index folder, reusing cached embeddings; atomic and locked."""
    started = time.perf_counter()
    encoder = encoder or Encoder.for_ingest(settings)
    with ingest_lock(settings.index_dir):
        _remove_leftovers(settings.index_dir)
        status = index_status(settings, encoder)
        if not rebuild and not status.stale:
            manifest = status.manifest
            return IngestReport(
                documents=manifest["counts"]["documents"],
                chunks=manifest["counts"]["chunks"],
                sentences=manifest["counts"]["sentences"],
                skipped=[Skipped(**s) for s in manifest["skipped"]],
                reused=manifest["counts"]["chunks"] + manifest["counts"]["sentences"],
                seconds=time.perf_counter() - started,
                up_to_date=True,
                build=manifest["build"],
            )
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
            chunk_vectors, reused_c = embed_with_cache(encoder, [embedded_text(c) for c in chunks], cache, progress)
            sentence_texts = [s.text for c in chunks for s in c.sentences]
            sentence_vectors, reused_s = embed_with_cache(encoder, sentence_texts, cache, progress)
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
        build = write_index(settings, manifest, documents, chunks, chunk_vectors, sentence_vectors)
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


def write_index(settings, manifest, documents, chunks, chunk_vectors, sentence_vectors) -> str:
    """Write a complete build beside the live one, fsync it, then point CURRENT at it."""
    index_dir = settings.index_dir
    name = f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{os.urandom(3).hex()}"  # unique within a second too
    tmp = index_dir / f".tmp-{name}"
    try:
        tmp.mkdir(parents=True)
        _write_jsonl(tmp / "documents.jsonl", (_document_record(d) for d in documents))
        _write_jsonl(tmp / "chunks.jsonl", (_chunk_record(c) for c in chunks))
        np.save(tmp / "sentences.npy", sentence_vectors.astype(np.float32), allow_pickle=False)
        dense_type = _write_dense(tmp / "dense.faiss", chunk_vectors, settings)
        _write_bm25(tmp / "bm25", chunks)
        manifest["index"] = {"dense": dense_type, "hnsw_m": settings.hnsw_m, "ef_search": settings.hnsw_ef_search, "lexical": "bm25s"}
        manifest["build"] = name
        manifest["checksums"] = {rel: _sha256(tmp / rel) for rel in _build_files(tmp)}
        _write_text(tmp / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        _fsync_tree(tmp)
        os.replace(tmp, index_dir / name)
        _fsync_dir(index_dir)
        _write_text(index_dir / f"{CURRENT}.tmp", name + "\n")
        os.replace(index_dir / f"{CURRENT}.tmp", index_dir / CURRENT)
        _fsync_dir(index_dir)
    except OSError as exc:
        _discard_unfinished(index_dir, tmp, name)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise AssistantError(
                f"Ran out of disk space writing {index_dir}/ ({exc.strerror}); the previous index is unchanged. "
                "Free some space and run `assistant ingest` again."
            ) from None
        raise AssistantError(
            f"Could not write {index_dir}/ ({exc.strerror or exc}); the previous index is unchanged. "
            "Check the disk has free space and the folder is writable, then run `assistant ingest` again."
        ) from None
    except BaseException:
        _discard_unfinished(index_dir, tmp, name)
        raise
    _remove_old_builds(index_dir, keep={name})
    return name


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


def _discard_unfinished(index_dir: Path, tmp: Path, name: str) -> None:
    """Remove what a failed write left: the temp folder, and the new build if CURRENT never named it."""
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        live = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        live = ""
    if live != name:
        shutil.rmtree(index_dir / name, ignore_errors=True)
        (index_dir / f"{CURRENT}.tmp").unlink(missing_ok=True)


def _write_bm25(folder: Path, chunks: list[Chunk]) -> None:
    import bm25s

    retriever = bm25s.BM25()
    corpus_terms = [terms(embedded_text(c)) or ["\u2205"] for c in chunks]
    retriever.index(corpus_terms, show_progress=False)
    retriever.save(str(folder), allow_pickle=False)


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


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _build_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as f:
                os.fsync(f.fileno())
    for sub in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        _fsync_dir(sub)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_leftovers(index_dir: Path) -> None:
    """Delete half-written builds from an ingest that was killed."""
    for tmp in index_dir.glob(".tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    (index_dir / f"{CURRENT}.tmp").unlink(missing_ok=True)


def _remove_old_builds(index_dir: Path, keep: set[str]) -> None:
    """Keep the live build and the one before it; remove older ones."""
    builds = sorted((p for p in index_dir.glob("build-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in [p for p in builds if p.name not in keep][:-1]:
        shutil.rmtree(old, ignore_errors=True)


# --- loading ---------------------------------------------------------------------------


def verify_build(build: Path, manifest: dict) -> None:
    """Every recorded file present with its checksum, and no file that was not recorded."""
    recorded = manifest.get("checksums") or {}
    present = set(_build_files(build))
    for rel in sorted(recorded):
        if rel not in present:
            raise IndexDamagedError(f"Index file {build.name}/{rel} is missing; {REBUILD}.")
        if _sha256(build / rel) != recorded[rel]:
            raise IndexDamagedError(f"Index file {build.name}/{rel} is damaged (checksum mismatch); {REBUILD}.")
    extra = sorted(present - set(recorded))
    if extra:
        raise IndexDamagedError(f"Index folder {build.name}/ holds unexpected file(s) {', '.join(extra[:3])}; {REBUILD}.")


def load_index(index_dir: Path, model_id: str | None = None, ef_search: int | None = None) -> IndexData:
    """Load and check the live build; any mismatch or damage raises an error naming the fix.

    ef_search (HNSW only) is a search-time knob: it overrides the value recorded at build, with no rebuild.
    """
    import bm25s
    import faiss

    build, manifest = read_manifest(index_dir)
    if model_id and manifest["model"]["id"] != model_id:
        raise ModelMismatchError(
            f"{index_dir}/ was built with model {manifest['model']['id']} but settings ask for {model_id}; "
            f"run `assistant ingest --rebuild` or set the model back."
        )
    verify_build(build, manifest)
    try:
        documents = {r["id"]: _document_from(r) for r in _read_jsonl(build / "documents.jsonl")}
        chunks = [_chunk_from(r) for r in _read_jsonl(build / "chunks.jsonl")]
        dense = faiss.read_index(str(build / "dense.faiss"))
        sentence_vectors = np.load(build / "sentences.npy", allow_pickle=False)
        bm25 = bm25s.BM25.load(str(build / "bm25"), allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexDamagedError(f"Index in {index_dir}/ could not be read ({type(exc).__name__}); {REBUILD}.") from None
    counts = manifest["counts"]
    offsets = np.cumsum([0] + [len(c.sentences) for c in chunks])[:-1]
    if dense.ntotal != len(chunks) or len(chunks) != counts["chunks"]:
        raise IndexDamagedError(f"Index in {index_dir}/ has {dense.ntotal} vectors for {len(chunks)} chunks; {REBUILD}.")
    if sentence_vectors.shape != (counts["sentences"], manifest["model"]["dimension"]):
        raise IndexDamagedError(f"Sentence vectors in {index_dir}/ do not match the store; {REBUILD}.")
    if dense.d != manifest["model"]["dimension"] or any(c.doc_id not in documents for c in chunks):
        raise IndexDamagedError(f"Index in {index_dir}/ is inconsistent; {REBUILD}.")
    if hasattr(dense, "hnsw"):
        dense.hnsw.efSearch = ef_search or manifest.get("index", {}).get("ef_search", 64)
    return IndexData(build, manifest, documents, chunks, dense, sentence_vectors, offsets, bm25)


def _read_jsonl(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def _document_from(r: dict) -> Document:
    sections = tuple(Section(tuple(p), a, b) for p, a, b in r["sections"])
    return Document(r["id"], r["title"], r["text"], r["path"], sections, r.get("meta") or {})


def _chunk_from(r: dict) -> Chunk:
    text, start = r["text"], r["start"]
    sentences = tuple(Sentence(r["id"], a, b, text[a - start : b - start]) for a, b in r["sentences"])
    return Chunk(r["id"], r["doc_id"], tuple(r["section"]), start, r["end"], text, sentences)
