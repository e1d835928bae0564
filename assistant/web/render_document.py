"""The reader (escaped HTML): a whole document, or a long one's stretch around the quote, with the quote marked,
wiki headings shown as headings, a translation's note, and a scan's page image beside the text.
Nothing here imports Gradio."""

from __future__ import annotations

import html
import re

from ..types import Document
from .i18n import kind_label, language_of, t
from .render_base import lang_attr
from .scan_view import ScanView, ocr_note, scan_figure

DOCUMENT_WINDOW = 60_000  # characters of a long document shown around the quote


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
