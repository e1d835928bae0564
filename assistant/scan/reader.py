"""One scanned file -> a `Document` (its text read by OCR) and its `ScanText`, page by page, or a `Skipped` with why.

`ScanReader` is what the ingest hands `load_corpus`: it reads each scan's pages one at a time (so memory
does not grow with the page count), takes pages it has read before from the OCR cache, says how far it
has got after every page (`on_page`), and stops a scan when asked (`cancel_current`, from the curator's
console): that scan is then left out of this build with the reason, the rest of the corpus is built,
and the pages read so far stay cached, so the next rebuild goes on from where it stopped.

A page's language is its document's (`language` in sources.toml); without one, the page is read once
with Kazakh and English models together and its letters decide (Latin -> English, Cyrillic with Kazakh's
own letters -> Kazakh, else Russian), then read again with that language alone (a single language read
these pages best: ru rotated 0.27% alone, 3.57% with kaz+eng).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import Settings
from ..types import Document
from . import images as pages_of
from .cache import CachedPage, OcrCache, image_name
from .correct import apply_correction, load_correction
from .layout import PageText, join_pages, page_sections, page_text
from .records import Page, ScanText
from .tesseract import CODES, DETECT_WITH, Cancelled, OcrError, check_languages, language_of, recognise, version


@dataclass(frozen=True)
class ScanReport:
    """What the ingest says about one scanned document: pages, speed, confidence, and pages that gave no text."""

    path: str
    pages: int
    read: int  # pages read by OCR in this run
    cached: int  # pages taken from the OCR cache
    seconds: float
    confidence: float  # mean word confidence, 0-100
    uncertain: int  # words under the confidence floor
    languages: tuple[str, ...]
    notes: tuple[str, ...] = ()  # "page 3: blank"
    corrected: str = ""

    @property
    def pages_per_minute(self) -> float:
        return self.read / self.seconds * 60 if self.read and self.seconds > 0 else 0.0

    def line(self) -> str:
        speed = f"{self.pages_per_minute:.1f} pages/minute" if self.read else "all from the OCR cache"
        if self.read and self.cached:
            speed += f", {self.cached} from the cache"
        parts = [
            f"scan {self.path}: {self.pages} page(s) read by OCR ({'+'.join(self.languages) or '-'}), {speed}",
            f"mean word confidence {self.confidence:.1f}%",
            f"{self.uncertain} uncertain word(s)",
        ]
        if self.corrected:
            parts.append(self.corrected)
        return "; ".join(parts + list(self.notes))

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {
            "pages_per_minute": round(self.pages_per_minute, 2)
        }


class ScanReader:
    """Reads the scans of one ingest; `results` (by corpus path) and `images` (name -> cached file) feed the index."""

    def __init__(self, settings: Settings, on_page: Callable[[str, int, int], None] | None = None, cached_only=False):
        self.settings = settings
        self.on_page = on_page or (lambda path, done, total: None)
        self.cached_only = cached_only  # read no page: a scan not all in the cache is left for the next rebuild
        self.results: dict[str, ScanText] = {}
        self.images: dict[str, Path] = {}
        self.reports: list[ScanReport] = []
        self.cancelled: dict[
            str, str
        ] = {}  # corpus path -> why it was left out, for every later reading by this reader
        self._cancel = False

    def cancel_current(self) -> None:
        """Stop the scan being read now (between pages); it is left out of this build, its pages kept in the cache."""
        self._cancel = True

    def document(self, path: Path, rel: str, meta: dict, pdf_texts: list[str] | None = None, data: bytes | None = None):
        """The scan as a Document (its text the OCR text), or a Skipped saying why it gave none."""
        from ..corpus import Skipped, _slug, build_sections

        if rel in self.cancelled:
            return Skipped(rel, self.cancelled[rel], "ocr_cancelled")
        self._cancel = False
        s = self.settings
        total = 0
        try:
            data = path.read_bytes() if data is None else data
            source = pages_of.open_pages(data, path.suffix.lower(), pdf_texts, s.ocr_dpi, s.ocr_max_pixels)
            try:
                total = len(source)
                scan = self._read(hashlib.sha256(data).hexdigest(), rel, source, meta, pdf_texts is not None)
            finally:
                source.close()
        except Cancelled as exc:
            self.cancelled[rel] = (
                f"OCR cancelled by the curator at page {exc.args[0]} of {total} "
                "(the pages read so far are kept: the next rebuild goes on from there)"
            )
            return Skipped(rel, self.cancelled[rel], "ocr_cancelled")
        except NotCached as exc:
            return Skipped(
                rel, f"OCR not finished ({exc.args[0]} of {total} pages read): the next rebuild reads the rest",
                "ocr_unfinished",
            )
        except pages_of.PageError as exc:
            return Skipped(rel, str(exc), exc.code)
        except OcrError as exc:
            return Skipped(rel, str(exc))  # Tesseract missing or failing: its English line names the fix
        except OSError as exc:
            return Skipped(rel, f"unreadable ({exc.strerror or exc})")
        notes = tuple(f"page {p.number}: {p.note}" for p in scan.pages if p.note)
        if not scan.text.strip():
            return Skipped(rel, "no text found by OCR (" + ("; ".join(notes) or "no words") + ")", "scan_no_text")
        meta = dict(meta or {})
        meta.setdefault("language", _main_language(scan))
        title = meta.get("title") or path.stem.replace("-", " ")
        self.results[rel] = scan
        floor = self.settings.ocr_confidence_floor
        self.reports.append(
            ScanReport(
                rel,
                len(scan.pages),
                scan.ocr_pages,
                scan.cached_pages,
                scan.seconds,
                scan.confidence,
                sum(w.confidence < floor for w in scan.words),
                scan.languages,
                notes,
                scan.corrected,
            )  # fmt: skip
        )
        return Document(
            id=meta.get("id") or _slug(Path(rel).with_suffix("").as_posix()),
            title=title,
            text=scan.text,
            path=rel,
            sections=page_sections(title, scan.pages) or build_sections(scan.text, [], title),
            meta=meta,
        )

    def _read(self, data_hash: str, rel: str, source, meta: dict, text_layer: bool) -> ScanText:
        s = self.settings
        language = page_language(meta)
        version()
        check_languages(CODES[language] if language else DETECT_WITH)
        cache = cache_for(s, data_hash, language, text_layer)
        read, seconds, ocr_pages, cached_pages, previous = [], 0.0, 0, 0, language or "en"
        total = len(source)
        for number in range(1, total + 1):
            found = cache.get(number)
            if found is not None:
                cached_pages += 1
            else:
                if self._cancel:
                    raise Cancelled(number)
                if self.cached_only:
                    raise NotCached(cached_pages)
                started = time.perf_counter()
                found = self._page(source.page(number), language, previous, number)
                seconds += time.perf_counter() - started
                ocr_pages += 1 if found.page.source == "ocr" and not found.page.note else 0
                cache.put(found.page, found.read, found.image)
            if found.image is not None:
                self.images[found.page.image] = cache.folder / found.page.image
            previous = found.page.language if found.page.words else previous
            read.append((found.page, found.read))
            self.on_page(rel, number, total)
        text, pages, words = join_pages(read)
        scan = ScanText(text, pages, words, seconds, ocr_pages, cached_pages)
        correction = load_correction(s.corpus_dir, rel, data_hash)
        return apply_correction(scan, correction) if correction else scan

    def _page(self, src: pages_of.SourcePage, language: str, previous: str, number: int) -> CachedPage:
        """One page read (or its text layer taken, or why it gave nothing); cancelling raises Cancelled(number)."""
        if self._cancel:
            raise Cancelled(number)
        if src.image is None:
            lang = language or language_of(src.text) or previous
            source = "text" if src.text else "ocr"
            read = PageText(src.text.strip(), ())
            return CachedPage(Page(src.number, 0, 0, lang, "", 0, 0, 0.0, 0, source, src.note), read, None)
        image = pages_of.upright(src.image)
        display = pages_of.display_bytes(image, self.settings.ocr_image_width)
        name = image_name(display)
        page = Page(src.number, image.width, image.height, language or previous, name, 0, 0, 0.0, 0)
        clean = pages_of.cleaned(image)
        if pages_of.blank(clean):
            return CachedPage(replace(page, note="blank"), PageText("", ()), display)
        try:
            words, lang = self._recognise(pages_of.png_bytes(clean), language, previous, src.dpi)
        except Cancelled:
            raise Cancelled(number) from None
        except OcrError as exc:
            if "not installed" in str(exc) or "lacks the language" in str(exc):
                raise
            return CachedPage(replace(page, note=str(exc)), PageText("", ()), display)
        read = page_text(words)
        if not read.words:
            return CachedPage(replace(page, note="no text found (a picture or drawing?)"), read, display)
        return CachedPage(
            replace(page, language=lang, confidence=round(read.confidence, 1), words=len(read.words)), read, display
        )

    def _recognise(self, png: bytes, language: str, previous: str, dpi: int):
        s, cancelled = self.settings, lambda: self._cancel
        if language:
            return recognise(png, CODES[language], dpi, s.ocr_page_timeout, cancelled), language
        first = recognise(png, DETECT_WITH, dpi, s.ocr_page_timeout, cancelled)
        lang = language_of(" ".join(w.text for w in first))
        if lang is None:
            return first, previous
        return recognise(png, CODES[lang], dpi, s.ocr_page_timeout, cancelled), lang


class NotCached(Exception):
    """A scan whose pages are not all in the cache, met by a reader that reads none (`cached_only`)."""


def page_language(meta: dict) -> str:
    """The language a document's sources.toml entry gives its pages ("" when none of ours: detected per page)."""
    language = str((meta or {}).get("language") or "")
    return language if language in CODES else ""


