"""The chat page's layout and wiring: a study companion for students, and with `settings.kiosk` a museum screen.

`create_app(assistant, settings)` builds the Blocks (no server) and connects each event to a
method of `PageHandlers`; what the page does lives there and in `service`, how it looks in
`render` and the CSS files beside this module, and what it says in `i18n` (Kazakh, Russian,
English, switched in the page); `page.js` is its side in the browser (the language, access
fixes, the kiosk's layout class and idle countdown). Besides the page there is one endpoint, `/ask`
(question, optional history of {"role", "content"} messages, optional language) -> the answer
as a dict: public for students, unadvertised on a kiosk, and on both callable with the optional
arguments left out.
"""

import html
import json
from importlib import resources

import gradio as gr

from ..config import Settings
from . import listen as read_aloud
from . import render
from .handlers import PageHandlers, PageState
from .i18n import LANGUAGES, gradio_labels, t
from .scans import with_page_images
from .shell import shell_html

# The sources panel's "read" buttons are plain HTML: a click on one becomes the panel's click event, and the
# reader, once open, takes focus and view (page.js).
READ_BUTTON_JS = (
    "element.addEventListener('click', (e) => {"
    " const b = e.target.closest('.read-button');"
    " if (b) { trigger('click', {index: Number(b.dataset.index), original: b.dataset.original === '1'});"
    " if (window.__openReader) window.__openReader(b); } });"
)
# The reader scrolls its quote into view whenever it shows a new document.
SCROLL_TO_QUOTE_JS = (
    "const show = () => { const box = element.querySelector('.doc-text');"
    " const m = element.querySelector('#doc-quote');"
    " if (box && m) box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3); };"
    " watch('value', () => setTimeout(show, 30)); show();"
)
# What the read-aloud status says (page.js), by i18n key.
LISTEN_STATUS = ("listen_playing", "listen_stopped", "listen_ended", "listen_failed", "read_all_on", "read_all_off")
SET_LANGUAGE_JS = "(code) => { if (window.__setPageLanguage) window.__setPageLanguage(code); }"
# On a phone the sources sit below the chat: one tap brings them into view.
TO_SOURCES_JS = (
    "() => { const s = document.querySelector('#sources'); if (!s) return;"
    " const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;"
    " s.scrollIntoView({block: 'start', behavior: reduced ? 'auto' : 'smooth'});"
    " const h = s.querySelector('h2'); if (h) h.focus({preventScroll: true}); }"
)
FOCUS_KEEP_JS = "() => setTimeout(() => { const b = document.querySelector('#confirm-no'); if (b) b.focus(); }, 80)"
FOCUS_QUESTION_JS = (
    "() => setTimeout(() => { const b = document.querySelector('#question textarea'); if (b) b.focus(); }, 80)"
)


def page_js(settings: Settings, language: str) -> str:
    """The script installed when the page loads (page.js), with the page's settings and strings."""
    table = gradio_labels() | {
        "titles": {code: t(f"tab_{'kiosk' if settings.kiosk else 'student'}", code) for code in LANGUAGES},
        "chatLabels": {code: t("chat_label", code) for code in LANGUAGES},
        "readAloud": settings.kiosk and settings.kiosk_read_aloud,  # "read every answer aloud" on at the start
        "listenStrings": {code: {k: t(k, code) for k in LISTEN_STATUS} for code in LANGUAGES},
        "messageLabels": {code: {"user": t("message_user", code), "bot": t("message_bot", code)} for code in LANGUAGES},
        "descriptions": {code: t("meta_description", code) for code in LANGUAGES},
        "language": language,
        "kiosk": settings.kiosk,
        "idleMs": settings.kiosk_idle_seconds * 1000,
        "warnMs": min(settings.kiosk_idle_warning_seconds, settings.kiosk_idle_seconds) * 1000,
        "idleStrings": {
            code: {"title": t("idle_title", code), "countdown": t("idle_countdown", code), "stay": t("idle_stay", code)}
            for code in LANGUAGES
        },
    }
    script = resources.files(__package__).joinpath("page.js").read_text(encoding="utf-8")
    body = script[script.index("(C) =>") :].strip()
    return f"() => ({body})({json.dumps(table, ensure_ascii=False)})"


class Page(gr.Blocks):
    """The page's Blocks. `/ask` called with its optional arguments left out gets them as None (Gradio would
    refuse the call with an internal error: gradio_client leaves them out for an endpoint it is not shown).
    Launched, it serves its own routes (scanned pages' images, read-aloud audio) beside Gradio's, whoever launches it."""

    assistant = None  # set by create_app: its scanned pages' images are served beside the page (web.scans)
    speech_routes: list = []  # set by create_app: the read-aloud audio (web.listen)

    def launch(self, *args, app_kwargs: dict | None = None, **kwargs):
        if self.assistant is not None:
            app_kwargs = with_page_images(app_kwargs, self.assistant)
        if self.speech_routes:
            app_kwargs = dict(app_kwargs or {})
            app_kwargs["routes"] = [*self.speech_routes, *app_kwargs.get("routes", [])]
        return super().launch(*args, app_kwargs=app_kwargs, **kwargs)

    def validate_inputs(self, block_fn, inputs):
        if getattr(block_fn, "api_name", None) == "ask" and len(inputs) < len(block_fn.inputs):
            inputs.extend([None] * (len(block_fn.inputs) - len(inputs)))
        return super().validate_inputs(block_fn, inputs)


