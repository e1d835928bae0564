"""Scans in the console: checked on upload, read by OCR before each rebuild (with progress, cancellable, never
holding the corpus lock), each page's OCR text shown with its uncertain words marked, and corrected.

The rebuild reads every scan's pages into the OCR cache first (`ScanWork.read_all`), outside the corpus lock,
so curators keep adding and editing while a 300-page register is read; the build itself then takes the pages
from the cache (a scan uploaded meanwhile is read by the rebuild its upload queued). The console shows which
scan and page is being read and offers to cancel it: that scan is then left out of this build with the reason,
and the pages read so far stay cached.

A correction is saved as corpus/.ocr-corrections/<file>.json (see assistant.scan.correct) and the document's
sources.toml entry gets `ocr = "OCR, corrected by <who>, <date>"`; both under the corpus lock, then a rebuild.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..corpus import SUPPORTED, _pdf_pages, corpus_files, load_document, load_metadata
from ..files import sha256_file, write_atomic
from ..scan import images
from ..scan.correct import Correction, clean_page_text, correction_json, correction_path
from ..scan.reader import ScanReader, cached_reading
from .i18n import t
from .validation import CuratorError

MAX_CORRECTION_CHARS = 20_000  # of one page's corrected text
log = logging.getLogger("assistant.curator")


@dataclass(frozen=True)
class Progress:
    """Which scan the rebuild is reading and how far it has got."""

    name: str = ""
    page: int = 0
    pages: int = 0


class ScanWork:
    """The OCR pass of the console's rebuilds: one reader per rebuild, its progress, and cancelling it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.progress = Progress()
        self._reader: ScanReader | None = None
        self._lock = threading.Lock()

    def read_all(self) -> ScanReader:
        """Read every scan of the corpus into the OCR cache; returns the reader that the build goes on with
        (taking pages from the cache only, and leaving out the scans cancelled here)."""
        reader = ScanReader(self.settings, on_page=self._on_page)
        with self._lock:
            self._reader = reader
        try:
            corpus = self.settings.corpus_dir
            metadata = load_metadata(corpus)
            for path in corpus_files(corpus):
                if is_scan(path):
                    rel = path.relative_to(corpus).as_posix()
                    load_document(path, corpus, metadata.get(rel), reader)
        finally:
            with self._lock:
                self._reader = None
                self.progress = Progress()
        build_reader = ScanReader(self.settings, cached_only=True)
        build_reader.cancelled = dict(reader.cancelled)
        return build_reader

    def cancel(self) -> str:
        """Stop the scan being read now; returns its name ("" when none is being read)."""
        with self._lock:
            if self._reader is None or not self.progress.name:
                return ""
            self._reader.cancel_current()
            return self.progress.name

    def _on_page(self, name: str, page: int, pages: int) -> None:
        self.progress = Progress(name, page, pages)


def is_scan(path: Path) -> bool:
    """An image, or a PDF with a page that has no text layer (what OCR reads)."""
    suffix = path.suffix.lower()
    if suffix in images.IMAGE_SUFFIXES:
        return True
    if suffix != ".pdf":
        return False
    try:
        return not all(p.strip() for p in _pdf_pages(path.read_bytes()))
    except (OSError, ValueError):
        return False


def check_upload(staged: Path, corpus_dir: Path, meta: dict, name: str = "", max_pixels: int | None = None):
    """What the upload check reads: a text file as the ingest would (a Document, or a Skipped); a scan from its
    header only (page count and size; OCR runs in the rebuild, not in the request): None when fine, else a
    CuratorError naming the problem in the curator's language (the decoder's own words go to the server log)."""
    if not is_scan(staged):
        return load_document(staged, corpus_dir, meta)
    name = name or staged.name
    limit = max_pixels or Settings().ocr_max_pixels
    suffix = staged.suffix.lower()
    try:
        source = images.open_pages(staged.read_bytes(), suffix, None, 300, limit)  # from the header only
        try:
            if len(source) == 0:
                raise CuratorError("scan_no_pages", name=name)
            first = source.page(1) if suffix != ".pdf" else None
        finally:
            source.close()
    except images.PageError as exc:
        log.info("upload %s refused: %s", name, exc)
        if exc.code == "scan_too_large":
            raise _too_large(name, exc.values.get("pixels", 0), limit) from None
        raise CuratorError(exc.code, name=name) from None
    if first is not None and first.note:
        log.info("upload %s refused: page 1 %s", name, first.note)
        raise _too_large(name, first.pixels, limit) if first.pixels else CuratorError("scan_damaged", name=name)
    return None


def _too_large(name: str, pixels: int, limit: int) -> CuratorError:
    millions = f"{pixels / 1_000_000:.0f}" if pixels else "?"
    return CuratorError("scan_too_large", name=name, pixels=millions, limit=f"{limit / 1_000_000:.0f}")


# --- each page's OCR text, and its correction -------------------------------------------


@dataclass(frozen=True)
class PageReview:
    """One page as the console shows it for checking: its image name, OCR words (text, uncertain?) and current text."""

    number: int
    image: str
    read: bool  # False: not read by OCR yet
    words: tuple[tuple[str, bool], ...]  # the OCR reading, word by word, each with whether it is under the floor
    text: str  # the page's text now: the curator's correction, or the OCR text
    note: str = ""


