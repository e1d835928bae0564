"""Scans through the whole ingest, with Debian's real Tesseract: bad scans each skipped with one clear line while the
rest of the corpus is built, the report's pages/minute and confidence, a rebuild that reads nothing again, and a
300-page scan read in bounded memory, with progress, and cancelled between pages.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest
import scan_kit as kit
from conftest import require
from helpers import settings_for, write_corpus
from PIL import Image, ImageDraw, ImageFilter

from assistant.corpus import Skipped, load_document
from assistant.index.build import build_index, format_report, skipped_warnings
from assistant.index.ray_embed import texts_to_embed
from assistant.index.read import load_index
from assistant.scan.reader import ScanReader

pytestmark = [pytest.mark.ocr, pytest.mark.timeout(900)]


@pytest.fixture(scope="module", autouse=True)
def tesseract():
    require("ocr", shutil.which("tesseract") is not None, "Tesseract is not installed; run `make ocr`")


def photograph(seed: int = 0, width: int = 1800, height: int = 1200) -> Image.Image:
    """A picture with no text: soft light, shapes, lines and film grain."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    light = 120 + 60 * np.sin(xx / 170 + seed) + 40 * np.cos(yy / 90) + rng.normal(0, 18, (height, width))
    image = Image.fromarray(np.clip(light, 0, 255).astype(np.uint8), "L").convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y, size = rng.integers(0, width), rng.integers(0, height), int(rng.integers(40, 300))
        draw.ellipse((x, y, x + size, y + size * 0.8), fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
    return image.filter(ImageFilter.GaussianBlur(2))


def encrypted_pdf(path, source) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    with open(path, "wb") as f:
        writer.write(f)


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory, encoder):
    """A corpus of one good scan (a JPEG, as a phone or a cheap scanner saves one), one typed text and every kind of
    bad scan; built once."""
    root = tmp_path_factory.mktemp("bad-scans")
    corpus = write_corpus(root / "corpus", {
        "typed.txt": "The Commission rehabilitated 311,000 victims of political repression.\n",
        "sources.toml": '["good.jpg"]\ntitle = "Good scan"\nlanguage = "kk"\n',
    })  # fmt: skip
    kit.render("kk", "clean").image.convert("L").save(corpus / "good.jpg", format="JPEG", quality=85, dpi=(300, 300))
    plain = kit.save_pdf([kit.render("ru", "clean")], root / "plain.pdf")
    encrypted_pdf(corpus / "locked.pdf", plain)
    photograph().save(corpus / "photo.jpg", quality=85)
    Image.new("L", (1748, 2480), 255).save(corpus / "blank.png", dpi=(300, 300))
    Image.new("1", (20_000, 20_000), 1).save(corpus / "huge.png")
    tiff = kit.save_tiff([kit.render("ru", "clean")], root / "whole.tiff", compression="tiff_lzw")
    data = tiff.read_bytes()
    (corpus / "damaged.tiff").write_bytes(data[: len(data) // 2])
    settings = settings_for(root, corpus)
    report = build_index(settings, encoder=encoder)
    return settings, report


def test_every_bad_scan_is_one_clear_line_and_the_rest_is_built(bad_corpus):
    settings, report = bad_corpus
    reasons = {s.path: s.reason for s in report.skipped}
    assert reasons["locked.pdf"].startswith("encrypted PDF: save a copy without a password")
    assert reasons["photo.jpg"].startswith("no text found by OCR (page 1: no text found (a picture or drawing?)")
    assert reasons["blank.png"] == "no text found by OCR (page 1: blank)"
    assert "too large" in reasons["huge.png"] and "ocr_max_pixels" in reasons["huge.png"]
    assert reasons["damaged.tiff"].startswith("damaged image")
    assert set(reasons) == {"locked.pdf", "photo.jpg", "blank.png", "huge.png", "damaged.tiff"}
    index = load_index(settings.index_dir)
    assert sorted(index.documents) == ["good", "typed"]
    assert "Ақмол" in index.documents["good"].text and set(index.scans) == {"good"}
    warnings = skipped_warnings(report)
    assert all("\n" not in w and "Traceback" not in w for w in warnings) and len(warnings) == 5


def test_the_report_gives_pages_per_minute_and_mean_confidence_and_a_rebuild_reads_nothing_again(bad_corpus, encoder):
    settings, report = bad_corpus
    line = format_report(report, settings).splitlines()[0]
    assert line.startswith("scan good.jpg: 1 page(s) read by OCR (kk), ") and "pages/minute" in line
    assert "mean word confidence 9" in line  # over 90% on a clean page
    assert report.scans[0].read == 1 and report.scans[0].pages_per_minute > 0
    again = build_index(settings, rebuild=True, encoder=encoder)
    assert [(r.read, r.cached) for r in again.scans] == [(0, 1)]
    assert "all from the OCR cache" in format_report(again, settings)
    manifest = json.loads((load_index(settings.index_dir).path / "manifest.json").read_text())
    assert manifest["scans"][0]["path"] == "good.jpg" and manifest["checksums"]["scans.jsonl"]
    assert any(name.startswith("pages/") for name in manifest["checksums"])  # the page image is checksummed
    listed = texts_to_embed(settings, encoder)["ingest"]  # what `ingest --ray` sends to the cluster
    assert any("Ақмол" in text for text in listed), "the OCR text of good.jpg is embedded on the cluster"


def test_a_huge_image_is_refused_from_its_header_without_decoding_it(bad_corpus):
    settings, _ = bad_corpus
    code = (
        "import re; from pathlib import Path; from assistant.config import Settings; "
        "from assistant.corpus import load_document; from assistant.scan.reader import ScanReader; "
        f"root = Path({str(settings.corpus_dir)!r}); "
        f"r = load_document(root / 'huge.png', root, {{}}, ScanReader(Settings(cache_dir=Path({str(settings.cache_dir)!r})))); "
        "print(r.reason); print(int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)) // 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True).stdout
    reason, peak_mb = out.strip().splitlines()
    assert "400 million pixels" in reason
    assert (
        int(peak_mb) < 150
    )  # this process's peak (ru_maxrss would be the parent's, kept across exec); decoding 20,000 x 20,000 grey pixels alone would take 400 MB


def test_a_300_page_scan_reads_in_bounded_memory_with_progress_and_stops_when_cancelled(tmp_path):
    psutil = pytest.importorskip("psutil")
    font = kit.ImageFont.truetype(str(kit.SANS), 50)
    pages = []
    for n in range(1, 301):  # a strip of one typed line a page, as a long register's pages
        image = Image.new("L", (1200, 160), 255)
        ImageDraw.Draw(image).text((60, 50), f"Дело номер {n}. Реабилитирован.", font=font, fill=0)
        pages.append(kit.Page(image, "", (), "clean", "ru"))
    path = kit.save_tiff(pages, tmp_path / "register.tiff")
    process = psutil.Process()
    progress, memory = [], {}
    reader = ScanReader(settings_for(tmp_path, tmp_path))

    def on_page(name, done, total):
        progress.append((name, done, total))
        if done in (10, 40):
            memory[done] = process.memory_info().rss
        if done == 40:
            reader.cancel_current()

    reader.on_page = on_page
    result = load_document(path, tmp_path, {"language": "ru"}, reader)
    assert isinstance(result, Skipped)
    assert result.reason.startswith("OCR cancelled by the curator at page 41 of 300")
    assert progress == [("register.tiff", n, 300) for n in range(1, 41)]
    assert memory[40] - memory[10] < 40 * 2**20  # 30 more pages read: no page is kept in memory
    cached = sorted((tmp_path / "cache" / "ocr").rglob("page-*.json"))
    assert len(cached) == 40  # what was read stays: the next reading starts at page 41
    again = ScanReader(settings_for(tmp_path, tmp_path))
    stop = threading.Event()
    again.on_page = lambda name, done, total: (again.cancel_current(), stop.set()) if done == 42 else None
    load_document(path, tmp_path, {"language": "ru"}, again)
    assert stop.is_set() and len(sorted((tmp_path / "cache" / "ocr").rglob("page-*.json"))) == 42
