"""How the index stands against the corpus, the model and the chunker settings: fresh, stale or missing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..chunking import chunker_settings
from ..config import Settings
from ..corpus import METADATA_FILE, corpus_files
from ..embedding import Encoder
from ..errors import CorpusError, IndexDamagedError, IndexMissingError
from ..files import sha256_file
from ..lang.facts import facts_fingerprint
from ..scan.correct import FOLDER as CORRECTIONS
from .layout import read_manifest, verify_build


@dataclass(frozen=True)
class Status:
    """How the index stands against the corpus, for `assistant info` and `make run`."""

    exists: bool
    stale: bool
    reason: str
    manifest: dict | None = None
    changed: tuple[str, ...] = ()


UNREAD = ("ocr_unfinished", "ocr_cancelled")  # Skipped codes of scans left out only until a rebuild reads them


def corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every candidate file in the corpus, plus its metadata file: the unit of staleness."""
    files = corpus_files(corpus_dir)
    hashes = {p.relative_to(corpus_dir).as_posix(): _safe_hash(p) for p in files}
    meta = corpus_dir / METADATA_FILE
    if meta.is_file():
        hashes[METADATA_FILE] = _safe_hash(meta)
    corrections = corpus_dir / CORRECTIONS  # curators' corrections of scans' OCR text: a saved one makes the index stale
    for p in sorted(corrections.rglob("*.json")) if corrections.is_dir() else ():
        hashes[p.relative_to(corpus_dir).as_posix()] = _safe_hash(p)
    return hashes


def _safe_hash(path: Path) -> str:
    try:
        return sha256_file(path)
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
        return Status(
            True, True, f"built with model {manifest['model']['id']}, settings ask for {encoder.model_id}", manifest
        )
    built_by, wanted = manifest["model"].get("ingest_encoder", "torch"), encoder.backend
    if built_by != wanted:
        return Status(True, True, f"embedded with the {built_by} encoder, settings ask for {wanted}", manifest)
    built_ml = (manifest.get("multilingual") or {}).get("id")
    multilingual = Encoder.for_multilingual(settings)
    wanted_ml = multilingual.model_id if multilingual else None
    if built_ml != wanted_ml:
        return Status(True, True, f"built with multilingual model {built_ml}, settings ask for {wanted_ml}", manifest)
    if manifest["chunker"] != chunker_settings(settings, encoder, multilingual):
        return Status(True, True, "chunker settings changed", manifest)
    if manifest.get("facts") != facts_fingerprint():
        return Status(True, True, "the language data that reads sentences changed", manifest)
    try:
        current = corpus_hashes(settings.corpus_dir)
    except CorpusError as exc:
        return Status(True, True, str(exc), manifest)
    before = manifest["files"]
    changed = sorted(k for k in before.keys() | current.keys() if before.get(k) != current.get(k))
    if changed:
        return Status(True, True, f"{len(changed)} corpus file(s) added, changed or removed", manifest, tuple(changed))
    unread = sorted(s["path"] for s in manifest["skipped"] if s.get("code") in UNREAD)
    if unread:  # the console's build left a scan out while its OCR ran or after a cancel: the next one reads it
        return Status(True, True, f"{len(unread)} scan(s) not read by OCR yet", manifest, tuple(unread))
    return Status(True, False, "up to date", manifest)
