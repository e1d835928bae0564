"""The page's rules, apart from how Gradio shows them: answering politely, rate limits, history.

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
from ..feedback import answer_key, record_feedback, verdict_of
from ..types import Answer, Citation
from . import render
from .i18n import language_of, t
from .scan_view import ScanView, scan_view

log = logging.getLogger("app")  # the page's log name, as it was before the page moved out of app.py

# The English wording of the page's notices (each is in assistant.web.i18n in all three languages).
RATE_LIMITED = t("rate_limited", "en")
UNAVAILABLE = t("unavailable", "en")
KIOSK_STAFF = t("kiosk_staff", "en")
DOCUMENT_UNAVAILABLE = render.document_unavailable("en")
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
        return self.wait(session) == 0.0

    def wait(self, session: str) -> float:
        """0 when this session (or client address) may ask now, the question counted; else the seconds until it may."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            times = self._times.setdefault(session, deque())
            while times and now - times[0] >= 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return 60 - (now - times[0])
            times.append(now)
            if len(self._times) > self.max_sessions:
                self._forget_idle(now)
            return 0.0

    def forget(self, session: str) -> None:
        """Start a session's count afresh (a kiosk's new visitor)."""
        with self._lock:
            self._times.pop(session, None)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, times in self._times.items() if not times or now - times[-1] >= 60]:
            del self._times[key]


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

    def ask(self, question, history, session: str, language: str = "en") -> tuple[Answer | None, Failure | None]:
        """The assistant's answer, or a polite failure in the page's `language`; never raises.

        `language` is the page's: the engine answers a question in its own language and uses the
        page's only for a question that shows none (an empty one, say).
        """
        language = language_of(language)
        if not self.limiter.allow(session or "anonymous"):
            return None, Failure("rate_limited", t("rate_limited", language))
        staff = t("kiosk_staff", language) if self.settings.kiosk else ""
        try:
            text = question if isinstance(question, str) else ""
            return self.assistant.ask(text, clean_history(history), language=language), None
        except AssistantError as exc:
            log.warning("question failed: %s", exc)
            if self.settings.kiosk:
                return None, Failure("unavailable", t("unavailable", language) + staff)
            return None, Failure("unavailable", t("could_not_answer", language, error=exc))
        except Exception:
            log.exception("question failed")
            return None, Failure("unavailable", t("unavailable", language) + staff)

    def feedback(self, answer: Answer, liked) -> None:
        """Record a like or dislike; a full disk or a bad path is logged, not shown to the visitor."""
        try:
            source = "kiosk" if self.settings.kiosk else "page"
            record_feedback(self.settings.feedback_path, answer, verdict_of(liked), key=answer_key(answer), source=source)
        except Exception:
            log.exception("could not record feedback")

    def document_view(self, citation: Citation, cited: bool, language: str = "en", original: bool = False) -> str:
        """The reader's HTML: the citation's whole document scrolled to the quote, or a polite note.

        For a translated quote, `original` opens the original document at the original sentence instead.
        """
        n = citation.n if cited else None
        try:
            if original and citation.translation and citation.original_doc_id:
                document = self.assistant.document(citation.original_doc_id)
                if document.text[citation.original_start : citation.original_end] != citation.original_quote:
                    return render.document_changed(language)  # rebuilt since the answer: mark nothing wrongly
                return render.document_html(
                    document,
                    citation.original_start,
                    citation.original_end,
                    n,
                    language=language,
                    scan=self.scan(citation.original_doc_id, citation.original_start, citation.original_end),
                )
            document = self.assistant.document(citation.doc_id)
            if document.text[citation.start : citation.end] != citation.quote:
                return render.document_changed(language)
            return render.document_html(
                document,
                citation.start,
                citation.end,
                n,
                language=language,
                original_title=citation.original_title if citation.translation else "",
                original_language=self.document_language(citation.original_doc_id),
                scan=self.scan(citation.doc_id, citation.start, citation.end),
            )
        except Exception:
            log.exception("could not show document %s", getattr(citation, "doc_id", "?"))
            return render.document_unavailable(language)

    def scan(self, doc_id: str, start: int, end: int) -> ScanView | None:
        """For a scanned document, the page a quote lies on with its words' boxes (assistant.web.scan_view); else None."""
        layout = (getattr(self.assistant.index, "scans", None) or {}).get(doc_id)
        return scan_view(layout, start, end, self.settings.ocr_confidence_floor) if layout else None

    def document_language(self, doc_id: str) -> str:
        """A document's language from its metadata (English when it says none or cannot be found)."""
        try:
            return str((self.assistant.document(doc_id).meta or {}).get("language") or "en") if doc_id else "en"
        except Exception:
            return "en"

    def original_languages(self, answer: Answer | None) -> dict[str, str]:
        """The language of each original a translated quote of the answer is shown beside."""
        cited = (answer.citations + answer.further_reading) if answer else ()
        return {c.original_doc_id: self.document_language(c.original_doc_id) for c in cited if c.translation}


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


def failure_dict(question, failure: Failure, language: str = "en") -> dict:
    """An `/ask` result for a question that got no answer: the answer shape plus an `error` code."""
    text = question if isinstance(question, str) else ""
    return Answer(text[:200], failure.message, True, language=language_of(language)).to_dict() | {"error": failure.code}


def shown_citations(answer: Answer | None) -> tuple:
    """The passages the sources panel lists for an answer: its citations, or its further reading."""
    if answer is None:
        return ()
    return answer.citations or answer.further_reading


def session_of(request) -> str:
    """The visitor's session id from a Gradio request (or anything with `session_hash`), else "anonymous"."""
    return getattr(request, "session_hash", None) or "anonymous"
