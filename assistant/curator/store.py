"""corpus/ and corpus/sources.toml, changed by curators: validated, atomic, one change at a time.

Every change takes the corpus lock (`curator.lock` in the cache folder, `.cache/` by default: out of
the corpus, so `git status` and backups never see it), checks itself against what is on disk *now*, and
writes whole files with `write_atomic` / `os.replace`, so a crash leaves each file as it was or as it is
meant to be. Two curators at once: the second waits for the lock (or after 15 s is told to try again);
an edit or removal made from a page that is out of date (the document's `version` changed meanwhile) is
refused with a conflict instead of overwriting the other curator's change. The background rebuild holds
the same lock while it reads the corpus (`reading`), so it never sees a file without its metadata.

An upload is staged as a hidden `.tmp-upload-*` file inside corpus/ (the same disk, so the final rename
is atomic) and read there before the lock is taken. A folder that cannot be written (read-only, full)
is a `CuratorError` naming the fix, never a traceback.

sources.toml is edited table by table: a document's own table is replaced, added or dropped and every
other line, comments included, is kept as it was; the result is parsed back and compared with what was
meant before it is written.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus import METADATA_FILE, Skipped, _slug, corpus_files, load_metadata
from ..errors import AssistantError
from ..files import file_lock, sha256_file, write_atomic
from ..scan.correct import correction_path
from .scans import check_upload
from .validation import ConflictError, CuratorError, check_file_name

LOCK = "curator.lock"  # in the cache folder, never in corpus/
TMP_PREFIX = ".tmp-upload-"
LOCK_WAIT_SECONDS = 15.0
STALE_STAGING_SECONDS = 3600  # a staged upload this old was left by a crash
log = logging.getLogger("assistant.curator")


@dataclass(frozen=True)
class Entry:
    """One document of the corpus as the console lists it."""

    name: str  # file name relative to corpus/
    id: str
    meta: dict = field(compare=False)
    size: int = 0
    sha256: str = ""
    version: str = ""  # changes whenever the file or its metadata does

    @property
    def translation_of(self) -> str:
        return str(self.meta.get("translation_of") or "")


class CorpusStore:
    """The corpus folder as curators change it."""

    def __init__(self, corpus_dir: Path, max_bytes: int, lock_path: Path, max_pixels: int | None = None):
        self.corpus_dir = Path(corpus_dir).resolve()  # staged files are absolute: so is the folder they go into
        self.max_bytes = max_bytes
        self.lock_path = Path(lock_path)
        self.max_pixels = max_pixels  # a scan's page limit (ocr_max_pixels); None: the default's

    def writable(self) -> bool:
        """Whether curators can change the corpus: its folder and sources.toml may be written."""
        metadata = self.corpus_dir / METADATA_FILE
        return os.access(self.corpus_dir, os.W_OK) and (not metadata.exists() or os.access(metadata, os.W_OK))

    def clean_staging(self, now: float | None = None) -> int:
        """Remove staged uploads a crash left behind (older than an hour); how many went."""
        now = time.time() if now is None else now
        removed = 0
        for path in self.corpus_dir.glob(f"{TMP_PREFIX}*"):
            try:
                if now - path.stat().st_mtime > STALE_STAGING_SECONDS:
                    path.unlink()
                    removed += 1
            except OSError:
                log.warning("could not remove the stale staged upload %s", path)
        return removed

    # --- reading ------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """Every document file with its metadata, in name order."""
        if not self.corpus_dir.is_dir():
            return []
        metadata = self._metadata()
        out = []
        for path in corpus_files(self.corpus_dir):
            name = path.relative_to(self.corpus_dir).as_posix()
            meta = metadata.get(name) if isinstance(metadata.get(name), dict) else {}
            digest = sha256_file(path)
            out.append(Entry(name, _id_of(name, meta), meta, path.stat().st_size, digest, _version(meta, digest)))
        return out

    def entry(self, name: str) -> Entry | None:
        return next((e for e in self.entries() if e.name == name), None)

    def _metadata(self) -> dict:
        try:
            return load_metadata(self.corpus_dir)
        except AssistantError:
            raise CuratorError("write_failed", reason=f"{METADATA_FILE} is not valid TOML") from None

    # --- changing -----------------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the corpus lock; another change in progress makes this wait, then give up politely."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        with ExitStack() as held:
            while True:
                try:
                    held.enter_context(file_lock(self.lock_path, blocking=False))
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise CuratorError("busy") from None
                    time.sleep(0.05)
                except OSError as exc:  # the cache folder itself cannot be written
                    raise write_error(exc, self.lock_path.parent) from None
            yield

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the corpus lock while the corpus is read whole (the rebuild): waits as long as a change takes."""
        with file_lock(self.lock_path):
            yield

    def staging_file(self, name: str) -> Path:
        """A hidden temp file in corpus/ (same disk, so the final rename is atomic) with the upload's suffix."""
        suffix = Path(name).suffix.lower() if isinstance(name, str) else ""
        try:
            fd, tmp = tempfile.mkstemp(dir=self.corpus_dir, prefix=TMP_PREFIX, suffix=suffix)
        except OSError as exc:
            raise write_error(exc, self.corpus_dir) from None
        os.close(fd)
        return Path(tmp)

    def add(self, name, staged: Path, meta: dict) -> Entry:
        """Move a staged upload into corpus/ under `name` with its metadata, after every check passes."""
        try:
            name = check_file_name(name)
            size = staged.stat().st_size
            if size == 0:
                raise CuratorError("empty", name=name)
            if size > self.max_bytes:
                raise CuratorError("too_large", limit=_size(self.max_bytes))
            document = check_upload(staged, self.corpus_dir, meta, name, self.max_pixels)  # read outside the lock: a long PDF waits for no one; a scan: its header only
            if isinstance(document, Skipped):
                if document.reason == "empty file":
                    raise CuratorError("empty", name=name)
                if document.code:  # a reason the console says in its own language
                    raise CuratorError(document.code, name=name)
                raise CuratorError("unreadable", name=name, reason=document.reason)
            digest = sha256_file(staged)
            with self.lock():
                entries = self.entries()
                doc_id = _slug(Path(name).with_suffix("").as_posix())
                for e in entries:  # the name first: it is what the curator chose
                    if e.name.lower() == name.lower():
                        raise CuratorError("duplicate_name", name=e.name)
                for e in entries:
                    if e.sha256 == digest:
                        raise CuratorError("duplicate_content", name=e.name)
                    if e.id == doc_id:
                        raise CuratorError("duplicate_id", id=doc_id, name=e.name)
                _check_translation(meta, entries)
                meta = {"id": doc_id, **meta}
                target = self.corpus_dir / name
                os.chmod(staged, 0o644)
                os.replace(staged, target)
                try:
                    self._write_metadata({name: meta})
                except BaseException:
                    target.unlink(missing_ok=True)
                    raise
                return self.entry(name)
        except OSError as exc:
            raise write_error(exc, self.corpus_dir) from None
        finally:
            staged.unlink(missing_ok=True)

    def edit(self, name: str, meta: dict, version: str) -> Entry:
        """Replace a document's metadata fields (id and other keys kept) if nobody changed it since `version`."""
        with self.lock():
            entries = self.entries()
            entry = _find(entries, name, version)
            others = [e for e in entries if e.name != name]
            _check_translation(meta, others)
            if meta.get("language") != entry.meta.get("language"):
                for e in others:
                    if e.translation_of == entry.id and e.meta.get("language") == meta.get("language"):
                        raise CuratorError("same_language", language=meta.get("language"))
            kept = {k: v for k, v in entry.meta.items() if k not in (*meta, "title", "kind", "origin", "language",
                                                                     "licence", "translation_of", "translator", "reviewed")}
            new = {"id": entry.id, **kept, **meta}
            try:
                self._write_metadata({name: new})
            except OSError as exc:
                raise write_error(exc, self.corpus_dir) from None
            return self.entry(name)

    def remove(self, name: str, version: str) -> Entry:
        """Delete a document and its metadata if nobody changed it since `version` and no translation needs it."""
        with self.lock():
            entries = self.entries()
            entry = _find(entries, name, version)
            translations = [e.name for e in entries if e.translation_of == entry.id]
            if translations:
                raise CuratorError("has_translations", name=name, names=", ".join(translations))
            path = self.corpus_dir / name
            aside = path.with_name(f"{TMP_PREFIX}removed-{path.name}")  # hidden: the ingest never reads it
            try:
                os.replace(path, aside)  # first the file goes aside, so a failure below can put it back whole
                try:
                    self._write_metadata({name: None})
                except BaseException:
                    os.replace(aside, path)
                    raise
                aside.unlink()
            except OSError as exc:
                raise write_error(exc, self.corpus_dir) from None
            self._drop_correction(name)
            return entry

    def _drop_correction(self, name: str) -> None:
        """A removed scan's OCR corrections go with it (else the same file added again would take them silently)."""
        path = correction_path(self.corpus_dir, name)
        try:
            path.unlink(missing_ok=True)
            if path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()
        except OSError:
            log.warning("could not remove %s, the corrections of the removed %s", path, name)

    def _write_metadata(self, changes: dict[str, dict | None]) -> None:
        """Apply {file name: table or None (drop it)} to sources.toml, keeping every other line as it was."""
        path = self.corpus_dir / METADATA_FILE
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        current = tomllib.loads(text) if text else {}
        wanted = {k: v for k, v in {**current, **changes}.items() if v is not None}
        new_text = edit_tables(text, changes)
        if tomllib.loads(new_text) != wanted:  # the table-by-table edit went wrong somewhere: write it all afresh
            new_text = "".join(table_text(k, v) + "\n" for k, v in wanted.items())
        write_atomic(path, new_text)


