"""The chat page's layout and wiring: a study companion for students, and with `settings.kiosk` a museum screen.

`create_app(assistant, settings)` builds the Blocks (no server) and connects each event to a
method of `PageHandlers`; what the page does lives there and in `service`, how it looks in
`render` and the CSS files beside this module, and what it says in `i18n` (Kazakh, Russian,
English, switched in the page). Besides the page there is one public endpoint, `/ask`
(question, optional history of {"role", "content"} messages, optional language) -> the answer
as a dict.
"""

import json
from importlib import resources

import gradio as gr

from ..config import Settings
from . import render
from .handlers import PageHandlers, PageState
from .i18n import LANGUAGES, gradio_labels, t

# The sources panel's "read" buttons are plain HTML: a click on one becomes the panel's click event.
READ_BUTTON_JS = (
    "element.addEventListener('click', (e) => {"
    " const b = e.target.closest('.read-button');"
    " if (b) trigger('click', {index: Number(b.dataset.index), original: b.dataset.original === '1'}); });"
)
# The reader scrolls its quote into view whenever it shows a new document.
SCROLL_TO_QUOTE_JS = (
    "const show = () => { const box = element.querySelector('.doc-text');"
    " const m = element.querySelector('#doc-quote');"
    " if (box && m) box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3); };"
    " watch('value', () => setTimeout(show, 30)); show();"
)
# Installed when the page loads: keeps <html lang> and the tab's title on the page's language (Gradio
# sets lang from the browser's locale), and gives Gradio's own chat buttons (copy, clear, like) their
# labels in it. `window.__setPageLanguage(code)` is what the language switch calls.
PAGE_LANGUAGE_JS = """() => {
  const L = %s;
  const relabel = () => {
    const labels = L.labels[window.__pageLanguage] || L.labels.en;
    document.querySelectorAll('#chat button').forEach((b) => {
      for (const name of ['aria-label', 'title']) {
        const key = L.known[b.getAttribute(name)];
        if (key && b.getAttribute(name) !== labels[key]) b.setAttribute(name, labels[key]);
      }
    });
  };
  window.__setPageLanguage = (code) => {
    window.__pageLanguage = L.labels[code] ? code : 'en';
    document.documentElement.lang = window.__pageLanguage;
    document.title = L.titles[window.__pageLanguage];
    relabel();
  };
  if (!window.__pageLanguageWatch) {
    let queued = false;
    window.__pageLanguageWatch = new MutationObserver(() => {
      if (window.__pageLanguage && document.documentElement.lang !== window.__pageLanguage)
        document.documentElement.lang = window.__pageLanguage;
      if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; relabel(); }); }
    });
    window.__pageLanguageWatch.observe(document.documentElement, {
      attributes: true, attributeFilter: ['lang', 'aria-label', 'title'], childList: true, subtree: true });
  }
  window.__setPageLanguage(%s);
}"""
SET_LANGUAGE_JS = "(code) => { if (window.__setPageLanguage) window.__setPageLanguage(code); }"


def page_language_js(settings: Settings, language: str) -> str:
    """The script that keeps the page's language in the browser, starting in `language`."""
    table = gradio_labels() | {
        "titles": {code: t(f"tab_{'kiosk' if settings.kiosk else 'student'}", code) for code in LANGUAGES}
    }
    return PAGE_LANGUAGE_JS % (json.dumps(table, ensure_ascii=False), json.dumps(language))


