"""What the page's events call: methods that take and return plain values and `gr.update` dicts.

`create_app` only wires these to components, so a test can call every handler without a server.
Gradio reads the `gr.Request` / `gr.EventData` annotations to know what to pass, so this module
keeps its annotations evaluated (no `from __future__ import annotations`).
"""

import logging
import time
from typing import Any, NamedTuple

import gradio as gr

from ..config import Settings
from ..conversation import add_turn
from ..types import Answer
from . import render
from .service import UNAVAILABLE, Companion, Failure, IdleReset, failure_dict, session_of, shown_citations

log = logging.getLogger("app")


class PageState(NamedTuple):
    """The parts of the page a question or a fresh start changes, in the order the events list them."""

    question: Any  # the question box
    chat: Any  # the chat as shown
    conversation: Any  # [{"role", "content"}] as the engine sees it
    answers: Any  # chat message index -> Answer, for feedback and re-showing sources
    current: Any  # the Answer whose sources are on show
    sources: Any  # the sources panel
    doc_view: Any  # the reader
    activity: Any  # {"time", "text"} for the kiosk's idle reset


SKIP = PageState(*(gr.skip(),) * len(PageState._fields))


class PageHandlers:
    """The page's behaviour: one method per event, over one `Companion` and the kiosk's idle rule."""

    def __init__(self, assistant, settings: Settings, clock=time.monotonic):
        self.settings = settings
        self.companion = Companion(assistant, settings, clock)
        self.idle = IdleReset(settings.kiosk_idle_seconds, clock)

    @property
    def max_chars(self) -> int:
        """The longest question the page accepts."""
        return self.companion.max_chars

    def respond(self, text, chat, history, shown, request: gr.Request = None) -> PageState:
        """Answer a question from the box or a starter button, updating chat, sources and reader."""
        text = text if isinstance(text, str) else ""
        if not text.strip():
            return SKIP
        chat = list(chat or [])
        activity = self.idle.activity()  # asking counts as activity from the moment the question arrives
        asked = [{"role": "user", "content": render.question_markdown(text[: self.max_chars])}]
        answer, failure = self.companion.ask(text, history, session_of(request))
        try:
            if failure is None:
                reply = {"role": "assistant", "content": render.answer_markdown(answer)}
                sources, doc_view = self.panel(answer)
        except Exception:
            log.exception("could not show an answer")
            failure = Failure("unavailable", UNAVAILABLE)
        if failure:
            chat += [*asked, {"role": "assistant", "content": render.notice_markdown(failure.message)}]
            return SKIP._replace(question="", chat=chat, conversation=history, answers=shown, activity=activity)
        chat += [*asked, reply]
        shown = dict(shown or {})
        shown[len(chat) - 1] = answer
        history = add_turn(history, answer.question, answer.text)
        return PageState("", chat, history, shown, answer, sources, doc_view, activity)

    def panel(self, answer: Answer | None) -> tuple[str, str]:
        """The sources panel and the reader, showing the answer's first passage."""
        cites = shown_citations(answer)
        html = render.sources_html(answer)
        if not cites:
            return html, render.document_placeholder()
        return html, self.companion.document_view(cites[0], bool(answer.citations))

    def read(self, answer, evt: gr.EventData) -> tuple:
        """Open the reader at the passage whose 'read' button was pressed: (reader HTML, accordion update)."""
        cites = shown_citations(answer)
        index = (evt._data if isinstance(evt._data, dict) else {}).get("index")
        if not isinstance(index, int) or not 0 <= index < len(cites):
            return gr.skip(), gr.skip()
        return self.companion.document_view(cites[index], bool(answer.citations)), gr.update(open=True)

    def reshow(self, shown, evt: gr.SelectData) -> tuple:
        """Clicking an earlier answer shows its sources again: (current, sources, reader)."""
        answer = (shown or {}).get(evt.index if isinstance(evt.index, int) else -1)
        if answer is None:
            return gr.skip(), gr.skip(), gr.skip()
        return answer, *self.panel(answer)

    def like(self, shown, evt: gr.LikeData) -> None:
        """Record a thumbs up or down on the answer it was given to."""
        answer = (shown or {}).get(evt.index if isinstance(evt.index, int) else -1)
        if answer is not None:
            self.companion.feedback(answer, evt.liked)

    def new_conversation(self) -> PageState:
        """An empty chat, panel and reader, as when the page opens."""
        return self._fresh(self.idle.activity())

    def idle_check(self, text, chat, activity) -> tuple:
        """Kiosk timer: the page state plus the reader's accordion, reset once nobody has asked or typed for a while."""
        verdict, activity = self.idle.decide(text, chat, activity)
        if verdict == "typed":
            return *SKIP._replace(activity=activity), gr.skip()
        if verdict == "reset":
            return *self._fresh(activity), gr.update(open=False)
        return *SKIP, gr.skip()

    def api_ask(self, question: str, history: list[dict] | None = None, request: gr.Request = None) -> dict:
        """Answer a question (with optional earlier {"role", "content"} messages) as a dict: text, citations, abstained."""
        answer, failure = self.companion.ask(question, history, session_of(request))
        return failure_dict(question, failure) if failure else answer.to_dict()

    def _fresh(self, activity: dict) -> PageState:
        return PageState("", [], [], {}, None, render.sources_html(None), render.document_placeholder(), activity)
