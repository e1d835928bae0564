"""Like/dislike feedback on answers, appended as JSON lines to `settings.feedback_path`.

One record a line: time (UTC, ISO 8601), verdict, question, answer, citations. Each record is
written with a single `write` on a file opened for appending, under a lock held across threads
and (with `flock`) across processes, so concurrent visitors never interleave half-lines.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from .errors import AssistantError
from .files import file_lock
from .types import Answer

VERDICTS = {True: "like", False: "dislike"}
_LOCK = threading.Lock()


def verdict_of(liked) -> str:
    """Gradio's like value as a word: True -> like, False -> dislike, anything else -> cleared."""
    return VERDICTS.get(liked, "cleared") if isinstance(liked, bool) else "cleared"


def feedback_record(answer: Answer, verdict: str, when: datetime | None = None) -> dict:
    """What one like or dislike stores: enough to find the answer again and judge it."""
    when = when or datetime.now(UTC)
    return {
        "time": when.isoformat(timespec="seconds"),
        "verdict": verdict,
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {k: c.to_dict()[k] for k in ("n", "doc_id", "title", "section", "quote", "start", "end")}
            for c in answer.citations
        ],
    }


def record_feedback(path: Path, answer: Answer, verdict: str, when: datetime | None = None) -> dict:
    """Append one feedback record to the JSON-lines file at `path` (created with its folder)."""
    record = feedback_record(answer, verdict, when)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        with _LOCK, file_lock(path), open(path, "ab") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise AssistantError(
            f"Cannot record feedback in {path} ({exc.strerror}); set `feedback_path` to a writable file."
        ) from None
    return record


def read_feedback(path: Path) -> list[dict]:
    """Every record in a feedback file, oldest first."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
