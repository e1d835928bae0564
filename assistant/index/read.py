"""Loading the live build for answering: checked against its manifest and checksums, or an error naming the fix.

This is the only part of the index the query path imports; it loads neither the builder nor the writer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import IndexDamagedError, ModelMismatchError
from ..types import Chunk, Document, Section, Sentence
from .layout import BM25, CHUNKS, DENSE, DOCUMENTS, REBUILD, SENTENCES, read_manifest, verify_build


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
        documents = {r["id"]: _document_from(r) for r in _read_jsonl(build / DOCUMENTS)}
        chunks = [_chunk_from(r) for r in _read_jsonl(build / CHUNKS)]
        dense = faiss.read_index(str(build / DENSE))
        sentence_vectors = np.load(build / SENTENCES, allow_pickle=False)
        bm25 = bm25s.BM25.load(str(build / BM25), allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexDamagedError(f"Index in {index_dir}/ could not be read ({type(exc).__name__}); {REBUILD}.") from None
    counts = manifest["counts"]
    offsets = np.cumsum([0] + [len(c.sentences) for c in chunks])[:-1]
    if dense.ntotal != len(chunks) or len(chunks) != counts["chunks"]:
        raise IndexDamagedError(
            f"Index in {index_dir}/ has {dense.ntotal} vectors for {len(chunks)} chunks; {REBUILD}."
        )
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
