"""The Gradio chat app: a study companion for students, and with `--kiosk` a museum screen.

`create_app(assistant, settings)` builds the page (no server), `launch_options(settings)` holds how
it is served, and `main()` parses flags, builds the index if it is missing or stale, and serves:

    python app.py [--kiosk] [--host 127.0.0.1] [--port 7860] [--index DIR]

Besides the page there is one public endpoint, `/ask` (question, optional history of
{"role", "content"} messages) -> the answer as a dict, for gradio_client and scripts.
Every event handler turns errors into a polite message; a traceback only reaches the server log.
"""

import argparse
import logging
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from assistant import render
from assistant.config import Settings, load_settings, set_offline_environment
from assistant.errors import AssistantError
from assistant.feedback import record_feedback, verdict_of
from assistant.types import Answer

log = logging.getLogger("app")

STARTERS = (
    "When was Leon Trotsky rehabilitated?",
    "What did Khrushchev denounce in 1956?",
    "Where were ethnic groups deported under Stalin?",
    "How many victims has Kazakhstan's commission rehabilitated?",
)
RATE_LIMITED = "You are asking faster than this screen can answer. Please wait a moment, then ask again."
UNAVAILABLE = "Sorry, something went wrong while looking that up. Please try again in a moment."
KIOSK_STAFF = " If it keeps happening, please tell a member of staff."
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


class Companion:
    """What the page does, apart from how Gradio shows it: answering politely, limits, feedback."""

    def __init__(self, assistant, settings: Settings, clock=time.monotonic):
        if settings.kiosk:
            assistant = assistant.with_settings(max_question_chars=settings.kiosk_max_question_chars)
        self.assistant = assistant
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit_per_minute, clock)

    @property
    def max_chars(self) -> int:
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
        try:
            document = self.assistant.document(citation.doc_id)
            return render.document_html(document, citation.start, citation.end, citation.n if cited else None)
        except Exception:
            log.exception("could not show document %s", getattr(citation, "doc_id", "?"))
            return '<div class="doc-empty">Sorry, that document cannot be shown just now.</div>'


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


# --- the page --------------------------------------------------------------------------


def header_html(settings: Settings) -> str:
    if settings.kiosk:
        return (
            '<header class="app-header"><h1>Soviet Political Rehabilitation: Ask the Sources</h1>'
            "<p>Every answer is quoted word for word from the exhibition's source texts, with numbered "
            "sources you can read. If the sources do not say, the screen tells you so. "
            f"The screen starts afresh after {_duration(settings.kiosk_idle_seconds)} without use.</p></header>"
        )
    return (
        '<header class="app-header"><h1>Soviet Political Rehabilitation: Study Companion</h1>'
        "<p>Ask about the rehabilitation of victims of Soviet repression. Answers are quoted word for word "
        "from the source texts, each sentence numbered [n] and listed with its source, which you can open and "
        "read in context. When the sources do not answer, you are told so and shown the closest passages.</p></header>"
    )


def _duration(seconds: int) -> str:
    if seconds % 60 == 0 and seconds >= 120:
        return f"{seconds // 60} minutes"
    return "1 minute" if seconds == 60 else f"{seconds} seconds"


