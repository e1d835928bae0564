"""A temporary index of corpus/ plus unseen documents, built as a curator's ingest would build it.

The documents are copied into a temporary corpus folder with one sources.toml (corpus/'s tables followed by each
unseen folder's), and the index is built there with the product's own `build_index`. The real corpus/ and index/
are never touched. Embeddings come from (and go to) `settings.cache_dir`, so only the first run embeds anything.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import AssistantError

SOURCES = "sources.toml"


@dataclass(frozen=True)
class TempIndex:
    """Where the temporary corpus and index are, and what building them cost."""

    root: Path
    corpus_dir: Path
    index_dir: Path
    documents: int
    embedded: int
    reused: int
    seconds: float


def merge_corpus(corpus: Path, folders: tuple[Path, ...], target: Path) -> int:
    """Copy corpus/ and every document the folders' sources.toml list into `target`, with one merged sources.toml.

    Returns the number of unseen documents copied. A file name or doc id met twice is an error naming it.
    """
    if not corpus.is_dir():
        raise AssistantError(f"No corpus folder at {corpus}; run from the repository or pass --corpus.")
    shutil.copytree(corpus, target, ignore=shutil.ignore_patterns(".*"))
    parts = [(corpus / SOURCES).read_text(encoding="utf-8")] if (corpus / SOURCES).is_file() else []
    copied = 0
    for folder in folders:
        sources = folder / SOURCES
        if not sources.is_file():
            raise AssistantError(f"No {SOURCES} in {folder}; each unseen folder describes its documents there.")
        text = sources.read_text(encoding="utf-8")
        for name in tomllib.loads(text):
            if (target / name).exists():
                raise AssistantError(f"{folder / name} has the name of a document already in the corpus; rename it.")
            if not (folder / name).is_file():
                raise AssistantError(f"{sources} lists {name}, which is not in {folder}.")
            shutil.copy2(folder / name, target / name)
            copied += 1
        parts.append(text)
    merged = "\n".join(parts)
    tables = tomllib.loads(merged)  # a file name listed twice fails here
    ids = [t.get("id") for t in tables.values() if isinstance(t, dict) and t.get("id")]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise AssistantError(f"doc id(s) {', '.join(twice)} are used twice across corpus/ and the unseen folders.")
    (target / SOURCES).write_text(merged, encoding="utf-8")
    return copied


def build_temp_index(settings, folders: tuple[Path, ...], progress: bool = False) -> TempIndex:
    """Build the index of settings.corpus_dir plus `folders` in a new temporary folder (the caller removes `root`)."""
    from ..index.build import build_index

    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="assistant-unseen-"))
    try:
        corpus_dir, index_dir = root / "corpus", root / "index"
        merge_corpus(Path(settings.corpus_dir), folders, corpus_dir)
        report = build_index(
            settings.with_overrides(corpus_dir=corpus_dir, index_dir=index_dir), rebuild=True, progress=progress
        )
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return TempIndex(
        root, corpus_dir, index_dir, report.documents, report.embedded, report.reused, time.perf_counter() - started
    )
