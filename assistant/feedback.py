"""What visitors leave behind: like/dislike on answers, and the questions the sources could not answer.

Feedback goes as JSON lines to `settings.feedback_path`: time (UTC, ISO 8601), verdict, question, the
question's language, answer, citations, a random `key` naming the answer on the page, and the page it
came from (page or kiosk). A visitor who
changes a like to a dislike (or clears it) replaces that answer's record instead of adding a second:
`answer_key(answer)` gives each answer shown a random key for as long as the page holds it.

Refused questions go to `settings.needs_path`: question text, language, time and where it was asked
(page, kiosk or API; see assistant.unanswered for which are logged). Neither log holds anything about
the visitor (no address, session or browser). Both are purged of records older than
`settings.needs_retention_days` by `purge`, which the curator's console runs.

Each write holds a lock across threads and (with `flock`) across processes: an append is one `write`
on a file opened for appending; a replace or purge rewrites the file atomically, so concurrent
visitors never interleave half-lines and a crash never leaves half a file.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
import weakref
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .errors import AssistantError
from .files import file_lock, write_atomic
from .types import Answer

VERDICTS = {True: "like", False: "dislike"}
_LOCK = threading.Lock()
_KEYS: dict[int, tuple[weakref.ref, str]] = {}
_KEYS_LOCK = threading.Lock()
log = logging.getLogger("assistant.feedback")


def verdict_of(liked) -> str:
    """Gradio's like value as a word: True -> like, False -> dislike, anything else -> cleared."""
    return VERDICTS.get(liked, "cleared") if isinstance(liked, bool) else "cleared"


def answer_key(answer: Answer) -> str:
    """A random key for this answer object, the same each time it is asked for while the page holds it.

    The page keeps the very `Answer` it showed in its session state, so a second verdict on it finds the
    same key; two visitors' equal answers are two objects with two keys, and their two likes count twice.
    """
    with _KEYS_LOCK:
        entry = _KEYS.get(id(answer))
        if entry is not None and entry[0]() is answer:
            return entry[1]
        key = uuid.uuid4().hex[:16]
        ident = id(answer)
        try:
            ref = weakref.ref(answer, lambda _, ident=ident: _KEYS.pop(ident, None))
        except TypeError:  # cannot be weakly referenced: a key for this call only
            return key
        _KEYS[ident] = (ref, key)
        return key


def feedback_record(answer: Answer, verdict: str, when: datetime | None = None, key: str = "", source: str = "") -> dict:
    """What one like or dislike stores: enough to find the answer again and judge it, nothing about the visitor."""
    when = when or datetime.now(UTC)
    record = {
        "time": when.isoformat(timespec="seconds"),
        "verdict": verdict,
        "question": answer.question,
        "language": answer.language,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {k: c.to_dict()[k] for k in ("n", "doc_id", "title", "section", "quote", "start", "end")}
            for c in answer.citations
        ],
    }
    if key:
        record["key"] = key
    if source:
        record["source"] = source  # "page" or "kiosk"
    return record


def record_feedback(
    path: Path, answer: Answer, verdict: str, when: datetime | None = None, key: str = "", source: str = ""
) -> dict | None:
    """Store one verdict in the JSON-lines file at `path` (created with its folder).

    With a `key`, an earlier record of the same key is replaced (a like turned into a dislike), and a
    "cleared" verdict removes it; without one, the record is appended.
    """
    record = feedback_record(answer, verdict, when, key, source)
    try:
        with _LOCK, file_lock(_lock_of(path)):
            if key and _has_key(path, key):
                kept = [r for r in read_feedback(path) if r.get("key") != key]
                _rewrite(path, kept + ([record] if verdict != "cleared" else []))
            elif verdict != "cleared" or not key:
                _append(path, record)
    except OSError as exc:
        raise AssistantError(
            f"Cannot record feedback in {path} ({exc.strerror}); set `feedback_path` to a writable file."
        ) from None
    return record if verdict != "cleared" or not key else None


def record_unanswered(path: Path, answer: Answer, when: datetime | None = None, source: str = "") -> bool:
    """Log a question the sources could not answer (text, language, time and where it was asked); never raises.

    Returns whether it was logged: an empty question or a failed write is not (the failure goes to the log).
    Which refused questions are worth logging, and how many per visitor, is `assistant.unanswered`'s to say.
    """
    if not answer.abstained or not answer.question.strip():
        return False
    when = when or datetime.now(UTC)
    record = {"time": when.isoformat(timespec="seconds"), "question": answer.question, "language": answer.language}
    if source:
        record["source"] = source  # "page", "kiosk" or "api"
    try:
        with _LOCK, file_lock(_lock_of(path)):
            _append(path, record)
    except Exception:
        log.exception("could not log an unanswered question in %s", path)
        return False
    return True


def read_feedback(path: Path) -> list[dict]:
    """Every record in a JSON-lines log (feedback or needs), oldest first; a damaged line is skipped."""
    if not path.is_file():
        return []
    records = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                record = json.loads(line) if line.strip() else None
            except ValueError:
                record = None
            if isinstance(record, dict):
                records.append(record)
    return records


def purge(path: Path, retention_days: int, now: datetime | None = None) -> int:
    """Remove records older than `retention_days` (0 keeps everything); returns how many went."""
    if retention_days <= 0 or not path.is_file():
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    with _LOCK, file_lock(_lock_of(path)):
        records = read_feedback(path)
        kept = [r for r in records if (_time_of(r) or cutoff) >= cutoff]  # a record without a time is kept
        if len(kept) != len(records):
            _rewrite(path, kept)
    return len(records) - len(kept)


def _lock_of(path: Path) -> Path:
    """The lock beside a log: a rewrite replaces the log's inode, so the lock cannot live on the log itself."""
    return path.with_name(path.name + ".lock")


def _time_of(record: dict) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(record.get("time")))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _has_key(path: Path, key: str) -> bool:
    if not path.is_file():
        return False
    needle = f'"key": "{key}"'
    with open(path, encoding="utf-8", errors="replace") as f:
        return any(needle in line for line in f)


def _append(path: Path, record: dict) -> None:
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    with open(path, "ab") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


def _rewrite(path: Path, records: list[dict]) -> None:
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def purge_old_logs(settings, now: datetime | None = None) -> int:
    """Purge the feedback and needs logs of entries past `needs_retention_days` (at start and by the console); never raises."""
    removed = 0
    for path in (settings.feedback_path, settings.log_path("needs")):
        try:
            removed += purge(path, settings.needs_retention_days, now)
        except Exception:
            log.exception("could not purge %s", path)
    return removed
