"""The escaping and labelling every part of the page's rendering shares (see assistant.web.render).

Markdown's special characters are backslash-escaped for chat messages; the HTML parts use `html.escape`.
Nothing here imports Gradio.
"""

from __future__ import annotations

import html
import re

from ..types import Answer, Citation
from .i18n import LANGUAGES, language_of, t

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