def create_app(assistant, settings: Settings):
    """The chat page for `settings.kiosk` (museum screen) or student mode, with the queue configured."""
    import gradio as gr

    companion = Companion(assistant, settings)
    kiosk = settings.kiosk
    cap = companion.max_chars

    with gr.Blocks(
        title="Ask the Sources" if kiosk else "Study Companion", analytics_enabled=False, fill_width=kiosk
    ) as app:
        conversation = gr.State([])  # [{"role", "content"}] as the engine sees it
        answers = gr.State({})  # chat message index -> Answer, for feedback and re-showing sources
        current = gr.State(None)  # the Answer whose sources are on show
        activity = gr.State({"time": time.monotonic(), "text": ""})  # for the kiosk's idle reset

        gr.HTML(header_html(settings), js_on_load=None, elem_id="header")
        with gr.Row(equal_height=False, elem_id="main-row"):
            with gr.Column(scale=3, min_width=360, elem_id="chat-column"):
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    show_label=False,
                    height="40vh" if kiosk else 540,
                    buttons=["copy"] if kiosk else ["copy", "copy_all"],
                    feedback_options=("Like", "Dislike"),
                    latex_delimiters=[],
                    sanitize_html=True,
                    group_consecutive_messages=False,
                    placeholder=(
                        "**Ask a question** about Soviet political rehabilitation, or touch one of the questions below."
                        if kiosk
                        else "**Ask a question** about Soviet political rehabilitation. Answers quote the sources, "
                        "with numbered citations; follow-up questions are understood in context."
                    ),
                )
                question = gr.Textbox(
                    label=f"Your question (up to {cap} characters)",
                    placeholder="Type a question…" if kiosk else "e.g. When was Leon Trotsky rehabilitated?",
                    max_length=cap,
                    lines=1,
                    max_lines=3,
                    submit_btn="Ask",
                    autofocus=not kiosk,
                    elem_id="question",
                )
                with gr.Row(elem_id="starters"):
                    gr.HTML(
                        '<div class="starters-label">Try asking:</div>', js_on_load=None, elem_classes="starters-head"
                    )
                    starters = [gr.Button(q, size="lg" if kiosk else "sm", elem_classes="starter") for q in STARTERS]
                new_chat = gr.Button(
                    "Start a new conversation", size="lg" if kiosk else "md", variant="secondary", elem_id="new-chat"
                )
            with gr.Column(scale=2, min_width=320, elem_id="sources-column"):
                sources = gr.HTML(
                    render.sources_html(None),
                    elem_id="sources",
                    js_on_load=(
                        "element.addEventListener('click', (e) => {"
                        " const b = e.target.closest('.read-button');"
                        " if (b) trigger('click', {index: Number(b.dataset.index)}); });"
                    ),
                )
                with gr.Accordion("Read the whole document", open=False, elem_id="reader") as reader:
                    doc_view = gr.HTML(
                        render.document_placeholder(),
                        elem_id="doc-view",
                        js_on_load=(
                            "const show = () => { const box = element.querySelector('.doc-text');"
                            " const m = element.querySelector('#doc-quote');"
                            " if (box && m) box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3); };"
                            " watch('value', () => setTimeout(show, 30)); show();"
                        ),
                    )
        if not kiosk:
            gr.HTML(
                '<footer class="app-note">This assistant does not write answers of its own: it quotes sentences from its '
                "source texts and cites them. Use the thumbs under an answer to tell us whether it helped.</footer>",
                js_on_load=None,
            )

        # --- handlers ---------------------------------------------------------------------

        def respond(text, chat, history, shown, request: gr.Request):
            """Answer a question from the box or a starter button, updating chat, sources and reader."""
            text = text if isinstance(text, str) else ""
            if not text.strip():
                return (gr.skip(),) * 8
            chat = list(chat or [])
            now = time.monotonic()
            asked = [{"role": "user", "content": render.question_markdown(text[:cap])}]
            answer, failure = companion.ask(text, history, _session(request))
            try:
                if failure is None:
                    reply = {"role": "assistant", "content": render.answer_markdown(answer)}
                    sources_view = panel(answer)
            except Exception:
                log.exception("could not show an answer")
                failure = Failure("unavailable", UNAVAILABLE)
            if failure:
                chat += [*asked, {"role": "assistant", "content": render.notice_markdown(failure.message)}]
                return "", chat, history, shown, gr.skip(), gr.skip(), gr.skip(), {"time": now, "text": ""}
            chat += [*asked, reply]
            shown = dict(shown or {})
            shown[len(chat) - 1] = answer
            history = list(history or []) + [
                {"role": "user", "content": answer.question},
                {"role": "assistant", "content": answer.text},
            ]
            return ("", chat, history, shown, answer, *sources_view, {"time": now, "text": ""})

        def panel(answer: Answer | None):
            """The sources panel and the reader, showing the answer's first passage."""
            cites = shown_citations(answer)
            html = render.sources_html(answer)
            view = companion.document_view(cites[0], bool(answer.citations)) if cites else render.document_placeholder()
            return html, view

        def read(answer, evt: gr.EventData):
            """Open the reader at the passage whose 'read' button was pressed."""
            cites = shown_citations(answer)
            index = (evt._data if isinstance(evt._data, dict) else {}).get("index")
            if not isinstance(index, int) or not 0 <= index < len(cites):
                return gr.skip(), gr.skip()
            return companion.document_view(cites[index], bool(answer.citations)), gr.Accordion(open=True)

        def reshow(shown, evt: gr.SelectData):
            """Clicking an earlier answer shows its sources again."""
            answer = (shown or {}).get(evt.index if isinstance(evt.index, int) else -1)
            if answer is None:
                return gr.skip(), gr.skip(), gr.skip()
            return answer, *panel(answer)

        def like(shown, evt: gr.LikeData):
            index = evt.index if isinstance(evt.index, int) else -1
            answer = (shown or {}).get(index)
            if answer is not None:
                companion.feedback(answer, evt.liked)

        def new_conversation():
            return (
                [],
                [],
                {},
                None,
                render.sources_html(None),
                render.document_placeholder(),
                "",
                {"time": time.monotonic(), "text": ""},
            )

        def idle_check(text, chat, act):
            """Kiosk: start over after `kiosk_idle_seconds` with no question asked and no typing."""
            now = time.monotonic()
            act = dict(act or {})
            text = text or ""
            if text != act.get("text", ""):
                return (gr.skip(),) * 8 + ({"time": now, "text": text},)
            if (chat or text) and now - act.get("time", now) >= settings.kiosk_idle_seconds:
                reset = new_conversation()
                return (*reset[:7], gr.Accordion(open=False), reset[7])
            return (gr.skip(),) * 9

        def api_ask(question: str, history: list[dict] | None = None, request: gr.Request = None) -> dict:
            """Answer a question (with optional earlier {"role", "content"} messages) as a dict: text, citations, abstained."""
            answer, failure = companion.ask(question, history, _session(request))
            return failure_dict(question, failure) if failure else answer.to_dict()

        # --- wiring -----------------------------------------------------------------------

        engine = {"concurrency_id": "engine", "api_visibility": "private"}
        outputs = [question, chatbot, conversation, answers, current, sources, doc_view, activity]
        question.submit(respond, [question, chatbot, conversation, answers], outputs, **engine)
        for button in starters:
            button.click(respond, [button, chatbot, conversation, answers], outputs, **engine)
        new_chat.click(
            new_conversation,
            None,
            [chatbot, conversation, answers, current, sources, doc_view, question, activity],
            api_visibility="private",
            queue=False,
        )
        sources.click(read, [current], [doc_view, reader], api_visibility="private", queue=False)
        chatbot.select(reshow, [answers], [current, sources, doc_view], api_visibility="private", queue=False)
        chatbot.clear(
            new_conversation,
            None,
            [chatbot, conversation, answers, current, sources, doc_view, question, activity],
            api_visibility="private",
            queue=False,
        )
        chatbot.like(like, [answers], None, api_visibility="private", queue=False)
        if kiosk:
            timer = gr.Timer(max(1.0, min(10.0, settings.kiosk_idle_seconds / 4)))
            timer.tick(
                idle_check,
                [question, chatbot, activity],
                [chatbot, conversation, answers, current, sources, doc_view, question, reader, activity],
                api_visibility="private",
                show_progress="hidden",
                queue=False,
            )
        gr.api(api_ask, api_name="ask", concurrency_id="engine", api_visibility="undocumented" if kiosk else "public")

    app.queue(default_concurrency_limit=settings.queue_concurrency, max_size=settings.queue_max_size)
    return app


