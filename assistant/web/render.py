"""Pure rendering for the chat page: answers as Markdown, sources and documents as escaped HTML.

Everything that comes from a question or a source is shown as text. Chat messages are Markdown
(Gradio sanitises them too), so their special characters are backslash-escaped; the sources panel
and the document view are `gr.HTML`, which Gradio does not sanitise, so every piece of text
goes through `html.escape`. Nothing here imports Gradio.

This module holds the page's frame and the chat messages. The rest is one module per part, each
named here so callers import this one: the shared escaping and labels (render_base), the sources
panel (render_sources) and the whole-document reader (render_document).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..types import Answer, Citation
from .i18n import LANGUAGE_NAMES, LANGUAGES, STARTERS, duration, language_of, t
from .render_base import (
    escape_markdown,
    labels_language,
    lang_attr,
    shorten,
    source_line,
    translation_label,
)
from .render_document import (
    DOCUMENT_WINDOW,
    document_changed,
    document_html,
    document_placeholder,
    document_unavailable,
)
from .render_sources import group_by_passage, highlight, sources_html

REFUSAL_HEADING = t("refusal_heading", "en")  # the English labels, for tests and scripts
SOURCES_LABEL = t("sources_label", "en")
FURTHER_LABEL = t("further_label", "en")

__all__ = [
    "DOCUMENT_WINDOW", "FURTHER_LABEL", "REFUSAL_HEADING", "SOURCES_LABEL", "PageText", "announcement",
    "answer_markdown", "document_changed", "document_html", "document_placeholder", "document_unavailable",
    "escape_markdown", "group_by_passage", "header_html", "highlight", "labels_language", "lang_attr",
    "language_choices", "listen_html", "notice_html", "page_text", "question_markdown", "shorten", "source_line",
    "sources_html", "translation_label",
]  # fmt: skip


# --- the page's frame ----------------------------------------------------------------------


@dataclass(frozen=True)
class PageText:
    """Everything the page's own components show, in one language: built once, and again on a switch."""

    language: str
    tab_title: str
    header: str  # HTML
    chat_head: str  # HTML: the chat's heading, for screen readers
    chat_label: str
    chat_placeholder: str  # Markdown
    question_label: str
    question_placeholder: str
    ask: str
    starters_head: str  # HTML
    starters: tuple[str, ...]
    new_chat: str
    to_sources: str  # on a phone: the button that jumps to the sources
    confirm_text: str  # HTML: asked before a conversation is cleared
    confirm_yes: str
    confirm_no: str
    reader: str
    footer: str  # HTML
    sources_empty: str  # HTML: the sources panel before any answer
    document_placeholder: str  # HTML: the reader before any passage is picked
    listen: str  # HTML: the read-aloud controls before any answer


def page_text(language: str, kiosk: bool, max_chars: int, idle_seconds: int = 120) -> PageText:
    """The page's labels, help, placeholders and starter questions in `language`, for a kiosk or a student."""
    lang = language_of(language)
    mode = "kiosk" if kiosk else "student"
    return PageText(
        language=lang,
        tab_title=t(f"tab_{mode}", lang),
        header=header_html(lang, kiosk, idle_seconds),
        chat_head=f'<h2 class="visually-hidden">{html.escape(t("chat_label", lang))}</h2>',
        chat_label=t("chat_label", lang),
        chat_placeholder=t(f"chat_placeholder_{mode}", lang),
        question_label=t("question_label", lang, cap=max_chars),
        question_placeholder=t(f"question_placeholder_{mode}", lang),
        ask=t("ask", lang),
        starters_head=f'<div class="starters-label">{html.escape(t("starters_label", lang))}</div>',
        starters=STARTERS[lang],
        new_chat=t("start_again" if kiosk else "new_chat", lang),
        to_sources=t("to_sources", lang),
        confirm_text=f'<p class="confirm-text">{html.escape(t("confirm_clear", lang))}</p>',
        confirm_yes=t("confirm_yes", lang),
        confirm_no=t("confirm_no", lang),
        reader=t("reader", lang),
        footer=f'<footer class="app-note">{html.escape(t("footer", lang))}</footer>',
        sources_empty=sources_html(None, page=lang),
        document_placeholder=document_placeholder(lang),
        listen=listen_html(None, lang),
    )