def cache_for(settings: Settings, data_hash: str, language: str, text_layer: bool) -> OcrCache:
    """The OCR cache of one file's pages under the settings that shape a reading."""
    recipe = {
        "tesseract": version(),
        "language": language or "auto",
        "dpi": settings.ocr_dpi,
        "max_pixels": settings.ocr_max_pixels,
        "width": settings.ocr_image_width,
        "text_layer": text_layer,
    }
    return OcrCache(settings.cache_dir, data_hash, recipe)


def cached_reading(settings: Settings, path: Path, meta: dict, pdf_texts: list[str] | None) -> list[CachedPage | None]:
    """What the OCR cache holds of a scan, page by page (None for a page not read yet), for the curator's console."""
    data = path.read_bytes()
    source = pages_of.open_pages(data, path.suffix.lower(), pdf_texts, settings.ocr_dpi, settings.ocr_max_pixels)
    try:
        total = len(source)
    finally:
        source.close()
    cache = cache_for(settings, hashlib.sha256(data).hexdigest(), page_language(meta), pdf_texts is not None)
    return [cache.get(n) for n in range(1, total + 1)]


def _main_language(scan: ScanText) -> str:
    counts = Counter()
    for p in scan.pages:
        counts[p.language] += p.words or (1 if p.source == "text" else 0)
    return counts.most_common(1)[0][0] if counts else "en"
