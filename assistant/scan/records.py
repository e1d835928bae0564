"""What OCR hands the rest of the ingest: words with their page and box, pages, and a scanned document's text."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """A word as read on a page: `text[start:end]` of its document, and where it sits on its page image."""

    page: int  # 1-based
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the page image's pixels (`Page.width` x `Page.height`)
    start: int
    end: int
    confidence: float  # Tesseract's, 0-100; 100 for a word a curator typed


@dataclass(frozen=True)
class Page:
    """One page of a scan: its size, language, image and how well it read."""

    number: int  # 1-based
    width: int
    height: int
    language: str  # "kk", "ru" or "en": the language it was read in
    image: str  # the page image's name (a content hash), in the OCR cache and in the index's pages/ folder
    start: int  # the page's span of the document text
    end: int
    confidence: float  # mean word confidence, 0-100 (0 for a page with no words)
    words: int
    source: str = "ocr"  # "ocr", or "text" for a PDF page that had a text layer
    note: str = ""  # why a page gave no text: "blank", "no text found", "too large", "unreadable", ...


@dataclass(frozen=True)
class ScanText:
    """A scanned document as read: its text, pages and words (in text order), and how the reading went."""

    text: str
    pages: tuple[Page, ...]
    words: tuple[Word, ...]
    seconds: float = 0.0  # spent on OCR in this run (0 when every page came from the cache)
    ocr_pages: int = 0  # pages read by OCR in this run
    cached_pages: int = 0  # pages taken from the cache
    corrected: str = ""  # "OCR, corrected by …, date" when a curator's correction is the text

    @property
    def confidence(self) -> float:
        """Mean word confidence over the whole document (0-100)."""
        read = [w.confidence for w in self.words]
        return sum(read) / len(read) if read else 0.0

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.language for p in self.pages if p.words))


class WordIndex:
    """The words of one document ordered by offset, for "which words does this span cover?"."""

    def __init__(self, words):
        self.words = sorted(words, key=lambda w: w.start)
        self._ends = [w.end for w in self.words]
        self._starts = [w.start for w in self.words]

    def covering(self, start: int, end: int) -> list[Word]:
        """The words overlapping text[start:end]."""
        out = []
        for i in range(bisect_left(self._ends, start + 1), len(self.words)):
            w = self.words[i]
            if w.start >= end:
                break
            if w.end > start:
                out.append(w)
        return out

    def lowest(self, start: int, end: int) -> float | None:
        """The lowest confidence of a word in the span (None when no OCR word lies there)."""
        found = self.covering(start, end)
        return min(w.confidence for w in found) if found else None


def page_to_dict(p: Page) -> dict:
    return {k: getattr(p, k) for k in Page.__dataclass_fields__}


def page_from_dict(d: dict) -> Page:
    return Page(**{k: d[k] for k in Page.__dataclass_fields__ if k in d})


def word_to_row(w: Word) -> list:
    """A word as a compact JSON row: [page, x0, y0, x1, y1, start, end, confidence]."""
    return [w.page, *w.box, w.start, w.end, round(w.confidence, 1)]


def word_from_row(r: list) -> Word:
    return Word(int(r[0]), (int(r[1]), int(r[2]), int(r[3]), int(r[4])), int(r[5]), int(r[6]), float(r[7]))
