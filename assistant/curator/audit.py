"""The audit log: what each curator did and when, one JSON line per action, shown on the console.

Records: time (UTC, ISO 8601), who (the name given at sign-in, or "-" for a failed one), action (login,
login_failed, login_limited, logout, upload, edit, remove, rebuild, export_needs, dismiss_need), target
(a file name, or a dismissed row's question), outcome ("ok" or the refusal's code) and detail (a short
English note: for a dismissal, how many entries and their questions). Appended with one write under a lock, like
the feedback log; never purged by the visitors' retention (it is the museum's record of its staff's work).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from ..feedback import read_feedback
from ..files import file_lock

log = logging.getLogger("assistant.curator")
_LOCK = threading.Lock()


class AuditLog:
    def __init__(self, path: Path):
        self.path = Path(path)

    def record(self, who: str, action: str, target: str = "", outcome: str = "ok", detail: str = "",
               when: datetime | None = None) -> dict:  # fmt: skip
        """Append one action; a failed write is logged to the server log, never lost silently, never raised."""
        entry = {
            "time": (when or datetime.now(UTC)).isoformat(timespec="seconds"),
            "who": who or "-",
            "action": action,
            "target": target,
            "outcome": outcome,
            "detail": detail[:500],
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            with _LOCK, file_lock(self.path.with_name(self.path.name + ".lock")), open(self.path, "ab") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
        except OSError:
            log.exception("could not write the audit log %s: %s", self.path, entry)
        return entry

    def entries(self, limit: int = 200) -> list[dict]:
        """The newest `limit` entries, newest first."""
        return list(reversed(read_feedback(self.path)))[:limit]
