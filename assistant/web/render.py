"""Pure rendering for the chat page: answers as Markdown, sources and documents as escaped HTML.

Everything that comes from a question or a source is shown as text. Chat messages are Markdown
(Gradio sanitises them too), so their special characters are backslash-escaped; the sources panel
and the document view are `gr.HTML`, which Gradio does not sanitise, so every piece of text
goes through `html.escape`. Nothing here imports Gradio.

One idea, in four sections (the page's frame, chat messages, the sources panel, the whole-document
reader): how the page shows an answer. They share the escaping and labelling helpers at the top, so
they stay together rather than split into modules that would import each other's privates.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..types import Answer, Citation, Document
from .i18n import LANGUAGE_NAMES, LANGUAGES, STARTERS, duration, kind_label, language_of, t
from .scan_view import ScanView, ocr_note, scan_figure

REFUSAL_HEADING = t("refusal_heading", "en")  # the English labels, for tests and scripts
SOURCES_LABEL = t("sources_label", "en")
FURTHER_LABEL = t("further_label", "en")
DOCUMENT_WINDOW = 60_000  # characters of a long document shown around the quote

# Markdown that could change how text renders anywhere in a line: code, emphasis, strikethrough,
# links and images, raw HTML and entities.
_INLINE = re.compile(r"([\\`*_~\[\]<>&])")
_MARKER = re.compile(r"\[(\d{1,3})\]")
# Markdown that only matters at the start of a line: headings, quotes, lists, rules.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.M)


def escape_markdown(text: str, keep_markers: bool = False) -> str:
    """Text that Markdown shows exactly as typed; `[n]` citation markers can be kept readable."""
    text = "\n".join(line.strip() for line in str(text).splitlines())
    if not keep_markers:
        return _escape_line_starts(_INLINE.sub(r"\\\1", text))
    pieces = []
    last = 0
    for m in _MARKER.finditer(text):
        pieces.append(_INLINE.sub(r"\\\1", text[last : m.start()]))
        pieces.append(m.group(0))
        last = m.end()
    tail = text[last:]
    if pieces and tail.startswith("("):
        tail = "\\" + tail  # "[1](...)" must not become a link
    pieces.append(_INLINE.sub(r"\\\1", tail))
    return _escape_line_starts("".join(pieces))


def _escape_line_starts(text: str) -> str:
    return _LINE_START.sub(lambda m: m.group(1) + _escape_block_marker(m.group(2)), text)


def _escape_block_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def shorten(text: str, limit: int = 90) -> str:
    """Text cut at a word boundary to about `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def source_line(c: Citation) -> str:
    """'Title — Section' as plain text (the title alone when the section is the whole document)."""
    return f"{c.title} — {c.section}" if c.section and c.section != c.title else c.title


def labels_language(answer: Answer | None, page: str = "en") -> str:
    """The language of the labels around an answer: the visitor's (the answer's own), or the page's when it has none."""
    language = getattr(answer, "language", None)
    return language if language in LANGUAGES else language_of(page)


def translation_label(c: Citation, language: str) -> str:
    """'draft translation · translation by …' for a translated quote, '' for an original."""
    if not c.translation:
        return ""
    parts = [t("draft_translation" if not c.reviewed else "translation", language)]
    if c.translator:
        parts.append(t("translated_by", language, translator=c.translator))
    return " · ".join(parts)


def lang_attr(language: str, around: str) -> str:
    """` lang="xx"` when text in `language` sits inside text in another language `around`, else ''."""
    if not language or language == around:
        return ""
    return f' lang="{html.escape(language, quote=True)}"'


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


# --- sources panel (HTML) --------------------------------------------------------------


def sources_html(
    answer: Answer | None, read_buttons: bool = True, page: str = "en", languages: dict | None = None
) -> str:
    """The panel beside the chat: each cited passage with its quoted sentences highlighted.

    With `read_buttons`, each card has a button whose `data-index` is the position of its first
    citation in `answer.citations` (or `answer.further_reading`), for opening the whole document;
    a translated quote's card has a second one (`data-original="1"`) for its original. The panel's
    labels are in the answer's language; text in another language carries its own `lang`.
    `languages` maps document ids to their language, for an original shown beside its translation
    (English when not given).
    """
    if answer is None or not (answer.citations or answer.further_reading):
        lang = language_of(page)  # an empty panel is the page's own
        return (
            f'<div class="sources-empty" lang="{lang}"><h2>{html.escape(t("sources_heading", lang))}</h2>'
            f"<p>{html.escape(t('sources_empty', lang))}</p></div>"
        )
    lang = labels_language(answer, page)
    if answer.citations:
        head = (
            f"<h2>{html.escape(t('sources_heading', lang))}</h2>"
            f'<p class="sources-note">{html.escape(t("sources_note", lang))}</p>'
        )
        shown, kind = answer.citations, "cited"
    else:
        head = (
            f"<h2>{html.escape(t('further_heading', lang))}</h2>"
            f'<p class="sources-note">{html.escape(t("further_note", lang))}</p>'
        )
        shown, kind = answer.further_reading, "further"
    languages = languages or {}
    cards = [
        _card(group, kind, shown.index(group[0]) if read_buttons else None, lang, languages)
        for group in group_by_passage(shown)
    ]
    return f'<div class="sources" lang="{lang}">{head}{"".join(cards)}</div>'


def group_by_passage(citations: tuple[Citation, ...]) -> list[list[Citation]]:
    """Citations that quote the same passage, together, in the order they are first cited."""
    groups: dict[tuple[str, int, str], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.doc_id, c.passage_start, c.passage), []).append(c)
    return list(groups.values())


def _card(group: list[Citation], kind: str, index: int | None, lang: str, languages: dict) -> str:
    first = group[0]
    refs = " ".join(f"[{c.n}]" for c in group) if kind == "cited" else ""
    spans = [(c.start - c.passage_start, c.end - c.passage_start, c) for c in group]
    own = lang_attr(first.language, lang)
    translated = first.translation
    shown_section = first.section if first.section != first.title else ""  # a title is not its own section
    section = f'<div class="source-section"{own}>{html.escape(shown_section)}</div>' if shown_section else ""
    label = ""
    if translated:
        draft = "" if first.reviewed else " draft"
        label = f'<p class="translation-label{draft}">{html.escape(translation_label(first, lang))}</p>'
    if any(getattr(c, "uncertain", False) for c in group):
        label += f'<p class="uncertain-label">{html.escape(t("uncertain", lang))}</p>'
    return (
        f'<article class="source-card {kind}{" translated" if translated else ""}" data-n="{first.n}">'
        f'<header><span class="source-refs">{html.escape(refs)}</span> '
        f'<span class="source-title"{own}>{html.escape(first.title)}</span></header>'
        f"{section}"
        f"{label}"
        f'<blockquote class="source-passage"{own}>{highlight(first.passage, spans, kind == "cited")}</blockquote>'
        f"{''.join(_original(c, lang, languages) for c in group if c.translation)}"
        f"{_read_buttons(index, lang, translated and bool(first.original_doc_id), _source_name(group, refs))}</article>"
    )


def _original(c: Citation, lang: str, languages: dict) -> str:
    """The original sentence beside its translation: labelled, with its own document, offsets and language."""
    if not c.original_quote:
        return ""
    original_lang = languages.get(c.original_doc_id) or "en"
    own = lang_attr(original_lang, lang)
    return (
        f'<div class="source-original" data-n="{c.n}" data-doc="{html.escape(c.original_doc_id, quote=True)}" '
        f'data-start="{c.original_start}" data-end="{c.original_end}">'
        f'<p class="original-label">{html.escape(t("original", lang))} [{c.n}] · '
        f"<cite{own}>{html.escape(c.original_title)}</cite></p>"
        f'<blockquote class="original-quote"{own}>{html.escape(c.original_quote)}</blockquote></div>'
    )


def _source_name(group: list[Citation], refs: str) -> str:
    """Which source a card's buttons open, for their accessible names: '[1] [2] Title — Section'."""
    return f"{refs} {source_line(group[0])}".strip()


def _read_buttons(index: int | None, lang: str, original: bool, source: str = "") -> str:
    """The card's button for the whole document at the quote, and for a translation one for its original.

    Each button's accessible name starts with its visible text and says which source it opens, so a
    screen reader's list of buttons tells them apart.
    """
    if index is None:
        return ""

    def named(key: str) -> str:
        label = t(key, lang)
        return html.escape(f"{label}: {source}" if source else label, quote=True)

    buttons = [
        f'<button class="read-button" type="button" data-index="{index}" aria-label="{named("read_button")}">'
        f"{html.escape(t('read_button', lang))}</button>"
    ]
    if original:
        buttons.append(
            f'<button class="read-button read-original" type="button" data-index="{index}" data-original="1" '
            f'aria-label="{named("read_original")}">{html.escape(t("read_original", lang))}</button>'
        )
    return f'<div class="card-buttons">{"".join(buttons)}</div>'


def highlight(text: str, spans: list[tuple[int, int, Citation]], label: bool = True) -> str:
    """Escaped text with each (start, end) span marked; a span whose offsets do not match its quote is found by search."""
    located = []
    for start, end, c in spans:
        if not (0 <= start <= end <= len(text) and text[start:end] == c.quote):
            found = text.find(c.quote) if c.quote else -1
            if found < 0:
                continue
            start, end = found, found + len(c.quote)
        located.append((start, end, c))
    out, last = [], 0
    for start, end, c in sorted(located, key=lambda s: s[0]):
        if start < last:
            continue  # overlapping quotes: the first one wins
        ref = f'<sup class="quote-ref">[{c.n}]</sup>' if label else ""
        out.append(html.escape(text[last:start]))
        out.append(f'<mark class="quote" data-n="{c.n}">{html.escape(text[start:end])}</mark>{ref}')
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


# --- reading a whole document (HTML) ---------------------------------------------------


def document_html(
    document: Document,
    start: int,
    end: int,
    n: int | None = None,
    window: int = DOCUMENT_WINDOW,
    language: str = "en",
    original_title: str = "",
    original_language: str = "en",
    scan: ScanView | None = None,
) -> str:
    """The whole document (or a long one's stretch around the quote) with the quote marked as #doc-quote.

    Labels are in `language`; the document's own text carries its language. A translation says so,
    who made it, and names its original (`original_title`). A scanned document (`scan`) shows the quote's
    page image beside the text, the quoted words marked on it, and says the text was read by OCR.
    """
    lang = language_of(language)
    meta = document.meta or {}
    own = lang_attr(str(meta.get("language") or "en"), lang)
    text = document.text
    if not 0 <= start <= end <= len(text):
        start = end = 0
    lo, hi = 0, len(text)
    if hi > window:
        lo = max(0, min(start - window // 2, hi - window))
        hi = lo + window
    label = f'<sup class="quote-ref">[{n}]</sup>' if n is not None else ""
    mark = f'<mark id="doc-quote" class="quote">{html.escape(text[start:end])}</mark>{label}' if end > start else ""
    body = [
        "… " if lo > 0 else "",
        _document_body(text, lo, hi, (start, end) if mark else None, mark, document.title),
        " …" if hi < len(text) else "",
    ]
    notes = []
    kind = str(meta.get("kind") or "")
    if kind:
        shown, known = kind_label(kind, lang)
        notes.append(f'<p class="doc-meta"{"" if known else lang_attr("en", lang)}>{html.escape(shown)}</p>')
    if meta.get("translation_of"):
        notes.append(_translation_note(document, lang, original_title, original_language))
    if (lo, hi) != (0, len(text)):
        notes.append(f'<p class="doc-meta">{html.escape(t("document_partial", lang))}</p>')
    if scan is not None:
        notes.append(ocr_note(scan, lang))
    region = html.escape(f"{t('document_text', lang)}: {document.title}", quote=True)
    figure = (
        f'<div class="scan-pair">{scan_figure(scan, document.title, lang)}' if scan else ""
    )  # closed after the text
    # .doc-clip hides what is scrolled out of the text box from contrast checkers too (axe reads only `overflow:
    # hidden` as clipping, and asks for review of a heading scrolled out of a scrolling box but still on screen).
    return (
        f'<div class="doc" lang="{lang}"><h3{own} class="doc-title">{html.escape(document.title)}</h3>{"".join(notes)}'
        f'<button class="close-reader" type="button">{html.escape(t("close_document", lang))}</button>'
        f"{figure}"
        f'<div class="doc-clip"><div{own} class="doc-text" tabindex="0" role="region" aria-label="{region}">'
        f"{''.join(body)}</div></div>{'</div>' if scan else ''}</div>"
    )


