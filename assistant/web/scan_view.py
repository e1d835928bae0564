"""A scanned source in the reader: the page image, scaled to fit, with the quoted words' boxes marked, beside the text.

Pure: `scan_view` turns an index's record of a scanned document (assistant.index.read.ScanLayout) and a
quote's span into a `ScanView`, and `scan_figure` into HTML. The image is fetched from the page's own route
(`PAGES_ROUTE`/<name>, see assistant.web.scans) by its name alone; each box is placed in percent of the page,
so it stays on its word at whatever size the image is shown. The boxes are decoration for sighted readers
(`aria-hidden`): the quoted words are marked in the text beside the image too, and the image's text
alternative says which page it is and that the quote is marked on it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .i18n import t

PAGES_ROUTE = "scan-pages"  # relative to the page, so it works behind a proxy's path prefix too
_CORRECTED = re.compile(r"corrected by (.+), (\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class ScanView:
    """What the reader shows of one scanned page: its image, size, the quote's boxes and how the text was read."""

    page: int
    image: str  # the image's name in the index
    width: int  # the page's size in the pixels the boxes are given in
    height: int
    boxes: tuple[tuple[int, int, int, int], ...]
    language: str  # the page's language
    corrected: str = ""  # "OCR, corrected by …, date", or ""
    uncertain: bool = False  # the quote holds a word read under the confidence floor


def scan_view(layout, start: int, end: int, floor: float) -> ScanView | None:
    """The page a quote (text[start:end]) lies on, with its words' boxes; None for a page with no image."""
    pages = [p for p in layout.pages_of(start, end) if p.image]
    if not pages:
        return None
    page = pages[0]
    boxes = tuple(layout.boxes(start, end).get(page.number, ()))
    lowest = layout.words.lowest(start, end)
    return ScanView(
        page.number, page.image, page.width, page.height, boxes, page.language, layout.corrected,
        lowest is not None and lowest < floor,
    )  # fmt: skip


def ocr_note(view: ScanView, language: str) -> str:
    """'Text read by OCR …' in the reader's language, saying who corrected it when a curator did."""
    found = _CORRECTED.search(view.corrected or "")
    if found:
        text = t("ocr_corrected", language, who=found.group(1), date=found.group(2))
    else:
        text = t("ocr_note", language)
    return f'<p class="doc-meta ocr-note">{html.escape(text)}</p>'


def scan_figure(view: ScanView, title: str, language: str) -> str:
    """The page image in a frame that the marked boxes are positioned in, with a caption."""
    boxes = "".join(
        '<span class="ocr-box" aria-hidden="true" style="'
        f"left:{_pct(x0, view.width)}%;top:{_pct(y0, view.height)}%;"
        f'width:{_pct(x1 - x0, view.width)}%;height:{_pct(y1 - y0, view.height)}%"></span>'
        for x0, y0, x1, y1 in view.boxes
    )
    alt = html.escape(t("scan_alt", language, page=view.page, title=title), quote=True)
    caption = t("scan_page", language, page=view.page)
    if view.uncertain:
        caption += " · " + t("uncertain", language)
    return (
        f'<figure class="scan-page" data-page="{view.page}">'
        f'<div class="scan-frame"><img src="{PAGES_ROUTE}/{html.escape(view.image, quote=True)}" alt="{alt}" '
        f'width="{view.width}" height="{view.height}" decoding="async">{boxes}</div>'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _pct(value: int, whole: int) -> str:
    return f"{100 * value / whole:.3f}" if whole else "0"