def create_app(assistant, settings: Settings, handlers: PageHandlers | None = None) -> gr.Blocks:
    """The chat page for `settings.kiosk` (museum screen) or student mode, with the queue configured.

    `handlers` is the page's behaviour; by default `PageHandlers(assistant, settings)`. Tests pass their
    own (on a fake clock, say, or watching the kiosk's timer ticks). The page opens in the kiosk's
    language (`kiosk_language`) or the student page's (`page_language`).
    """
    handlers = handlers or PageHandlers(assistant, settings)
    kiosk = settings.kiosk
    cap = handlers.max_chars
    text = handlers.text()

    with gr.Blocks(title=text.tab_title, analytics_enabled=False, fill_width=kiosk) as app:
        conversation = gr.State([])
        answers = gr.State({})
        current = gr.State(None)
        activity = gr.State(handlers.idle.activity())

        language = gr.Radio(
            render.language_choices(),
            value=text.language,
            label="Тіл · Язык · Language",
            show_label=False,
            container=False,
            elem_id="language",
        )
        header = gr.HTML(text.header, js_on_load=None, elem_id="header")
        with gr.Row(equal_height=False, elem_id="main-row"):
            with gr.Column(scale=3, min_width=360, elem_id="chat-column"):
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    label=text.chat_label,
                    show_label=False,
                    height="40vh" if kiosk else 540,
                    buttons=["copy"] if kiosk else ["copy", "copy_all"],
                    feedback_options=("Like", "Dislike"),
                    latex_delimiters=[],
                    sanitize_html=True,
                    group_consecutive_messages=False,
                    placeholder=text.chat_placeholder,
                )
                question = gr.Textbox(
                    label=text.question_label,
                    placeholder=text.question_placeholder,
                    max_length=cap,
                    lines=1,
                    max_lines=3,
                    submit_btn=text.ask,
                    autofocus=not kiosk,
                    elem_id="question",
                )
                with gr.Row(elem_id="starters"):
                    starters_head = gr.HTML(text.starters_head, js_on_load=None, elem_classes="starters-head")
                    starters = [
                        gr.Button(q, size="lg" if kiosk else "sm", elem_classes="starter") for q in text.starters
                    ]
                new_chat = gr.Button(
                    text.new_chat, size="lg" if kiosk else "md", variant="secondary", elem_id="new-chat"
                )
            with gr.Column(scale=2, min_width=320, elem_id="sources-column"):
                sources = gr.HTML(text.sources_empty, elem_id="sources", js_on_load=READ_BUTTON_JS)
                with gr.Accordion(text.reader, open=False, elem_id="reader") as reader:
                    doc_view = gr.HTML(text.document_placeholder, elem_id="doc-view", js_on_load=SCROLL_TO_QUOTE_JS)
        footer = gr.HTML(text.footer, js_on_load=None, visible=not kiosk, elem_id="footer")

        state = list(PageState(question, chatbot, conversation, answers, current, sources, doc_view, activity))
        engine = {"concurrency_id": "engine", "api_visibility": "private"}
        instant = {"api_visibility": "private", "queue": False}
        question.submit(handlers.respond, [question, chatbot, conversation, answers, language], state, **engine)
        for button in starters:
            button.click(handlers.respond, [button, chatbot, conversation, answers, language], state, **engine)
        new_chat.click(handlers.new_conversation, [language], state, **instant)
        sources.click(handlers.read, [current, language], [doc_view, reader], **instant)
        chatbot.select(handlers.reshow, [answers, language], [current, sources, doc_view], **instant)
        chatbot.clear(handlers.new_conversation, [language], state, **instant)
        chatbot.like(handlers.like, [answers], None, **instant)
        relabelled = [header, chatbot, question, starters_head, *starters, new_chat, reader, sources, doc_view]
        language.change(
            handlers.switch_language, [language, current, question], [*relabelled, footer, activity], **instant
        )
        language.change(None, [language], None, js=SET_LANGUAGE_JS, **instant)
        app.load(None, None, None, js=page_language_js(settings, text.language), **instant)
        if kiosk:
            timer = gr.Timer(max(1.0, min(10.0, settings.kiosk_idle_seconds / 4)))
            timer.tick(
                handlers.idle_check,
                [question, chatbot, activity, language],
                [*state, reader, language],
                show_progress="hidden",
                **instant,
            )
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
