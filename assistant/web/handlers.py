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
from ..speech import Speaker
from ..types import Answer
from ..unanswered import needs_log
from . import render
from .api import client_address, trusted_proxies
from .i18n import LANGUAGES, STARTERS, language_of, t
from .listen import spoken
from .service import Companion, Failure, failure_dict, session_of, shown_citations

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
    notice: Any  # the page's own message (empty or over-long question, rate limit, an error), or ""
    announce: Any  # the screen reader's live region: the last finished answer
    listen: Any  # the read-aloud controls, for the answer on show


SKIP = PageState(*(gr.skip(),) * len(PageState._fields))

# What a language switch relabels, in the order `switch_language` returns them (the starters one by one).
RELABELLED = (
    "header",
    "chat_head",
    "chat",
    "question",
    "starters_head",
    *(f"starter_{i}" for i in range(len(STARTERS["en"]))),
    "new_chat",
    "to_sources",
    "confirm_text",
    "confirm_yes",
    "confirm_no",
    "reader",
    "sources",
    "doc_view",
    "notice",
    "listen",
    "footer",
)


class PageHandlers:
    """The page's behaviour: one method per event, over one `Companion`.

    Events pass the page's language (the language switch's value): the page's own labels and
    notices are in it, and the engine assumes it for a question that shows no language of its own.
    On a kiosk the browser watches for use (touch, pointer, keys, scrolling) and, after a warning a
    touch dismisses, presses the hidden reset button: `idle_reset` starts a new visit.
    """

    def __init__(self, assistant, settings: Settings, clock=time.monotonic):
        self.settings = settings
        self.companion = Companion(assistant, settings, clock)
        self.default_language = settings.kiosk_language if settings.kiosk else settings.page_language
        self.speaker = Speaker(settings)  # makes nothing until a Listen button is pressed

    @property
    def max_chars(self) -> int:
        """The longest question the page accepts."""
        return self.companion.max_chars

    def text(self, language: str | None = None) -> render.PageText:
        """The page's labels in a language (by default the page's own when it opens)."""
        s = self.settings
        return render.page_text(language or self.default_language, s.kiosk, self.max_chars, s.kiosk_idle_seconds)

    def respond(self, text, chat, history, shown, language=None, request: gr.Request = None, visit=0) -> PageState:
        """Answer a question from the box or a starter button, updating chat, sources and reader.

        An empty or over-long question, the rate limit or a failure leaves the chat and the question box
        as they were and says why in the notice area, in the page's language.
        """
        text = text if isinstance(text, str) else ""
        language = language_of(language or self.default_language)
        if not text.strip():
            return SKIP._replace(notice=render.notice_html(t("empty_question", language), language))
        if len(text) > self.max_chars:
            message = t("too_long", language, n=len(text), cap=self.max_chars)
            return SKIP._replace(notice=render.notice_html(message, language))
        chat = list(chat or [])
        asked = [{"role": "user", "content": render.question_markdown(text)}]
        answer, failure = self.companion.ask(text, history, visitor_of(request, visit), language)
        if failure is None and answer.abstained:  # for the curator's "what visitors needed"; never raises
            source, who = ("kiosk", visitor_of(request, visit)) if self.settings.kiosk else ("page", self.address(request))
            needs_log(self.settings).record(answer, source, who)
        try:
            if failure is None:
                reply = {"role": "assistant", "content": render.answer_markdown(answer, language)}
                sources, doc_view = self.panel(answer, language)
                announce = render.announcement(answer, language)
                listen = self.listen(answer, language)
        except Exception:
            log.exception("could not show an answer")
            failure = Failure("unavailable", t("unavailable", language))
        if failure:
            return SKIP._replace(notice=render.notice_html(failure.message, language))
        chat += [*asked, reply]
        shown = dict(shown or {})
        shown[len(chat) - 1] = answer
        history = add_turn(history, answer.question, answer.text)
        return PageState("", chat, history, shown, answer, sources, doc_view, "", announce, listen)

    def panel(self, answer: Answer | None, language: str = "en") -> tuple[str, str]:
        """The sources panel and the reader, showing the answer's first passage.

        Their labels are in the answer's language (the visitor's), or the page's for an answer in none.
        """
        cites = shown_citations(answer)
        html = render.sources_html(answer, page=language, languages=self.companion.original_languages(answer))
        if not cites:
            return html, render.document_placeholder(language)
        labels = render.labels_language(answer, language)
        return html, self.companion.document_view(cites[0], bool(answer.citations), labels)

    def listen(self, answer: Answer | None, language: str = "en") -> str:
        """The read-aloud controls in the page's language, their Listen button speaking `answer` (none without one)."""
        key = self.speaker.remember(spoken(answer, language)) if answer is not None else None
        return render.listen_html(key, language_of(language))

    def read(self, answer, language, evt: gr.EventData) -> tuple:
        """Open the reader at the passage whose 'read' button was pressed: (reader HTML, accordion update).

        A translated quote's second button (`original`) opens its original document at the original sentence.
        """
        cites = shown_citations(answer)
        data = evt._data if isinstance(evt._data, dict) else {}
        index = data.get("index")
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(cites):
            return gr.skip(), gr.skip()
        labels = render.labels_language(answer, language)
        view = self.companion.document_view(cites[index], bool(answer.citations), labels, data.get("original") is True)
        return view, gr.update(open=True)

    def reshow(self, shown, language, evt: gr.SelectData) -> tuple:
        """Clicking an earlier answer shows its sources again, and Listen reads it: (current, sources, reader, listen)."""
        answer = (shown or {}).get(evt.index if isinstance(evt.index, int) else -1)
        if answer is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return answer, *self.panel(answer, language), self.listen(answer, language)

    def like(self, shown, evt: gr.LikeData) -> None:
        """Record a thumbs up or down on the answer it was given to."""
        answer = (shown or {}).get(evt.index if isinstance(evt.index, int) else -1)
        if answer is not None:
            self.companion.feedback(answer, evt.liked)

    def new_conversation(self, language=None) -> tuple:
        """An empty chat, panel, notice and reader, as when the page opens: the page state, then the reader
        (closed) and the clearing question (hidden)."""
        return *self._fresh(language), gr.update(open=False), gr.update(visible=False)

    def ask_to_clear(self, chat, language=None) -> tuple:
        """'Start a new conversation': asks first when there is a conversation to lose, else starts afresh."""
        if chat:
            return *SKIP, gr.skip(), gr.update(visible=True)
        return self.new_conversation(language)

    def keep_conversation(self) -> dict:
        """The visitor chose to keep the conversation: the clearing question goes away."""
        return gr.update(visible=False)

    def idle_reset(self, visit, request: gr.Request = None) -> tuple:
        """Kiosk, nobody there after the warning: a new visit, in the kiosk's language, with its own rate limit.

        Returns the page state, the reader (closed), the clearing question (hidden), the language switch
        and the next visit number.
        """
        visit = visit if isinstance(visit, int) and not isinstance(visit, bool) else 0
        self.companion.limiter.forget(visitor_of(request, visit))
        return *self.new_conversation(self.default_language), self.default_language, visit + 1

    def switch_language(self, language, current) -> tuple:
        """Relabel the page in another language: one update per part named in RELABELLED.

        The chat keeps its messages as they were asked and answered; an answer's sources stay in its
        own language, and the empty panel and reader take the page's.
        """
        page = self.text(language_of(language))
        sources, doc_view = gr.skip(), gr.skip()
        if not shown_citations(current):
            sources = render.sources_html(current, page=page.language)
            doc_view = page.document_placeholder
        return (
            page.header,
            page.chat_head,
            gr.update(label=page.chat_label, placeholder=page.chat_placeholder),
            gr.update(label=page.question_label, placeholder=page.question_placeholder, submit_btn=page.ask),
            page.starters_head,
            *(gr.update(value=q) for q in page.starters),
            gr.update(value=page.new_chat),
            gr.update(value=page.to_sources),
            page.confirm_text,
            gr.update(value=page.confirm_yes),
            gr.update(value=page.confirm_no),
            gr.update(label=page.reader),
            sources,
            doc_view,
            "",
            self.listen(current, page.language),
            page.footer,
        )

    def api_ask(
        self, question: str, history: list[dict] | None = None, language: str | None = None, request: gr.Request = None
    ) -> dict:
        """Answer a question (with optional earlier {"role", "content"} messages) as a dict.

        The dict holds text, citations (each saying whether it quotes an original or a `translation`),
        abstained and the question's detected `language`; `language` ("kk", "ru" or "en") is assumed only
        for a question that shows none, and words any failure.
        """
        language = language_of(language if language in LANGUAGES else self.default_language)
        answer, failure = self.companion.ask(question, history, "api:" + session_of(request), language)
        if failure:
            return failure_dict(question, failure, language)
        if answer.abstained:  # as the page and the JSON API do: a need for the curator; never raises
            needs_log(self.settings).record(answer, "api", self.address(request))
        return answer.to_dict()

    def address(self, request) -> str:
        """The visitor's address (behind one of `trusted_proxies`, the one it names), for the daily cap on needs."""
        client = getattr(request, "client", None)
        headers = getattr(request, "headers", None) or {}
        return client_address(getattr(client, "host", None), headers.get("x-forwarded-for"), trusted_proxies(self.settings))

    def _fresh(self, language=None) -> PageState:
        language = language_of(language or self.default_language)
        empty = render.sources_html(None, page=language)
        reader, listen = render.document_placeholder(language), render.listen_html(None, language)
        return PageState("", [], [], {}, None, empty, reader, "", "", listen)


def visitor_of(request, visit) -> str:
    """Whose rate limit a question counts against: the page session and, on a kiosk, the visit since the last
    idle reset (the kiosk's page never reloads, so its session alone would be every visitor's)."""
    return f"{session_of(request)}:{visit if isinstance(visit, int) else 0}"
