"""Pure rendering for the chat page: answers as Markdown, sources and documents as escaped HTML.

Everything that comes from a question or a source is shown as text. Chat messages are Markdown
(Gradio sanitises them too), so their special characters are backslash-escaped; the sources panel
and the document view are `gr.HTML`, which Gradio does not sanitise, so every piece of text
goes through `html.escape`. Nothing here imports Gradio.
"""

from __future__ import annotations

import html
import re

from ..types import Answer, Citation, Document

REFUSAL_HEADING = "Not found in the sources"
SOURCES_LABEL = "Sources:"
FURTHER_LABEL = "Closest passages, for further reading (they do not answer the question):"
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
    """'Title — Section' as plain text."""
    return f"{c.title} — {c.section}" if c.section else c.title


# --- chat messages (Markdown) ----------------------------------------------------------


def question_markdown(question: str) -> str:
    """A visitor's question as it appears in the chat: exactly the text they typed."""
    return escape_markdown(question) or "\u200b"


def answer_markdown(answer: Answer) -> str:
    """An answer with its [n] markers and a plain 'Sources:' footer, so copying it copies its citations."""
    parts = []
    if answer.notice:
        parts.append(f"*{escape_markdown(answer.notice)}*")
    if answer.abstained and answer.further_reading:
        parts.append(f"#### {REFUSAL_HEADING}")
        parts.append(escape_markdown(answer.text))
        lines = [
            f"- {escape_markdown(source_line(c))}: “{escape_markdown(shorten(c.quote))}”"
            for c in answer.further_reading
        ]
        parts.append(escape_markdown(FURTHER_LABEL) + "\n" + "\n".join(lines))
    else:
        parts.append(escape_markdown(answer.text, keep_markers=bool(answer.citations)))
        if answer.citations:
            lines = [f"[{c.n}] {escape_markdown(source_line(c))}" for c in answer.citations]
            parts.append(SOURCES_LABEL + "\n" + "\n".join(lines))
    return "\n\n".join(parts)


def notice_markdown(text: str) -> str:
    """A message from the app itself (rate limit, an error), styled apart from answers."""
    return f"##### {escape_markdown(text)}"


# --- sources panel (HTML) --------------------------------------------------------------


def sources_html(answer: Answer | None, read_buttons: bool = True) -> str:
    """The panel beside the chat: each cited passage with its quoted sentences highlighted.

    With `read_buttons`, each card has a button whose `data-index` is the position of its first
    citation in `answer.citations` (or `answer.further_reading`), for opening the whole document.
    """
    if answer is None or not (answer.citations or answer.further_reading):
        return (
            '<div class="sources-empty"><h3>Sources</h3>'
            "<p>The passages an answer quotes appear here, with the quoted sentences highlighted.</p></div>"
        )
    if answer.citations:
        head = '<h3>Sources</h3><p class="sources-note">Highlighted: the sentences the answer quotes.</p>'
        shown, kind = answer.citations, "cited"
    else:
        head = (
            '<h3>Further reading</h3><p class="sources-note">The sources do not answer this question. '
            "These are the closest passages; the highlighted sentence is the nearest match.</p>"
        )
        shown, kind = answer.further_reading, "further"
    cards = [_card(group, kind, shown.index(group[0]) if read_buttons else None) for group in group_by_passage(shown)]
    return f'<div class="sources">{head}{"".join(cards)}</div>'


def group_by_passage(citations: tuple[Citation, ...]) -> list[list[Citation]]:
    """Citations that quote the same passage, together, in the order they are first cited."""
    groups: dict[tuple[str, int, str], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.doc_id, c.passage_start, c.passage), []).append(c)
    return list(groups.values())


def _card(group: list[Citation], kind: str, index: int | None) -> str:
    first = group[0]
    refs = " ".join(f"[{c.n}]" for c in group) if kind == "cited" else ""
    spans = [(c.start - c.passage_start, c.end - c.passage_start, c) for c in group]
    return (
        f'<article class="source-card {kind}" data-n="{first.n}">'
        f'<header><span class="source-refs">{html.escape(refs)}</span> '
        f'<span class="source-title">{html.escape(first.title)}</span></header>'
        f'<div class="source-section">{html.escape(first.section)}</div>'
        f'<blockquote class="source-passage">{highlight(first.passage, spans, kind == "cited")}</blockquote>'
        f"{_read_button(index)}</article>"
    )


def _read_button(index: int | None) -> str:
    if index is None:
        return ""
    return f'<button class="read-button" type="button" data-index="{index}">Read it in the whole document</button>'


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


def document_html(document: Document, start: int, end: int, n: int | None = None, window: int = DOCUMENT_WINDOW) -> str:
    """The whole document (or a long one's stretch around the quote) with the quote marked as #doc-quote."""
    text = document.text
    if not 0 <= start <= end <= len(text):
        start = end = 0
    lo, hi = 0, len(text)
    if hi > window:
        lo = max(0, min(start - window // 2, hi - window))
        hi = lo + window
    label = f'<sup class="quote-ref">[{n}]</sup>' if n is not None else ""
    body = [
        "… " if lo > 0 else "",
        html.escape(text[lo:start]),
        f'<mark id="doc-quote" class="quote">{html.escape(text[start:end])}</mark>{label}' if end > start else "",
        html.escape(text[end:hi]),
        " …" if hi < len(text) else "",
    ]
    kind = str((document.meta or {}).get("kind") or "")
    note = f'<p class="doc-meta">{html.escape(kind[:1].upper() + kind[1:])}</p>' if kind else ""
    partial = (
        '<p class="doc-meta">A long document: showing the part around the quote.</p>'
        if (lo, hi) != (0, len(text))
        else ""
    )
    return (
        f'<div class="doc"><h3 class="doc-title">{html.escape(document.title)}</h3>{note}{partial}'
        f'<div class="doc-text">{"".join(body)}</div></div>'
    )


def document_placeholder() -> str:
    """The reader before any passage is picked."""
    return '<div class="doc-empty">Pick a passage above to read its whole document, scrolled to the quote.</div>'