def create_app(assistant, settings: Settings, handlers: PageHandlers | None = None) -> gr.Blocks:
    """The chat page for `settings.kiosk` (museum screen) or student mode, with the queue configured.

    `handlers` is the page's behaviour; by default `PageHandlers(assistant, settings)`. Tests pass their
    own. The page opens in the kiosk's language (`kiosk_language`) or the student page's (`page_language`).
    A kiosk shows visitors no copy or like buttons unless `kiosk_visitor_tools` is on, and never a Clear
    icon: "Start again" asks first, as "Start a new conversation" does for students.
    """
    handlers = handlers or PageHandlers(assistant, settings)
    kiosk = settings.kiosk
    tools = not kiosk or settings.kiosk_visitor_tools
    text = handlers.text()
    size = "lg" if kiosk else "md"

    with Page(title=text.tab_title, analytics_enabled=False, fill_width=kiosk) as app:
        app.assistant = assistant
        conversation = gr.State([])
        answers = gr.State({})
        current = gr.State(None)
        visit = gr.State(0)

        with gr.Row(elem_id="top-bar", equal_height=False):
            header = gr.HTML(text.header, js_on_load=None, elem_id="header")
            with gr.Column(scale=0, min_width=0, elem_id="top-controls"):
                language = gr.Radio(
                    render.language_choices(),
                    value=text.language,
                    label="Тіл · Язык · Language",
                    show_label=False,
                    container=False,
                    elem_id="language",
                )
                new_chat = gr.Button(text.new_chat, size=size, variant="secondary", elem_id="new-chat")
        with gr.Row(visible=False, elem_id="confirm-clear") as confirm:
            confirm_text = gr.HTML(text.confirm_text, js_on_load=None, elem_id="confirm-text")
            confirm_yes = gr.Button(text.confirm_yes, size=size, variant="stop", elem_id="confirm-yes")
            confirm_no = gr.Button(text.confirm_no, size=size, variant="primary", elem_id="confirm-no")
        with gr.Row(equal_height=False, elem_id="main-row"):
            with gr.Column(scale=3, min_width=300, elem_id="chat-column"):
                chat_head = gr.HTML(text.chat_head, js_on_load=None, elem_id="chat-head")
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    label=text.chat_label,
                    show_label=False,
                    height="100%" if kiosk else 540,
                    autoscroll=False,  # page.js shows each new answer from its start
                    buttons=(["copy"] if kiosk else ["copy", "copy_all"]) if tools else [],
                    feedback_options=("Like", "Dislike") if tools else None,
                    latex_delimiters=[],
                    sanitize_html=True,
                    group_consecutive_messages=False,
                    placeholder=text.chat_placeholder,
                )
                listen = gr.HTML(text.listen, js_on_load=None, elem_id="listen", visible=settings.read_aloud)
                notice = gr.HTML("", js_on_load=None, elem_id="notice")
                question = gr.Textbox(
                    label=text.question_label,
                    placeholder=text.question_placeholder,
                    lines=1,
                    max_lines=3,
                    submit_btn=text.ask,
                    autofocus=False,  # a phone would open scrolled past the title
                    elem_id="question",
                )
                to_sources = gr.Button(text.to_sources, size=size, variant="secondary", elem_id="to-sources")
                with gr.Row(elem_id="starters"):
                    starters_head = gr.HTML(text.starters_head, js_on_load=None, elem_classes="starters-head")
                    starters = [gr.Button(q, size=size, elem_classes="starter") for q in text.starters]
            with gr.Column(scale=2, min_width=300, elem_id="sources-column"):
                sources = gr.HTML(text.sources_empty, elem_id="sources", js_on_load=READ_BUTTON_JS)
                with gr.Accordion(text.reader, open=False, elem_id="reader") as reader:
                    doc_view = gr.HTML(text.document_placeholder, elem_id="doc-view", js_on_load=SCROLL_TO_QUOTE_JS)
        announce = gr.HTML("", js_on_load=None, elem_id="announce")
        footer = gr.HTML(text.footer, js_on_load=None, visible=not kiosk, elem_id="footer")
        idle_reset = gr.Button("reset", elem_id="idle-reset", visible=kiosk)

        state = list(
            PageState(question, chatbot, conversation, answers, current, sources, doc_view, notice, announce, listen)
        )
        fresh = [*state, reader, confirm]
        engine = {"concurrency_id": "engine", "api_visibility": "private"}
        instant = {"api_visibility": "private", "queue": False}
        asked = [chatbot, conversation, answers, language, visit]
        progress = {"show_progress_on": [chatbot]}  # not over the live region, the notice or the panel
        question.submit(handlers.respond, [question, *asked], state, **engine, **progress)
        for button in starters:
            button.click(handlers.respond, [button, *asked], state, **engine, **progress)
        new_chat.click(handlers.ask_to_clear, [chatbot, language], fresh, **instant).then(
            None, None, None, js=FOCUS_KEEP_JS, **instant
        )
        confirm_yes.click(handlers.new_conversation, [language], fresh, **instant).then(
            None, None, None, js=FOCUS_QUESTION_JS, **instant
        )
        confirm_no.click(handlers.keep_conversation, None, confirm, **instant)
        to_sources.click(None, None, None, js=TO_SOURCES_JS, **instant)
        sources.click(handlers.read, [current, language], [doc_view, reader], **instant)
        chatbot.select(handlers.reshow, [answers, language], [current, sources, doc_view, listen], **instant)
        if tools:
            chatbot.like(handlers.like, [answers], None, **instant)
        if kiosk:
            idle_reset.click(handlers.idle_reset, [visit], [*fresh, language, visit], **instant)
        relabelled = [
            header, chat_head, chatbot, question, starters_head, *starters, new_chat, to_sources,
            confirm_text, confirm_yes, confirm_no, reader, sources, doc_view, notice, listen,
        ]  # fmt: skip
        language.change(handlers.switch_language, [language, current], [*relabelled, footer], **instant)
        language.change(None, [language], None, js=SET_LANGUAGE_JS, **instant)
        app.load(None, None, None, js=page_js(settings, text.language), **instant)
        if settings.read_aloud:
            app.speech_routes = read_aloud.routes(handlers.speaker)
        gr.api(
            handlers.api_ask,
            api_name="ask",
            concurrency_id="engine",
            api_visibility="undocumented" if kiosk else "public",
        )

    # api_open=False: the direct-POST routes (/gradio_api/api/ask, /gradio_api/run/ask) refuse queued
    # events, so every question waits its turn in the bounded queue (gradio_client joins the queue).
    app.queue(default_concurrency_limit=settings.queue_concurrency, max_size=settings.queue_max_size, api_open=False)
    return app