def write_error(exc: OSError, folder: Path) -> CuratorError:
    """The curator's message for a failed write: a folder that is read-only or full says so and names it."""
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return CuratorError("read_only", folder=str(folder))
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return CuratorError("disk_full", folder=str(folder))
    return CuratorError("write_failed", reason=exc.strerror or type(exc).__name__)


def _find(entries: list[Entry], name: str, version: str) -> Entry:
    entry = next((e for e in entries if e.name == name), None)
    if entry is None:
        raise CuratorError("not_found", name=name)
    if version != entry.version:
        raise ConflictError("conflict", name=name)
    return entry


def _check_translation(meta: dict, entries: list[Entry]) -> None:
    """A translation names an original that is in the corpus, is no translation itself, and is in another language."""
    original_id = meta.get("translation_of")
    if not original_id:
        return
    original = next((e for e in entries if e.id == original_id), None)
    if original is None:
        raise CuratorError("missing_original", id=original_id)
    if original.translation_of:
        raise CuratorError("original_is_translation", id=original_id)
    if str(original.meta.get("language") or "en") == meta.get("language"):
        raise CuratorError("same_language", language=meta.get("language"))


def _id_of(name: str, meta: dict) -> str:
    return str(meta.get("id") or _slug(Path(name).with_suffix("").as_posix()))


