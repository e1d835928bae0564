"""The sources panel beside the chat (escaped HTML): each cited passage with its quoted sentences marked,
a translation's original beside it, and the buttons that open the whole document. Nothing here imports Gradio."""

from __future__ import annotations

import html

from ..types import Answer, Citation
from .i18n import language_of, t
from .render_base import labels_language, lang_attr, source_line, translation_label


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
