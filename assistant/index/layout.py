"""What an index folder looks like: format version, file names, the CURRENT pointer, manifest and checksums.

    CURRENT                  name of the live build folder, swapped atomically
    build-<time>-<pid>-<hex>/ one complete build:
        manifest.json        format version, model, chunker, corpus file hashes, counts, checksums
        documents.jsonl      one document a line (its text, sections, metadata)
        chunks.jsonl         one chunk a line, in vector order, with its sentences
        dense.faiss          chunk vectors (inner product over unit vectors; flat or HNSW)
        sentences.npy        sentence vectors, float32, rows in chunk order
        bm25/                the bm25s lexical index (JSON and .npy, no pickle)
        multilingual.faiss   the same chunks' multilingual (e5) vectors, for Russian and Kazakh questions
        multilingual-sentences.npy   their sentences' e5 vectors, rows as in sentences.npy
        translations.jsonl   aligned sentences of human translations: translation span -> original span
        words.jsonl, words.npy  the corpus's content words (dictionary forms) and their e5 vectors, for related words
        facts.jsonl          what each sentence (and each aligned translated sentence) states, read once in its
                             language: its words' dictionary forms and slot fillers (assistant/lang/facts.py)
        bm25-<lang>/         per translation language: each chunk's lexical terms from its translated sentences
        scans.jsonl          one scanned document a line: its pages (size, language, image) and words (page, box, offsets, confidence)
        pages/<hash>.jpg     the scanned pages' images, named by their hash; served by id only (assistant.web.scans)
    .lock                    held by the ingest writing this folder
    .tmp-*                   what an ingest is writing now, or a killed one left (removed by the next)

The writer, the reader and the status check all import these names from here, and nothing else
of each other's.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import IndexDamagedError, IndexMissingError
from ..files import sha256_file

FORMAT_VERSION = 3  # 2: facts.jsonl; 3: whole-sentence chunks sized in the tokens of each language's model
CURRENT = "CURRENT"
LOCK = ".lock"
TMP_PREFIX = ".tmp-"
MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
CHUNKS = "chunks.jsonl"
SENTENCES = "sentences.npy"
DENSE = "dense.faiss"
BM25 = "bm25"
MULTILINGUAL_DENSE = "multilingual.faiss"
MULTILINGUAL_SENTENCES = "multilingual-sentences.npy"
TRANSLATIONS = "translations.jsonl"
SCANS = "scans.jsonl"
PAGES = "pages"
FACTS = "facts.jsonl"
WORDS = "words.jsonl"
WORD_VECTORS = "words.npy"


def bm25_folder(language: str) -> str:
    """The folder of one translation language's lexical index."""
    return f"{BM25}-{language}"


REBUILD = "run `assistant ingest --rebuild` to rebuild it"

_MANIFEST_FIELDS = {
    "build": str, "model": dict, "chunker": dict, "files": dict, "skipped": list, "counts": dict, "checksums": dict, "index": dict,
}  # fmt: skip


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
    if not name or "/" in name or not (build / MANIFEST).is_file():
        raise IndexDamagedError(f"{index_dir}/{CURRENT} names a build that is missing ({name!r}); {REBUILD}.")
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError
    except (OSError, ValueError, UnicodeDecodeError):
        raise IndexDamagedError(f"{build}/{MANIFEST} is damaged; {REBUILD}.") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexDamagedError(
            f"{index_dir}/ has index format {manifest.get('format_version')!r}, this version reads {FORMAT_VERSION}; {REBUILD}."
        )
    if not _manifest_complete(manifest):
        raise IndexDamagedError(f"{build}/{MANIFEST} is damaged (fields missing or malformed); {REBUILD}.")
    return build, manifest


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


def build_files(folder: Path) -> list[str]:
    """Every file of a build the manifest records a checksum for (all but the manifest), as relative paths."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file of a build, for its manifest."""
    return {rel: sha256_file(folder / rel) for rel in build_files(folder)}


def verify_build(build: Path, manifest: dict) -> None:
    """Every recorded file present with its checksum, and no file that was not recorded."""
    recorded = manifest.get("checksums") or {}
    present = set(build_files(build))
    for rel in sorted(recorded):
        if rel not in present:
            raise IndexDamagedError(f"Index file {build.name}/{rel} is missing; {REBUILD}.")
        if sha256_file(build / rel) != recorded[rel]:
            raise IndexDamagedError(f"Index file {build.name}/{rel} is damaged (checksum mismatch); {REBUILD}.")
    extra = sorted(present - set(recorded))
    if extra:
        raise IndexDamagedError(
            f"Index folder {build.name}/ holds unexpected file(s) {', '.join(extra[:3])}; {REBUILD}."
        )
