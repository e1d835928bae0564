"""The reader's view of a scanned page, as pure HTML: boxes in percent of the page, the OCR note, the text alternative."""

from __future__ import annotations

from assistant.index.read import ScanLayout
from assistant.scan.records import Page, Word, WordIndex
from assistant.types import Document
from assistant.web import render
from assistant.web.i18n import t
from assistant.web.scan_view import ScanView, ocr_note, scan_figure, scan_view

TEXT = "Первая строка. Вторая фраза здесь."


def layout(corrected: str = "") -> ScanLayout:
    words = [Word(1, (100, 50, 300, 90), 0, 6, 95.0), Word(1, (310, 50, 500, 90), 7, 14, 60.0),
             Word(1, (100, 120, 260, 160), 15, 21, 97.0), Word(1, (270, 120, 400, 160), 22, 27, 96.0),
             Word(1, (410, 120, 520, 160), 28, 34, 99.0)]  # fmt: skip
    page = Page(1, 1000, 500, "ru", "a" * 32 + ".jpg", 0, len(TEXT), 89.4, 5)
    return ScanLayout("doc", (page,), WordIndex(words), corrected)


def test_a_quote_is_boxed_on_its_page_in_percent_and_its_lowest_confidence_decides_uncertain():
    view = scan_view(layout(), 15, 34, floor=70)
    assert (view.page, view.boxes, view.uncertain) == (
        1,
        ((100, 120, 260, 160), (270, 120, 400, 160), (410, 120, 520, 160)),
        False,
    )
    assert scan_view(layout(), 0, 14, floor=70).uncertain  # "строка." was read at 60
    html = scan_figure(view, "Дело <№5>", "en")
    assert 'style="left:10.000%;top:24.000%;width:16.000%;height:8.000%"' in html
    assert html.count('class="ocr-box" aria-hidden="true"') == 3
    assert f'alt="{t("scan_alt", "en", page=1, title="Дело &lt;№5&gt;")}"' in html.replace("&amp;", "&")
    assert 'src="scan-pages/' + "a" * 32 + '.jpg"' in html and "<№5>" not in html


def test_the_note_says_read_by_ocr_and_who_corrected_it_in_the_readers_language():
    plain = scan_view(layout(), 15, 34, floor=70)
    assert t("ocr_note", "kk") in ocr_note(plain, "kk")
    fixed = scan_view(layout("OCR, corrected by Aigerim, 2026-12-06"), 15, 34, floor=70)
    assert t("ocr_corrected", "ru", who="Aigerim", date="2026-12-06") in ocr_note(fixed, "ru")


def test_the_document_view_puts_the_page_beside_the_text_with_the_quote_marked_in_both():
    doc = Document("doc", "Дело", TEXT, "doc.png", meta={"language": "ru"})
    html = render.document_html(doc, 15, 34, 1, language="en", scan=scan_view(layout(), 15, 34, floor=70))
    pair = html[html.index('<div class="scan-pair">') :]
    assert pair.index('<figure class="scan-page"') < pair.index('<div class="doc-clip">')
    assert '<mark id="doc-quote" class="quote">Вторая фраза здесь.</mark>' in html
    assert html.count("<div") == html.count("</div>")
    assert "scan-pair" not in render.document_html(doc, 15, 34, 1, language="en")  # a typed document: as before


def test_a_page_without_an_image_shows_none():
    text_page = Page(1, 0, 0, "ru", "", 0, len(TEXT), 0.0, 0, source="text")
    assert scan_view(ScanLayout("doc", (text_page,), WordIndex([])), 0, 5, floor=70) is None
    assert isinstance(scan_view(layout(), 0, 5, floor=70), ScanView)