def review(settings: Settings, name: str, meta: dict) -> list[PageReview]:
    """Each page of a scan in the corpus with its OCR reading (uncertain words flagged) and its current text."""
    from ..scan.correct import load_correction

    path = settings.corpus_dir / name
    pdf_texts = _pdf_pages(path.read_bytes()) if path.suffix.lower() == ".pdf" else None
    correction = load_correction(settings.corpus_dir, name, sha256_file(path))
    floor = settings.ocr_confidence_floor
    out = []
    for number, cached in enumerate(cached_reading(settings, path, meta, pdf_texts), start=1):
        if cached is None:
            out.append(PageReview(number, "", False, (), ""))
            continue
        text = cached.read.text
        words = tuple((text[a:b], conf < floor) for a, b, _, conf in cached.read.words)
        current = correction.pages.get(number, text) if correction else text
        out.append(PageReview(number, cached.page.image, True, words, current, cached.page.note))
    return out


def page_image(settings: Settings, name: str, meta: dict, image: str) -> Path | None:
    """The cached file of one of this scan's page images (found among its pages' own records), or None."""
    path = settings.corpus_dir / name
    pdf_texts = _pdf_pages(path.read_bytes()) if path.suffix.lower() == ".pdf" else None
    from ..scan.reader import cache_for, page_language

    cache = cache_for(settings, sha256_file(path), page_language(meta), pdf_texts is not None)
    for cached in cached_reading(settings, path, meta, pdf_texts):
        if cached is not None and cached.page.image == image:
            return cache.folder / image
    return None


def save_correction(store, name: str, version: str, pages: dict[int, str], who: str, today: dt.date | None = None):
    """Save a scan's corrected page texts and its provenance, if nobody changed the document since `version`."""
    from .store import _find

    cleaned = {}
    for number, text in pages.items():
        if len(text) > MAX_CORRECTION_CHARS:
            raise CuratorError("too_long", field="text", limit=MAX_CORRECTION_CHARS)
        if "\x00" in text:
            raise CuratorError("control", field="text")
        cleaned[number] = clean_page_text(text)
    with store.lock():
        entries = store.entries()
        entry = _find(entries, name, version)
        if not is_scan(store.corpus_dir / name):
            raise CuratorError("not_a_scan", name=name)
        date = (today or dt.date.today()).isoformat()
        correction = Correction(entry.sha256, who, date, cleaned)
        target = correction_path(store.corpus_dir, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, correction_json(correction))
        store._write_metadata({name: {**entry.meta, "ocr": correction.provenance}})
    return store.entry(name)


def review_html(language: str, entry, pages: list[PageReview], hidden: str, floor: float) -> str:
    """The console's page for one scan: each page's image, its OCR text with uncertain words marked, and a box to
    correct it."""
    e = html.escape
    parts = [
        f'<p><a href="./?lang={language}">{e(t("back", language))}</a></p>',
        f"<h2>{e(t('scan_heading', language, name=entry.name))}</h2>",
        f"<p>{e(t('scan_help', language, floor=f'{floor:.0f}'))}</p>",
        f'<form method="post" action="correct">{hidden}<input type="hidden" name="name" value="{e(entry.name)}">'
        f'<input type="hidden" name="version" value="{e(entry.version)}">',
    ]
    for p in pages:
        parts.append(f'<section class="scan-review" aria-labelledby="page-{p.number}"><h3 id="page-{p.number}">'
                     f"{e(t('scan_page', language, page=p.number))}</h3>")  # fmt: skip
        if not p.read:
            parts.append(f"<p>{e(t('scan_not_read', language))}</p></section>")
            continue
        if p.image:
            alt = e(t("scan_alt", language, page=p.number, name=entry.name))
            parts.append(
                f'<img src="scan-image?name={e(entry.name)}&amp;image={e(p.image)}" alt="{alt}" class="scan-image">'
            )
        words = " ".join(f'<mark class="uncertain">{e(w)}</mark>' if low else e(w) for w, low in p.words)
        note = f" ({e(p.note)})" if p.note else ""
        parts.append(
            f'<p class="ocr-text" lang="{e(str(entry.meta.get("language") or ""))}">{words or e(t("scan_no_text", language)) + note}</p>'
        )
        parts.append(f'<label for="page-text-{p.number}">{e(t("scan_correct", language, page=p.number))}</label>'
                     f'<textarea id="page-text-{p.number}" name="page-{p.number}" rows="8">{e(p.text)}</textarea></section>')  # fmt: skip
    parts.append(f'<button type="submit">{e(t("scan_save", language))}</button></form>')
    return "".join(parts)


def scan_names(entries) -> set[str]:
    """The corpus files the console offers OCR checking for."""
    return {e.name for e in entries if Path(e.name).suffix.lower() in images.IMAGE_SUFFIXES | {".pdf"}}


__all__ = ["SUPPORTED", "ScanWork", "check_upload", "review", "review_html", "save_correction"]