def theme(settings: Settings) -> gr.themes.Base:
    """A built-in theme whose fonts Gradio serves itself (no web fonts), larger for kiosks.

    Its colours are darkened where Gradio's own fall below 4.5:1 on white (grey help text, white on red
    buttons); kiosk.css takes the kiosk's text to 7:1.
    """
    sizes = {}
    if settings.kiosk:
        sizes = {
            "text_size": gr.themes.sizes.text_lg,
            "spacing_size": gr.themes.sizes.spacing_lg,
            "radius_size": gr.themes.sizes.radius_lg,
        }
    base = gr.themes.Default(primary_hue="red", secondary_hue="amber", neutral_hue="stone", **sizes)
    return base.set(
        body_text_color="*neutral_900",
        body_text_color_subdued="*neutral_700",
        block_info_text_color="*neutral_700",
        block_title_text_color="*neutral_800",
        button_primary_background_fill="*primary_800",
        button_primary_background_fill_hover="*primary_900",
        button_primary_text_color="white",
        button_secondary_text_color="*neutral_900",
        checkbox_label_text_color="*neutral_900",
        input_placeholder_color="*neutral_600",
        color_accent="*primary_800",
    )


def opening_language(settings: Settings) -> str:
    """The language the page opens in: the kiosk's or the student page's."""
    return settings.kiosk_language if settings.kiosk else settings.page_language


def page_head(settings: Settings) -> str:
    """What Gradio adds to the page's <head> before it builds the page: its description, in the language it opens
    in (page.js follows a switch)."""
    description = html.escape(t("meta_description", opening_language(settings)))
    return f'<meta name="description" content="{description}">'


def page_shell(settings: Settings) -> str:
    """What the page's own HTML holds, before Gradio's scripts have built it (assistant.web.shell): its header, and on
    a kiosk screen.js, which picks the layout for the screen as the HTML is read (from Gradio's <head>, added by
    Gradio's scripts, it forced a style pass over Gradio's freshly loaded CSS inside its longest start-up task)."""
    header = render.header_html(opening_language(settings), settings.kiosk, settings.kiosk_idle_seconds)
    shell = shell_html(header, settings.kiosk)
    if settings.kiosk:
        shell = (
            f"<script>{resources.files(__package__).joinpath('screen.js').read_text(encoding='utf-8')}</script>{shell}"
        )
    return shell


def page_css(settings: Settings) -> str:
    """The page's CSS, read from the files beside this module: student.css, plus kiosk.css on a kiosk."""
    names = ["student.css", "kiosk.css"] if settings.kiosk else ["student.css"]
    folder = resources.files(__package__)
    return "".join(folder.joinpath(name).read_text(encoding="utf-8") for name in names)