# A wiki heading on a line of its own: "= Title =", "== See also ==".
_WIKI_HEADING = re.compile(r"^(={1,6})[ \t]*(\S.*?)[ \t]*\1[ \t]*$", re.M)


def _document_body(text: str, lo: int, hi: int, quote: tuple[int, int] | None, mark: str, title: str) -> str:
    """text[lo:hi] escaped, wiki headings shown as headings (a first-level one naming the document left out:
    the title is above it), and the quote, at its exact offsets, replaced by `mark`."""
    out, pos = [], lo
    for m in _WIKI_HEADING.finditer(text, lo, hi):
        if quote and m.start() < quote[1] and m.end() > quote[0]:
            continue  # a quote keeps every character it quotes
        out.append(_with_quote(text, pos, m.start(), quote, mark))
        level, name = len(m.group(1)), m.group(2)
        if not (level == 1 and name == title.strip()):
            tag = f"h{min(6, max(4, level + 2))}"
            out.append(f'<{tag} class="doc-heading">{html.escape(name)}</{tag}>')
        pos = m.end() + (1 if text[m.end() : m.end() + 1] == "\n" else 0)  # the heading is a block of its own
    out.append(_with_quote(text, pos, hi, quote, mark))
    return "".join(out)


def _with_quote(text: str, a: int, b: int, quote: tuple[int, int] | None, mark: str) -> str:
    if quote and a <= quote[0] and quote[1] <= b:
        return html.escape(text[a : quote[0]]) + mark + html.escape(text[quote[1] : b])
    return html.escape(text[a:b])


def _translation_note(document: Document, lang: str, original_title: str, original_language: str) -> str:
    meta = document.meta
    reviewed = bool(meta.get("reviewed", False))
    parts = [html.escape(t("translation" if reviewed else "draft_translation", lang))]
    if meta.get("translator"):
        parts.append(html.escape(t("translated_by", lang, translator=str(meta["translator"]))))
    if original_title:
        cite = f"<cite{lang_attr(original_language, lang)}>{html.escape(original_title)}</cite>"
        parts.append(f"{html.escape(t('original', lang))}: {cite}")
    return f'<p class="doc-meta doc-translation{"" if reviewed else " draft"}">{" · ".join(parts)}</p>'


def document_placeholder(language: str = "en") -> str:
    """The reader before any passage is picked."""
    return f'<div class="doc-empty">{html.escape(t("document_placeholder", language))}</div>'


def document_unavailable(language: str = "en") -> str:
    """The reader when a document cannot be shown."""
    return f'<div class="doc-empty">{html.escape(t("document_unavailable", language))}</div>'


def document_changed(language: str = "en") -> str:
    """The reader when the document changed after the answer (a rebuilt index): no passage marked wrongly."""
    return f'<div class="doc-empty">{html.escape(t("document_changed", language))}</div>'