def _session(request) -> str:
    return getattr(request, "session_hash", None) or "anonymous"


# --- serving ---------------------------------------------------------------------------


def theme(settings: Settings):
    """A built-in theme whose fonts Gradio serves itself (no web fonts), larger for kiosks."""
    import gradio as gr

    sizes = {}
    if settings.kiosk:
        sizes = {
            "text_size": gr.themes.sizes.text_lg,
            "spacing_size": gr.themes.sizes.spacing_lg,
            "radius_size": gr.themes.sizes.radius_lg,
        }
    return gr.themes.Default(primary_hue="red", secondary_hue="amber", neutral_hue="stone", **sizes)


def launch_options(settings: Settings, **overrides) -> dict:
    """How the app is served: local only, nothing shared or tracked, nothing uploaded; kiosk shows no footer."""
    options = {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "inbrowser": False,
        "show_error": False,
        "footer_links": [] if settings.kiosk else ["api", "gradio"],
        "run_history": False,
        "enable_monitoring": False,
        "max_file_size": 1024,  # bytes; the page has no uploads
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "state_session_capacity": 200,  # API calls without a session each open one; keep memory flat
        "theme": theme(settings),
        "css": CSS + (KIOSK_CSS if settings.kiosk else ""),
        "favicon_path": None,
    }
    options.update(overrides)
    return options


