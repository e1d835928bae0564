"""Which refused questions reach the curator's "what visitors needed", and how a curator dismisses them.

A schema fuzzer sent the JSON API 805 generated requests and left about 20 rows of junk there ("×",
mojibake, single characters). So a refused question is logged only when:
- it holds a word in a language the assistant serves (`lang/served.py`: "Ã©tÃ©", "COM1", "xQ", "aaaa" or a
  lone "if" do not);
- the visitor has not used up `needs_per_address_per_day` (an address on the page and the API, a visit
  on a kiosk, whose visitors all share the screen's address). The count is kept in this process's
  memory only, so no address is ever written down; it starts afresh each day (UTC), at a restart, and
  in each replica.
Each row says where it came from: "page", "kiosk" or "api".

A curator may dismiss a row of the console: its questions, up to the row's newest time, are marked
`"dismissed": true` in the needs log (and the feedback log, for a disliked answer), so they stop
showing; nothing is deleted before the retention purge, and the console's audit log says who did it.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime
from pathlib import Path

from .feedback import _LOCK, _lock_of, _rewrite, _time_of, read_feedback, record_unanswered
from .files import file_lock
from .lang.served import has_served_word
from .types import Answer

log = logging.getLogger("assistant.feedback")
SOURCES = ("page", "kiosk", "api")
MAX_VISITORS = 100_000  # addresses counted per day; beyond, further new ones are not logged that day


class NeedsLog:
    """The refused questions one serving process logs: worth logging, within each visitor's daily cap, with their source."""

    def __init__(self, path: Path, per_day: int, today=lambda: datetime.now(UTC).date()):
        self.path = Path(path)
        self.per_day = per_day  # 0: no cap
        self.today = today
        self._day: date | None = None
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def record(self, answer: Answer, source: str, visitor: str, when: datetime | None = None) -> bool:
        """Log a refused question if it reads as ours and `visitor` (an address or a kiosk visit) is under the cap."""
        if not answer.abstained or not has_served_word(answer.question):
            return False
        if not self._count(visitor or "?"):
            return False
        return record_unanswered(self.path, answer, when, source=source if source in SOURCES else "")

    def _count(self, visitor: str) -> bool:
        """Count one more row for the visitor today; False once it has its `per_day`."""
        if self.per_day <= 0:
            return True
        with self._lock:
            today = self.today()
            if today != self._day:
                self._day, self._counts = today, {}
            used = self._counts.get(visitor, 0)
            if used >= self.per_day or (used == 0 and len(self._counts) >= MAX_VISITORS):
                if used == self.per_day:
                    log.warning(
                        "a visitor reached %d refused questions today; more are not logged until tomorrow", used
                    )
                    self._counts[visitor] = used + 1  # warn once
                return False
            self._counts[visitor] = used + 1
            return True


_LOGS: dict[tuple[Path, int], NeedsLog] = {}
_LOGS_LOCK = threading.Lock()


def needs_log(settings) -> NeedsLog:
    """This process's one NeedsLog for the settings' needs file, so the page and the API share each visitor's count."""
    key = (Path(settings.log_path("needs")), settings.needs_per_address_per_day)
    with _LOGS_LOCK:
        if key not in _LOGS:
            _LOGS[key] = NeedsLog(*key)
        return _LOGS[key]


def dismiss(paths: list[Path], questions: list[str], until: str) -> int:
    """Mark the records of these questions at or before `until` (ISO time) dismissed in each log; how many were marked."""
    wanted = {q for q in questions if isinstance(q, str)}
    try:
        limit = datetime.fromisoformat(until)
    except (TypeError, ValueError):
        return 0
    limit = limit if limit.tzinfo else limit.replace(tzinfo=UTC)
    marked = 0
    for path in paths:
        with _LOCK, file_lock(_lock_of(path)):
            records = read_feedback(path)
            changed = 0
            for r in records:
                when = _time_of(r)
                if r.get("question") in wanted and not r.get("dismissed") and when is not None and when <= limit:
                    if "verdict" in r and r.get("verdict") != "dislike":
                        continue  # a like is not a need
                    r["dismissed"] = True
                    changed += 1
            if changed:
                _rewrite(path, records)
            marked += changed
    return marked
