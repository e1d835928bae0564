"""The chat page's layout and wiring: a study companion for students, and with `settings.kiosk` a museum screen.

`create_app(assistant, settings)` builds the Blocks (no server) and connects each event to a
method of `PageHandlers`; what the page does lives there and in `service`, how it looks in
`render` and the CSS files beside this module. Besides the page there is one public endpoint,
`/ask` (question, optional history of {"role", "content"} messages) -> the answer as a dict.
"""

from importlib import resources

import gradio as gr

from ..config import Settings
from . import render
from .handlers import PageHandlers, PageState

STARTERS = (
    "When was Leon Trotsky rehabilitated?",
    "What did Khrushchev denounce in 1956?",
    "Where were ethnic groups deported under Stalin?",
    "How many victims has Kazakhstan's commission rehabilitated?",
)
# The sources panel's "read" buttons are plain HTML: a click on one becomes the panel's click event.
READ_BUTTON_JS = (
    "element.addEventListener('click', (e) => {"
    " const b = e.target.closest('.read-button');"
    " if (b) trigger('click', {index: Number(b.dataset.index)}); });"
)
# The reader scrolls its quote into view whenever it shows a new document.
SCROLL_TO_QUOTE_JS = (
    "const show = () => { const box = element.querySelector('.doc-text');"
    " const m = element.querySelector('#doc-quote');"
    " if (box && m) box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3); };"
    " watch('value', () => setTimeout(show, 30)); show();"
)
FOOTER = (
    '<footer class="app-note">This assistant does not write answers of its own: it quotes sentences from its '
    "source texts and cites them. Use the thumbs under an answer to tell us whether it helped.</footer>"
)


def create_app(assistant, settings: Settings, handlers: PageHandlers | None = None) -> gr.Blocks:
    """The chat page for `settings.kiosk` (museum screen) or student mode, with the queue configured.

    `handlers` is the page's behaviour; by default `PageHandlers(assistant, settings)`. Tests pass their
    own (on a fake clock, say, or watching the kiosk's timer ticks).
    """
    handlers = handlers or PageHandlers(assistant, settings)
    kiosk = settings.kiosk
    cap = handlers.max_chars

    with gr.Blocks(
        title="Ask the Sources" if kiosk else "Study Companion", analytics_enabled=False, fill_width=kiosk
    ) as app:
        conversation = gr.State([])
        answers = gr.State({})
        current = gr.State(None)
        activity = gr.State(handlers.idle.activity())

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
                sources = gr.HTML(render.sources_html(None), elem_id="sources", js_on_load=READ_BUTTON_JS)
                with gr.Accordion("Read the whole document", open=False, elem_id="reader") as reader:
                    doc_view = gr.HTML(render.document_placeholder(), elem_id="doc-view", js_on_load=SCROLL_TO_QUOTE_JS)
        if not kiosk:
            gr.HTML(FOOTER, js_on_load=None)

        state = list(PageState(question, chatbot, conversation, answers, current, sources, doc_view, activity))
        engine = {"concurrency_id": "engine", "api_visibility": "private"}
        instant = {"api_visibility": "private", "queue": False}
        question.submit(handlers.respond, [question, chatbot, conversation, answers], state, **engine)
        for button in starters:
            button.click(handlers.respond, [button, chatbot, conversation, answers], state, **engine)
        new_chat.click(handlers.new_conversation, None, state, **instant)
        sources.click(handlers.read, [current], [doc_view, reader], **instant)
        chatbot.select(handlers.reshow, [answers], [current, sources, doc_view], **instant)
        chatbot.clear(handlers.new_conversation, None, state, **instant)
        chatbot.like(handlers.like, [answers], None, **instant)
        if kiosk:
            timer = gr.Timer(max(1.0, min(10.0, settings.kiosk_idle_seconds / 4)))
            timer.tick(
                handlers.idle_check, [question, chatbot, activity], [*state, reader], show_progress="hidden", **instant
            )
        gr.api(
            handlers.api_ask,
            api_name="ask",
            concurrency_id="engine",
            api_visibility="undocumented" if kiosk else "public",
        )

    app.queue(default_concurrency_limit=settings.queue_concurrency, max_size=settings.queue_max_size)
    return app


def header_html(settings: Settings) -> str:
    """The page's title and what it does, for students or museum visitors."""
    if settings.kiosk:
        return (
            '<header class="app-header"><h1>Soviet Political Rehabilitation: Ask the Sources</h1>'
            "<p>Every answer is quoted word for word from the exhibition's source texts, with numbered "
            "sources you can read. If the sources do not say, the screen tells you so. "
            f"The screen starts afresh after {duration(settings.kiosk_idle_seconds)} without use.</p></header>"
        )
    return (
        '<header class="app-header"><h1>Soviet Political Rehabilitation: Study Companion</h1>'
        "<p>Ask about the rehabilitation of victims of Soviet repression. Answers are quoted word for word "
        "from the source texts, each sentence numbered [n] and listed with its source, which you can open and "
        "read in context. When the sources do not answer, you are told so and shown the closest passages.</p></header>"
    )


def duration(seconds: int) -> str:
    """Seconds as words: '90 seconds', '1 minute', '5 minutes'."""
    if seconds % 60 == 0 and seconds >= 120:
        return f"{seconds // 60} minutes"
    return "1 minute" if seconds == 60 else f"{seconds} seconds"


def theme(settings: Settings) -> gr.themes.Base:
    """A built-in theme whose fonts Gradio serves itself (no web fonts), larger for kiosks."""
    sizes = {}
    if settings.kiosk:
        sizes = {
            "text_size": gr.themes.sizes.text_lg,
            "spacing_size": gr.themes.sizes.spacing_lg,
            "radius_size": gr.themes.sizes.radius_lg,
        }
    return gr.themes.Default(primary_hue="red", secondary_hue="amber", neutral_hue="stone", **sizes)


def page_css(settings: Settings) -> str:
    """The page's CSS, read from the files beside this module: student.css, plus kiosk.css on a kiosk."""
    names = ["student.css", "kiosk.css"] if settings.kiosk else ["student.css"]
    folder = resources.files(__package__)
    return "".join(folder.joinpath(name).read_text(encoding="utf-8") for name in names)
