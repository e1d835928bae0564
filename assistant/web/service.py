"""The page's rules, apart from how Gradio shows them: answering politely, rate limits, history, idle reset.

Nothing here imports Gradio, so every rule can be tested with plain values and a fake clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

from ..config import Settings
from ..errors import AssistantError
from ..feedback import record_feedback, verdict_of
from ..types import Answer
from . import render

log = logging.getLogger("app")  # the page's log name, as it was before the page moved out of app.py

RATE_LIMITED = "You are asking faster than this screen can answer. Please wait a moment, then ask again."
UNAVAILABLE = "Sorry, something went wrong while looking that up. Please try again in a moment."
KIOSK_STAFF = " If it keeps happening, please tell a member of staff."
DOCUMENT_UNAVAILABLE = '<div class="doc-empty">Sorry, that document cannot be shown just now.</div>'
HISTORY_LIMIT = 20  # messages of earlier conversation passed to the engine
HISTORY_CHARS = 4000  # per message


@dataclass(frozen=True)
class Failure:
    """Why a question got no answer, as a short code for scripts and a polite message for people."""

    code: str  # "rate_limited" or "unavailable"
    message: str


class RateLimiter:
    """At most `per_minute` questions from one session in any 60 seconds; 0 turns the limit off."""

    def __init__(self, per_minute: int, clock=time.monotonic, max_sessions: int = 10_000):
        self.per_minute = per_minute
        self.clock = clock
        self.max_sessions = max_sessions
        self._times: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, session: str) -> bool:
        """Whether this session may ask now (and, if so, count the question)."""
        if self.per_minute <= 0:
            return True
        now = self.clock()
        with self._lock:
            times = self._times.setdefault(session, deque())
            while times and now - times[0] >= 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            if len(self._times) > self.max_sessions:
                self._forget_idle(now)
            return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, t in self._times.items() if not t or now - t[-1] >= 60]:
            del self._times[key]


class IdleReset:
    """Kiosk: start over after `idle_seconds` with no question asked and no typing.

    The page keeps an activity record {"time", "text"}: when the visitor last asked or typed, and
    what the question box held then. A timer asks `decide` every few seconds.
    """

    def __init__(self, idle_seconds: float, clock=time.monotonic):
        self.idle_seconds = idle_seconds
        self.clock = clock

    def activity(self, text: str = "") -> dict:
        """A fresh activity record: something happened now, with `text` in the question box."""
        return {"time": self.clock(), "text": text}

    def decide(self, text, chat, activity) -> tuple[str, dict | None]:
        """("typed", new record) when the box changed, ("reset", fresh record) once idle, else ("wait", None)."""
        now = self.clock()
        activity = dict(activity or {})
        text = text or ""
        if text != activity.get("text", ""):
            return "typed", {"time": now, "text": text}
        if (chat or text) and now - activity.get("time", now) >= self.idle_seconds:
            return "reset", {"time": now, "text": ""}
        return "wait", None


class Companion:
    """What the page does with a question: answering politely within limits, feedback, documents."""

    def __init__(self, assistant, settings: Settings, clock=time.monotonic):
        if settings.kiosk:
            assistant = assistant.with_settings(max_question_chars=settings.kiosk_max_question_chars)
        self.assistant = assistant
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit_per_minute, clock)

    @property
    def max_chars(self) -> int:
        """The longest question the page accepts."""
        return self.settings.kiosk_max_question_chars if self.settings.kiosk else self.settings.max_question_chars

    def ask(self, question, history, session: str) -> tuple[Answer | None, Failure | None]:
        """The assistant's answer, or a polite failure; never raises."""
        if not self.limiter.allow(session or "anonymous"):
            return None, Failure("rate_limited", RATE_LIMITED)
        try:
            return self.assistant.ask(question if isinstance(question, str) else "", clean_history(history)), None
        except AssistantError as exc:
            log.warning("question failed: %s", exc)
            message = UNAVAILABLE + KIOSK_STAFF if self.settings.kiosk else f"Sorry, I could not answer that: {exc}"
            return None, Failure("unavailable", message)
        except Exception:
            log.exception("question failed")
            return None, Failure("unavailable", UNAVAILABLE + (KIOSK_STAFF if self.settings.kiosk else ""))

    def feedback(self, answer: Answer, liked) -> None:
        """Record a like or dislike; a full disk or a bad path is logged, not shown to the visitor."""
        try:
            record_feedback(self.settings.feedback_path, answer, verdict_of(liked))
        except Exception:
            log.exception("could not record feedback")

    def document_view(self, citation, cited: bool) -> str:
        """The reader's HTML: the citation's whole document scrolled to the quote, or a polite note."""
        try:
            document = self.assistant.document(citation.doc_id)
            return render.document_html(document, citation.start, citation.end, citation.n if cited else None)
        except Exception:
            log.exception("could not show document %s", getattr(citation, "doc_id", "?"))
            return DOCUMENT_UNAVAILABLE


def clean_history(history) -> list[dict]:
    """The last messages of a conversation as {"role", "content"} strings; anything else dropped."""
    if not isinstance(history, list):
        return []
    kept = [
        {"role": m["role"], "content": m["content"][:HISTORY_CHARS]}
        for m in history
        if isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
    ]
    return kept[-HISTORY_LIMIT:]


def failure_dict(question, failure: Failure) -> dict:
    """An `/ask` result for a question that got no answer: the answer shape plus an `error` code."""
    text = question if isinstance(question, str) else ""
    return Answer(text[:200], failure.message, True).to_dict() | {"error": failure.code}


def shown_citations(answer: Answer | None) -> tuple:
    """The passages the sources panel lists for an answer: its citations, or its further reading."""
    if answer is None:
        return ()
    return answer.citations or answer.further_reading


def session_of(request) -> str:
    """The visitor's session id from a Gradio request (or anything with `session_hash`), else "anonymous"."""
    return getattr(request, "session_hash", None) or "anonymous"