def listen_html(key: str | None, language: str = "en") -> str:
    """The read-aloud controls under the chat, in the page's language: Listen, for the answer on show (its audio's
    `key`; no button before an answer), and the 'read every answer aloud' switch. page.js plays and presses them."""
    lang = language_of(language)
    listen = ""
    if key:
        listen = (
            f'<button type="button" class="listen-button" data-speech="{html.escape(key, quote=True)}" '
            f'aria-pressed="false">{html.escape(t("listen", lang))}</button>'
        )
    return (
        f'<div class="listen-bar" lang="{lang}">{listen}'
        f'<button type="button" class="read-all" aria-pressed="false">{html.escape(t("read_all", lang))}</button></div>'
    )


def header_html(language: str, kiosk: bool, idle_seconds: int = 120) -> str:
    """The page's title and what it does, for students or museum visitors."""
    lang = language_of(language)
    if kiosk:
        title = t("title_kiosk", lang)
        help_text = t("help_kiosk", lang) + " " + t("idle_notice", lang, duration=duration(idle_seconds, lang))
    else:
        title, help_text = t("title_student", lang), t("help_student", lang)
    return f'<header class="app-header"><h1>{html.escape(title)}</h1><p>{html.escape(help_text)}</p></header>'


def language_choices() -> list[tuple[str, str]]:
    """The language switch's choices: (name in its own language, code)."""
    return [(LANGUAGE_NAMES[code], code) for code in LANGUAGES]


# --- chat messages (Markdown) ----------------------------------------------------------


def question_markdown(question: str) -> str:
    """A visitor's question as it appears in the chat: exactly the text they typed."""
    return escape_markdown(question) or "\u200b"


def answer_markdown(answer: Answer, page: str = "en") -> str:
    """An answer with its [n] markers and a plain 'Sources:' footer, so copying it copies its citations.

    The labels are in the answer's language (the visitor's), or the page's for an answer in none.
    """
    lang = labels_language(answer, page)
    parts = []
    if answer.notice:
        parts.append(f"*{escape_markdown(answer.notice)}*")
    if answer.abstained and answer.further_reading:
        parts.append(f"### {escape_markdown(t('refusal_heading', lang))}")
        parts.append(escape_markdown(answer.text))
        lines = [
            f"- {escape_markdown(source_line(c))}: “{escape_markdown(shorten(c.quote))}”{_marked(c, lang)}"
            for c in answer.further_reading
        ]
        parts.append(escape_markdown(t("further_label", lang)) + "\n" + "\n".join(lines))
    else:
        parts.append(escape_markdown(answer.text, keep_markers=bool(answer.citations)))
        if answer.citations:
            lines = [f"[{c.n}] {escape_markdown(source_line(c))}{_marked(c, lang)}" for c in answer.citations]
            parts.append(escape_markdown(t("sources_label", lang)) + "\n" + "\n".join(lines))
    return "\n\n".join(parts)


def _marked(c: Citation, language: str) -> str:
    """' (draft translation)' after a translated source's line in the chat, ' (uncertain OCR reading)' after a scan's
    sentence read below the confidence floor (shown only as further reading)."""
    marks = [translation_label(c, language).split(" · ")[0]] if c.translation else []
    marks += [t("uncertain", language)] if getattr(c, "uncertain", False) else []
    return "".join(f" ({escape_markdown(m)})" for m in marks)


def notice_html(text: str, language: str = "en") -> str:
    """A message from the page itself (an empty or over-long question, the rate limit, an error), for its notice area."""
    if not text:
        return ""
    return f'<p class="notice" lang="{language_of(language)}">{html.escape(text)}</p>'


def announcement(answer: Answer, page: str = "en") -> str:
    """What the screen reader's live region says once an answer is complete: the answer as plain text, then
    what the sources panel now lists (its cited sources, or the further reading of a refusal)."""
    lang = labels_language(answer, page)
    heading = t("refusal_heading", lang) + ". " if answer.abstained and answer.further_reading else ""
    text = " ".join(f"{heading}{answer.text}".split())
    if answer.citations:
        listed = f" {t('sources_label', lang)} " + "; ".join(f"[{c.n}] {source_line(c)}" for c in answer.citations)
    elif answer.further_reading:
        listed = f" {t('further_heading', lang)}: " + "; ".join(source_line(c) for c in answer.further_reading)
    else:
        listed = ""
    return f'<p lang="{lang}">{html.escape(t("answer_ready", lang))} {html.escape(text + listed)}</p>'
