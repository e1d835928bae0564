"""Scans in the curator's console, over real HTTP with Debian's real Tesseract: uploaded, read in the background
rebuild, each page's OCR text shown with its uncertain words marked, corrected (the correction becomes the text,
its provenance in sources.toml, unchanged words keep their boxes), and a 300-page scan that shows its progress,
leaves the console free, and is cancelled from it (left out of that build, read on by the next one).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import time
import tomllib

import pytest
import scan_kit as kit
from conftest import require
from curator_kit import ConsoleServer, copy_seed, csrf, metadata, sign_in, wait_rebuilt
from PIL import Image, ImageDraw

from assistant.feedback import read_feedback
from assistant.index.read import load_index
from assistant.index.status import index_status

pytestmark = [pytest.mark.ocr, pytest.mark.server, pytest.mark.timeout(900)]


@pytest.fixture(scope="module", autouse=True)
def tesseract():
    require("ocr", shutil.which("tesseract") is not None, "Tesseract is not installed; run `make ocr`")


def png(page) -> bytes:
    out = io.BytesIO()
    page.image.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def test_a_scan_is_uploaded_read_checked_and_corrected(tmp_path, seed_settings):
    settings = copy_seed(tmp_path, seed_settings, ocr_confidence_floor=96.5)  # a floor that marks some words
    with ConsoleServer(settings) as server:
        client = sign_in(server.url)
        page = client.get("./")
        assert ".png" in page.text and ".tif" in page.text  # the upload form takes scans
        blank = io.BytesIO()
        Image.new("L", (2480, 3508), 255).save(blank, format="PNG", dpi=(300, 300))  # an A4 page with nothing on it
        form = metadata(csrf=csrf(page.text), title="Пустая страница", language="ru")
        added = client.post("upload", data=form, files={"file": ("blank-page.png", blank.getvalue(), "image/png")})
        assert added.status_code == 200 and "blank-page.png" in added.text  # its header is fine: OCR tells the rest
        form = metadata(csrf=csrf(page.text), title="Акмолинский лагерь", language="ru")
        added = client.post(
            "upload", data=form, files={"file": ("akmol-scan.png", png(kit.render("ru", "clean")), "image/png")}
        )
        assert added.status_code == 200 and "akmol-scan.png" in added.text
        assert wait_rebuilt(client)["state"] == "done"
        status = {lang: client.get("status", params={"lang": lang}).json()["text"] for lang in ("en", "ru", "kk")}
        assert "Left out of the index: blank-page.png (no text found by OCR: a photograph or a blank page?)." in status["en"]
        assert "Не вошли в индекс: blank-page.png (распознавание не нашло текста" in status["ru"]
        assert "Индекске кірмегендер: blank-page.png (OCR мәтін таппады" in status["kk"], status
        assert "akmol-scan.png" not in status["en"]
        index = load_index(settings.index_dir)
        assert "akmol-scan" in index.scans and "Акмол открылся" in index.documents["akmol-scan"].text
        home = client.get("./").text
        assert 'href="scan?name=akmol-scan.png' in home

        review = client.get("scan", params={"name": "akmol-scan.png"})
        assert review.status_code == 200
        marked = re.findall(r'<mark class="uncertain">([^<]+)</mark>', review.text)
        low = [
            index.documents["akmol-scan"].text[w.start : w.end]
            for w in index.scans["akmol-scan"].words.words
            if w.confidence < 96.5
        ]
        assert marked and marked == low
        image = re.search(r'<img src="(scan-image\?name=[^"]+)"', review.text).group(1).replace("&amp;", "&")
        served = client.get(image)
        assert served.status_code == 200 and served.content[:3] == b"\xff\xd8\xff"
        assert (
            client.get("scan-image", params={"name": "akmol-scan.png", "image": "../sources.toml"}).status_code == 404
        )

        ocr_text = re.search(r'name="page-1" rows="8">([^<]*)</textarea>', review.text).group(1)
        corrected = ocr_text.replace("Акмол", "Акмола", 1)
        version = re.search(r'name="version" value="([^"]+)"', review.text).group(1)
        saved = client.post(
            "correct",
            data={
                "csrf": csrf(review.text),
                "lang": "en",
                "name": "akmol-scan.png",
                "version": version,
                "page-1": corrected,
            },
        )
        assert saved.status_code == 200 and "Saved the corrections of akmol-scan.png" in saved.text
        assert wait_rebuilt(client)["state"] == "done"
        entry = tomllib.loads((settings.corpus_dir / "sources.toml").read_text())["akmol-scan.png"]
        assert entry["ocr"] == f"OCR, corrected by Aigerim, {dt.date.today().isoformat()}"
        index = load_index(settings.index_dir)
        doc, scan = index.documents["akmol-scan"], index.scans["akmol-scan"]
        assert doc.text == corrected and scan.corrected == entry["ocr"]
        kept = {doc.text[w.start : w.end] for w in scan.words.words}
        assert "Акмола" not in kept and "открылся" in kept  # the changed word lost its box, the others kept theirs
        assert len(scan.words.words) == len(kit.TEXTS["ru"].split()) - 1
        assert all(w.confidence == 100 for w in scan.words.words)  # a person has read the page


def register(pages: int = 300) -> bytes:
    """A long register: one typed line a page, as a multi-page bilevel TIFF."""
    font = kit.ImageFont.truetype(str(kit.SANS), 50)
    images = []
    for n in range(1, pages + 1):
        image = Image.new("L", (1200, 160), 255)
        ImageDraw.Draw(image).text((60, 50), f"Дело номер {n}. Реабилитирован.", font=font, fill=0)
        images.append(image.convert("1"))
    out = io.BytesIO()
    images[0].save(out, format="TIFF", save_all=True, append_images=images[1:], compression="group4", dpi=(300, 300))
    return out.getvalue()


def test_a_300_page_scan_shows_progress_leaves_the_console_free_and_is_cancelled(tmp_path, seed_settings):
    settings = copy_seed(tmp_path, seed_settings)
    with ConsoleServer(settings) as server:
        client = sign_in(server.url)
        page = client.get("./")
        form = metadata(csrf=csrf(page.text), title="Реестр дел", language="ru")
        added = client.post("upload", data=form, files={"file": ("register.tiff", register(), "image/tiff")})
        assert added.status_code == 200
        deadline = time.monotonic() + 300
        while (state := client.get("status").json()).get("page", 0) < 5:
            assert time.monotonic() < deadline and state["state"] == "running", state
            time.sleep(0.3)
        assert state["scan"] == "register.tiff" and state["pages"] == 300
        assert re.search(r"Reading register\.tiff by OCR: page \d+ of 300", state["text"])
        home = client.get("./").text  # the console answers while the scan is read ...
        assert "Stop reading this scan" in home
        note = "reading-room.txt"
        edited = client.post(
            "upload",
            data=metadata(csrf=csrf(home)),
            files={"file": (note, b"The reading room opens at ten.", "text/plain")},
        )
        assert edited.status_code == 200 and note in edited.text  # ... and takes another curator's change meanwhile
        cancelled = client.post("cancel-scan", data={"csrf": csrf(home), "lang": "en"})
        assert "Stopped reading register.tiff" in cancelled.text
        final = wait_rebuilt(client, timeout=600)
        assert final["state"] == "done"
        builds = [a["detail"] for a in read_feedback(settings.log_path("audit")) if a["action"] == "rebuild"]
        cancelled_in = [d for d in builds if "left out: register.tiff (OCR cancelled by the curator at page" in d]
        assert len(builds) >= 2 and len(cancelled_in) == 1, builds  # the build it was stopped in left it out, saying why
        # The reading-room's upload had queued one more rebuild: it went on from the page reached and indexed the rest.
        index = load_index(settings.index_dir)
        assert "reading-room" in index.documents and "register" in index.documents
        assert "register.tiff" not in {s["path"] for s in index.manifest["skipped"]}
        (report,) = [r for r in index.manifest["scans"] if r["path"] == "register.tiff"]
        assert report["pages"] == 300 and report["cached"] >= 5, report  # the pages read before the stop, not again
        assert not index_status(settings).stale
