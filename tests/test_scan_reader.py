"""A scanned source answered and shown, with Debian's real Tesseract, the real engine, Gradio server and Chromium.

The tests draw one page a language (tests/scan_kit.py), ingest them, and ask each page's question: the answer
quotes the scan, and the quote's boxes sit on the words drawn there. In the browser the reader shows the page
image beside the text, says the text was read by OCR, its boxes cover the quoted words as drawn, the image has
a text alternative, and axe-core finds no violation with the image open. The image route serves only the
images the index records.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request

import pytest
import scan_kit as kit
from browser_kit import AXE_TAGS, ask, axe, describe, open_page, save_screenshot
from conftest import require
from helpers import settings_for, write_corpus
from test_app import serve

from assistant.index.build import build_index
from assistant.web.i18n import t
from assistant.web.page import create_app

pytestmark = [pytest.mark.ocr, pytest.mark.timeout(900), pytest.mark.filterwarnings("ignore:::gradio.queueing")]
DESKTOP = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def scans(tmp_path_factory, encoder):
    """An index of three scanned pages (kk, ru, en; clean) and a typed document, with the multilingual model on."""
    require("ocr", shutil.which("tesseract") is not None, "Tesseract is not installed; run `make ocr`")
    root = tmp_path_factory.mktemp("scan-reader")
    toml = "".join(f'["scan-{lang}.png"]\ntitle = "Scan {lang}"\nlanguage = "{lang}"\n\n' for lang in kit.TEXTS)
    corpus = write_corpus(root / "corpus", {"sources.toml": toml, "typed.txt": "A typed note on the 1956 amnesty.\n"})
    pages = {lang: kit.render(lang, "clean") for lang in kit.TEXTS}
    for lang, page in pages.items():
        kit.save_png(page, corpus / f"scan-{lang}.png")
    settings = settings_for(root, corpus, multilingual_model="multilingual-e5-small", feedback_path=root / "fb.jsonl")
    build_index(settings, encoder=encoder)
    from assistant import Assistant

    return Assistant.load(settings.index_dir, settings), settings, pages


def drawn_boxes(page: kit.Page, quote: str) -> list[tuple]:
    """The boxes the quote's words were drawn in: the run of drawn words that spells the quote."""
    words = [w.text for w in page.words]
    wanted = quote.split()
    for i in range(len(words) - len(wanted) + 1):
        if words[i : i + len(wanted)] == wanted:
            return [w.box for w in page.words[i : i + len(wanted)]]
    raise AssertionError(f"{quote!r} was not drawn on the page")


def covers(marked, drawn, slack: float = 6) -> bool:
    """Whether a marked box lies on the drawn box (ink inside the drawn advance box) and covers half of it."""
    inside = all((marked[i] >= drawn[i] - slack) if i < 2 else (marked[i] <= drawn[i] + slack) for i in range(4))
    area = (marked[2] - marked[0]) * (marked[3] - marked[1])
    return inside and area >= 0.5 * (drawn[2] - drawn[0]) * (drawn[3] - drawn[1])


@pytest.mark.parametrize("language", list(kit.TEXTS))
def test_a_question_is_answered_from_the_scan_with_the_boxes_on_the_right_words(scans, language):
    assistant, settings, pages = scans
    question, expected = kit.QUESTIONS[language]
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    cited = answer.citations[0]
    assert cited.doc_id == f"scan-{language}" and cited.quote == expected and not cited.uncertain
    layout = assistant.index.scans[cited.doc_id]
    marked = layout.boxes(cited.start, cited.end)[1]
    drawn = drawn_boxes(pages[language], expected)
    assert len(marked) == len(drawn)
    assert all(covers(m, d) for m, d in zip(marked, drawn, strict=True)), (marked, drawn)


def test_a_sentence_under_the_confidence_floor_is_only_further_reading_marked_uncertain(scans):
    assistant, settings, _ = scans
    strict = assistant.with_settings(ocr_confidence_floor=101)  # every OCR word is under it
    answer = strict.ask(kit.QUESTIONS["en"][0])
    assert answer.abstained and not answer.citations
    assert answer.further_reading and all(c.uncertain for c in answer.further_reading if c.doc_id.startswith("scan-"))
    from assistant.web import render

    assert "(uncertain OCR reading)" in render.answer_markdown(answer)
    assert "uncertain-label" in render.sources_html(answer)


@pytest.fixture(scope="module")
def page_url(scans):
    assistant, settings, _ = scans
    app = create_app(assistant, settings)
    url = serve(app, settings)
    yield url
    app.close()


@pytest.mark.browser
@pytest.mark.server
def test_the_reader_shows_the_page_with_the_quoted_words_boxed_and_axe_finds_nothing(
    browser, scans, page_url, tmp_path
):
    assistant, settings, pages = scans
    question, expected = kit.QUESTIONS["ru"]
    offline, page = open_page(browser, page_url, DESKTOP)
    try:
        ask(page, question)
        page.locator("#sources .read-button").first.click()
        image = page.locator("#doc-view .scan-frame img")
        image.wait_for(state="visible")
        page.wait_for_function(
            "() => { const i = document.querySelector('#doc-view .scan-frame img'); return i && i.complete && i.naturalWidth > 0; }"
        )
        assert page.locator("#doc-view .ocr-note").inner_text() == t("ocr_note", "ru")
        assert image.get_attribute("alt") == t("scan_alt", "ru", page=1, title="Scan ru")
        assert page.locator("#doc-view #doc-quote").inner_text() == expected
        # The page scrolls the reader into view smoothly: the frame and its boxes are measured in one script,
        # at one moment, so a scroll between two measurements cannot shift one against the other.
        measured = page.evaluate(
            """() => {
              const rect = (e) => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; };
              const img = document.querySelector('#doc-view .scan-frame img');
              return {frame: rect(img), boxes: [...document.querySelectorAll('#doc-view .ocr-box')].map(rect)};
            }"""
        )
        frame = measured["frame"]
        natural = pages["ru"].image.size
        marked = [
            (
                (b["x"] - frame["x"]) / frame["width"] * natural[0],
                (b["y"] - frame["y"]) / frame["height"] * natural[1],
                (b["x"] + b["width"] - frame["x"]) / frame["width"] * natural[0],
                (b["y"] + b["height"] - frame["y"]) / frame["height"] * natural[1],
            )
            for b in measured["boxes"]
        ]
        drawn = drawn_boxes(pages["ru"], expected)
        assert len(marked) == len(drawn)
        assert all(covers(m, d, slack=12) for m, d in zip(marked, drawn, strict=True)), (marked, drawn)
        text = page.locator("#doc-view .doc-clip").bounding_box()
        assert frame["width"] > 200 and text["width"] > 200  # the page and its text, both in view
        violations = axe(page, AXE_TAGS)
        assert not violations, describe(violations)
        save_screenshot(page, tmp_path, "student-scan-reader.png")
    finally:
        offline.context.close()


@pytest.mark.server
def test_the_image_route_serves_only_images_the_index_records(scans, page_url):
    assistant, _, _ = scans
    name = next(iter(assistant.index.scans.values())).pages[0].image
    with urllib.request.urlopen(f"{page_url}scan-pages/{name}", timeout=30) as r:
        assert r.headers["Content-Type"] == "image/jpeg" and r.read(3) == b"\xff\xd8\xff"
    for bad in ("0" * 32 + ".jpg", "..%2Fmanifest.json", "%2E%2E%2F%2E%2E%2Fcorpus%2Fsources.toml", "manifest.json"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{page_url}scan-pages/{bad}", timeout=30)
        assert refused.value.code == 404
