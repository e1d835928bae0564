"""From words on a page to a document's text, keeping for each word its offsets and its box.

A page's text is its paragraphs (as Tesseract found them) separated by a blank line, each paragraph's
lines joined by a space (a line break in a scan is layout, not a sentence end). A line ending in a hyphen
is joined to the next line's first word without a space; the hyphen stays, since it cannot be told from
a compound's own ("қуғын-сүргін"). Pages follow each other separated by a blank line.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..types import Section
from .records import Page, Word
from .tesseract import RawWord

HYPHENS = ("-", "\u00ad", "¬")
PAGE_LABELS = {"kk": "{n}-бет", "ru": "Страница {n}", "en": "Page {n}"}  # a page's section, in the page's language


@dataclass(frozen=True)
class PageText:
    """One page read: its text and its words' (start, end, box, confidence), offsets into that text."""

    text: str
    words: tuple[tuple[int, int, tuple[int, int, int, int], float], ...]

    @property
    def confidence(self) -> float:
        return sum(w[3] for w in self.words) / len(self.words) if self.words else 0.0


def page_text(words: list[RawWord]) -> PageText:
    """A page's text from its words in reading order, each word's span and box recorded."""
    pieces, spans, length = [], [], 0
    previous: RawWord | None = None
    for w in words:
        if previous is not None:
            if (w.block, w.paragraph) != (previous.block, previous.paragraph):
                gap = "\n\n"
            elif w.line != previous.line and previous.text.endswith(HYPHENS):
                gap = ""
            else:
                gap = " "
            pieces.append(gap)
            length += len(gap)
        spans.append((length, length + len(w.text), w.box, w.confidence))
        pieces.append(w.text)
        length += len(w.text)
        previous = w
    return PageText("".join(pieces), tuple(spans))


def join_pages(pages: list[tuple[Page, PageText]]) -> tuple[str, tuple[Page, ...], tuple[Word, ...]]:
    """The document text (pages separated by a blank line), its pages with their spans, and every word."""
    text, out_pages, out_words = "", [], []
    for page, read in pages:
        if read.text and text:
            text += "\n\n"
        start = len(text)
        text += read.text
        out_pages.append(_with_span(page, start, len(text)))
        out_words += [Word(page.number, box, start + a, start + b, conf) for a, b, box, conf in read.words]
    return text, tuple(out_pages), tuple(out_words)


def page_sections(title: str, pages: tuple[Page, ...]) -> tuple[Section, ...]:
    """One section a page ("Page 2", "Страница 2", "2-бет") for a scan of several pages with text; none for one."""
    with_text = [p for p in pages if p.end > p.start]
    if len(with_text) < 2:
        return ()
    return tuple(
        Section((title, PAGE_LABELS.get(p.language, PAGE_LABELS["en"]).format(n=p.number)), p.start, p.end)
        for p in with_text
    )


def _with_span(page: Page, start: int, end: int) -> Page:
    from dataclasses import replace

    return replace(page, start=start, end=end)