def _version(meta: dict, digest: str) -> str:
    return hashlib.sha256((json.dumps(meta, sort_keys=True, ensure_ascii=False) + digest).encode()).hexdigest()[:16]


def _size(n: int) -> str:
    from .validation import size_label

    return size_label(n)


# --- sources.toml, table by table ---------------------------------------------------------


def toml_value(value) -> str:
    """A TOML value: strings as basic strings (JSON escapes are TOML's), booleans, numbers, string lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def table_text(name: str, table: dict) -> str:
    """One document's table: `["file name"]` and its keys, one a line."""
    return "\n".join([f"[{json.dumps(name, ensure_ascii=False)}]", *(f"{k} = {toml_value(v)}" for k, v in table.items())]) + "\n"


def edit_tables(text: str, changes: dict[str, dict | None]) -> str:
    """text with each named table replaced (or dropped, for None) and new ones appended; other lines kept.

    A table's comment and blank lines after its last key stay where they are (they usually introduce
    the next table).
    """
    lines = text.splitlines(keepends=True)
    heads = [i for i, line in enumerate(lines) if _table_name(line) is not None]
    out = lines[: heads[0]] if heads else lines[:]
    done = set()
    for n, start in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        name = _table_name(lines[start])
        body = lines[start:end]
        last = max((i for i, line in enumerate(body) if line.strip() and not line.lstrip().startswith("#")), default=0)
        content, trailing = body[: last + 1], body[last + 1 :]
        if name in changes:
            done.add(name)
            if changes[name] is not None:
                content = [table_text(name, changes[name])]
            else:
                content = []
        out += content + trailing
    added = [table_text(k, v) for k, v in changes.items() if k not in done and v is not None]
    if added:
        if out and not out[-1].endswith("\n"):
            out.append("\n")
        if out and out[-1].strip():
            out.append("\n")
        out.append("\n".join(added))
    return "".join(out)


def _table_name(line: str) -> str | None:
    stripped = line.strip()
    if not stripped.startswith("[") or stripped.startswith("[["):
        return None
    try:
        parsed = tomllib.loads(stripped)
    except tomllib.TOMLDecodeError:
        return None
    return next(iter(parsed)) if len(parsed) == 1 else None