def ensure_index(settings: Settings) -> None:
    """Build the index first when it is missing or stale, with progress in the terminal."""
    from assistant.cli import print_report
    from assistant.index import build_index, index_status

    status = index_status(settings)
    if status.stale:
        print(f"Index {settings.index_dir}/ needs building: {status.reason}.", flush=True)
        print_report(build_index(settings, rebuild=True, progress=True), settings)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="app.py", description="Serve the chat page (student mode, or --kiosk for a museum screen)."
    )
    parser.add_argument(
        "--kiosk", action="store_true", help="museum screen: large type, idle reset, no API docs or footer"
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("--index", type=Path, help="index folder (default index/)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    set_offline_environment()
    args = parse_args(argv)
    try:
        settings = load_settings(index_dir=args.index).with_overrides(
            kiosk=True if args.kiosk else None, host=args.host, port=args.port
        )
        ensure_index(settings)
        from assistant import Assistant

        assistant = Assistant.load(settings.index_dir, settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = create_app(assistant, settings)
    _, url, _ = app.launch(**launch_options(settings), quiet=True, prevent_thread_lock=True)
    print(f"Serving the {'kiosk' if settings.kiosk else 'student'} page at {url} (Ctrl-C stops).", flush=True)
    app.block_thread()
    return 0


CSS = """
.app-header h1 { font-size: 1.7rem; margin: 0.2rem 0 0.3rem; }
.app-header p { margin: 0 0 0.4rem; color: var(--body-text-color-subdued); max-width: 70rem; }
.app-note { color: var(--body-text-color-subdued); font-size: 0.9rem; margin-top: 0.4rem; }
.starters-label { color: var(--body-text-color-subdued); font-size: 0.95rem; }
#starters { gap: 0.5rem; flex-wrap: wrap; }
#starters .starters-head { flex: 1 1 100% !important; }
#starters button.starter { flex: 0 1 auto !important; min-width: 0 !important; width: auto !important; font-weight: 400; }
#chat .message h4 { font-size: 1rem; margin: 0 0 0.4rem; color: #92400e; }
#chat .message:has(h4) { border-left: 4px solid #d97706 !important; background: #fffbeb !important; }
#chat .message h5 { font-size: 1rem; font-weight: 500; margin: 0; color: var(--body-text-color-subdued); }
#chat .message:has(h5) { background: var(--background-fill-secondary) !important; font-style: italic; }
.sources h3, .sources-empty h3 { font-size: 1.15rem; margin: 0 0 0.2rem; }
.sources-note, .sources-empty p { color: var(--body-text-color-subdued); font-size: 0.92rem; margin: 0 0 0.6rem; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 0.7rem 0.9rem; margin-bottom: 0.7rem; background: var(--background-fill-primary); }
.source-card.further { border-style: dashed; }
.source-card header { font-weight: 600; }
.source-refs { color: var(--color-accent); margin-right: 0.25rem; }
.source-section { color: var(--body-text-color-subdued); font-size: 0.9rem; margin: 0.1rem 0 0.4rem; }
.source-passage { margin: 0; padding: 0 0 0 0.7rem; border-left: 3px solid var(--border-color-primary); line-height: 1.5; font-size: 0.95rem; }
mark.quote { background: #fde68a; color: inherit; padding: 0.05em 0.1em; border-radius: 3px; }
.source-card.further mark.quote { background: #e7e5e4; }
.quote-ref { color: var(--color-accent); font-weight: 600; margin-left: 0.1em; }
#sources .read-button { margin-top: 0.6rem; padding: 0.3rem 0.8rem; border-radius: 8px; border: 1px solid var(--border-color-primary);
  background: var(--button-secondary-background-fill); cursor: pointer; font-size: 0.88rem; font-weight: 500; }
#sources .read-button:hover { border-color: var(--color-accent); }
.doc-title { font-size: 1.05rem; margin: 0 0 0.2rem; }
.doc-meta { color: var(--body-text-color-subdued); font-size: 0.85rem; margin: 0 0 0.4rem; }
.doc-text { white-space: pre-wrap; position: relative; max-height: 26rem; overflow-y: auto; line-height: 1.55;
  padding: 0.6rem 0.8rem; border: 1px solid var(--border-color-primary); border-radius: 8px; font-size: 0.95rem; }
.doc-empty { color: var(--body-text-color-subdued); }
"""

KIOSK_CSS = """
.app-header h1 { font-size: 2.3rem; }
.app-header p { font-size: 1.25rem; }
#chat .message, #chat .message p { font-size: 1.35rem !important; line-height: 1.5; }
#chat button { min-width: 2.75rem; min-height: 2.75rem; }
#question textarea { font-size: 1.4rem !important; min-height: 3.5rem; }
#question button { min-height: 3.5rem; min-width: 6rem; font-size: 1.3rem; }
#question [data-testid="block-info"], .starters-label { font-size: 1.15rem !important; }
button.starter, #new-chat, #sources .read-button { min-height: 3.5rem !important; font-size: 1.2rem !important; padding: 0.6rem 1.2rem !important; }
#sources .sources h3, #sources .sources-empty h3 { font-size: 1.6rem !important; }
#sources .sources-note, #sources .sources-empty p, #sources .source-section { font-size: 1.1rem !important; }
#sources .source-card header { font-size: 1.3rem !important; }
#sources .source-passage, #doc-view .doc-text { font-size: 1.3rem !important; }
#reader > button { min-height: 3.5rem; align-items: center; }
#reader > button span { font-size: 1.2rem !important; }
"""


if __name__ == "__main__":
    sys.exit(main())
