"""Loading the live build for answering: checked against its manifest and checksums, or an error naming the fix.

This is the only part of the index the query path imports; it loads neither the builder nor the writer.
The build is read-only while serving, so its vectors (FAISS flat codes, the sentence arrays) and BM25
matrices are memory-mapped: replicas on one machine share those pages instead of each holding a copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ..errors import IndexDamagedError, ModelMismatchError
from ..types import Chunk, Document, Section, Sentence, TranslatedSentence
from .layout import (
    BM25,
    CHUNKS,
    DENSE,
    DOCUMENTS,
    FACTS,
    MULTILINGUAL_DENSE,
    MULTILINGUAL_SENTENCES,
    PAGES,
    REBUILD,
    SCANS,
    SENTENCES,
    TRANSLATIONS,
    WORD_VECTORS,
    WORDS,
    bm25_folder,
    read_manifest,
    verify_build,
)  # fmt: skip
from .lexical import import_bm25s


@dataclass
class Multilingual:
    """The multilingual side of a build: e5 vectors of the same rows, aligned translations, their lexical indexes."""

    model_id: str
    dense: object  # faiss.Index over the chunks' e5 vectors
    sentence_vectors: np.ndarray
    translations: dict[tuple[str, int, int], dict[str, TranslatedSentence]]  # original span -> language -> sentence
    lexical: dict[str, object]  # language -> bm25s.BM25 over each chunk's translated sentences


@dataclass
class ScanLayout:
    """A scanned document's pages and words: where each stretch of its text sits on which page image."""

    doc_id: str
    pages: tuple  # scan.records.Page, in page order
    words: object  # scan.records.WordIndex
    corrected: str = ""  # "OCR, corrected by …, date", or "" for the OCR text as read

    def page(self, number: int):
        return next((p for p in self.pages if p.number == number), None)

    def boxes(self, start: int, end: int) -> dict[int, list[tuple[int, int, int, int]]]:
        """The boxes of the words in text[start:end], by page number."""
        out: dict[int, list] = {}
        for w in self.words.covering(start, end):
            out.setdefault(w.page, []).append(w.box)
        return out

    def pages_of(self, start: int, end: int) -> list:
        """The pages a span of the text lies on."""
        return [p for p in self.pages if p.start < max(end, start + 1) and p.end > start]


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
    multilingual: Multilingual | None = None  # e5 vectors and translations, for Russian and Kazakh questions
    scans: dict[str, ScanLayout] = field(default_factory=dict)  # doc id -> pages and word boxes, for scanned documents
    facts: dict = field(default_factory=dict)  # (doc_id, start, end) -> Facts of a sentence or translated sentence
    words: list = field(default_factory=list)  # the corpus's content words (dictionary forms) ...
    word_vectors: np.ndarray | None = None  # ... and their e5 vectors as queries, row for row (related words)

    def uncertain(self, doc_id: str, start: int, end: int, floor: float) -> bool:
        """Whether OCR read a word of this span of a scanned document with a confidence under `floor`."""
        scan = self.scans.get(doc_id)
        lowest = scan.words.lowest(start, end) if scan else None
        return lowest is not None and lowest < floor

    def page_image(self, name: str) -> Path | None:
        """The file of a page image this build holds, found by its name in the build's own records (never a path
        taken from outside), or None."""
        return self.path / PAGES / name if name in self._images else None

    @cached_property
    def _images(self) -> frozenset[str]:
        return frozenset(p.image for s in self.scans.values() for p in s.pages if p.image)

    def sentence_rows(self, chunk_index: int) -> range:
        first = int(self.sentence_offsets[chunk_index])
        return range(first, first + len(self.chunks[chunk_index].sentences))


def load_index(index_dir: Path, model_id: str | None = None, ef_search: int | None = None) -> IndexData:
    """Load and check the live build; any mismatch or damage raises an error naming the fix.

    ef_search (HNSW only) is a search-time knob: it overrides the value recorded at build, with no rebuild.
    """
    bm25s = import_bm25s()
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
        dense = faiss.read_index(str(build / DENSE), _mmap_flag(faiss))
        sentence_vectors = np.load(build / SENTENCES, allow_pickle=False, mmap_mode="r")
        bm25 = bm25s.BM25.load(str(build / BM25), allow_pickle=False, mmap=True)
        multilingual = _load_multilingual(build, manifest) if "multilingual" in manifest else None
        scans = _load_scans(build) if (build / SCANS).is_file() else {}
        facts = _load_facts(build / FACTS) if (build / FACTS).is_file() else {}
        words = list(_read_jsonl(build / WORDS)) if (build / WORDS).is_file() else []
        word_vectors = np.load(build / WORD_VECTORS, allow_pickle=False) if words else None
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
    if multilingual is not None and (
        multilingual.dense.ntotal != len(chunks) or len(multilingual.sentence_vectors) != counts["sentences"]
    ):
        raise IndexDamagedError(f"Multilingual vectors in {index_dir}/ do not match the store; {REBUILD}.")
    for index in (dense, multilingual.dense if multilingual else None):
        if hasattr(index, "hnsw"):
            index.hnsw.efSearch = ef_search or manifest.get("index", {}).get("ef_search", 64)
    if any(doc_id not in documents for doc_id in scans):
        raise IndexDamagedError(f"Index in {index_dir}/ has page boxes for a document it lacks; {REBUILD}.")
    if word_vectors is not None and len(word_vectors) != len(words):
        raise IndexDamagedError(f"Word vectors in {index_dir}/ do not match their words; {REBUILD}.")
    return IndexData(
        build, manifest, documents, chunks, dense, sentence_vectors, offsets, bm25, multilingual, scans, facts, words,
        word_vectors,
    )  # fmt: skip


def _load_facts(path: Path) -> dict:
    from ..lang.facts import Facts

    return {(r["doc"], r["s"], r["e"]): Facts.from_record(r) for r in _read_jsonl(path)}


def _load_multilingual(build: Path, manifest: dict) -> Multilingual:
    bm25s = import_bm25s()
    import faiss

    translations: dict = {}
    for r in _read_jsonl(build / TRANSLATIONS):
        t = TranslatedSentence(**r)
        translations.setdefault((t.original_doc_id, t.original_start, t.original_end), {})[t.language] = t
    languages = sorted({language for by_language in translations.values() for language in by_language})
    return Multilingual(
        manifest["multilingual"]["id"],
        faiss.read_index(str(build / MULTILINGUAL_DENSE), _mmap_flag(faiss)),
        np.load(build / MULTILINGUAL_SENTENCES, allow_pickle=False, mmap_mode="r"),
        translations,
        {lang: bm25s.BM25.load(str(build / bm25_folder(lang)), allow_pickle=False, mmap=True) for lang in languages},
    )


def _load_scans(build: Path) -> dict[str, ScanLayout]:
    from ..scan.records import WordIndex, page_from_dict, word_from_row

    out = {}
    for r in _read_jsonl(build / SCANS):
        pages = tuple(page_from_dict(p) for p in r["pages"])
        out[r["doc_id"]] = ScanLayout(r["doc_id"], pages, WordIndex(word_from_row(w) for w in r["words"]), r.get("corrected", ""))
    return out


def _mmap_flag(faiss) -> int:
    """FAISS's flag to map a flat index's vectors from the file (1.9 and later), else 0 (read into memory)."""
    return getattr(faiss, "IO_FLAG_MMAP_IFC", 0)


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
