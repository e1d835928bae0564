"""Each page's reading and image, kept under `cache_dir/ocr/` by the file's hash, so no page is read twice.

    ocr/<hash[:2]>/<file hash>-<recipe>/page-0001.json    the page: size, language, note, text, words
    ocr/<hash[:2]>/<file hash>-<recipe>/<image name>.jpg   the page image visitors see (its name is its hash)

The recipe is a hash of everything that changes a reading: Tesseract's version, the language asked for
("auto" when detected), the PDF render resolution, the size limit, the display width and this module's
cleaning steps. Pages are stored as they are read, so a cancelled or killed ingest resumes where it
stopped. Every file is written atomically; a damaged entry is read again, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic
from .layout import PageText
from .records import Page, page_from_dict, page_to_dict

STEPS = "deskew>=0.3,median3-if-speckled>0.5%,blank<0.05%,layout-v1"  # change it when the cleaning changes


@dataclass(frozen=True)
class CachedPage:
    page: Page
    read: PageText
    image: bytes | None  # the display JPEG (None for a page with no image: a text-layer or refused page)


class OcrCache:
    """The pages of one file under one recipe."""

    def __init__(self, cache_dir: Path, file_hash: str, recipe: dict):
        key = hashlib.sha256(json.dumps({**recipe, "steps": STEPS}, sort_keys=True).encode()).hexdigest()[:12]
        self.folder = Path(cache_dir) / "ocr" / file_hash[:2] / f"{file_hash}-{key}"

    def get(self, number: int) -> CachedPage | None:
        """A page read before, with its image, or None (never read, or its files damaged)."""
        try:
            record = json.loads((self.folder / _name(number)).read_text(encoding="utf-8"))
            page = page_from_dict(record["page"])
            words = tuple((a, b, (x0, y0, x1, y1), float(c)) for a, b, x0, y0, x1, y1, c in record["words"])
            image = None
            if page.image:
                image = (self.folder / page.image).read_bytes()
                if image_name(image) != page.image:
                    return None
            return CachedPage(page, PageText(record["text"], words), image)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, page: Page, read: PageText, image: bytes | None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if image is not None:
            write_atomic(self.folder / page.image, image)
        record = {
            "page": page_to_dict(page),
            "text": read.text,
            "words": [[a, b, *box, round(c, 1)] for a, b, box, c in read.words],
        }
        write_atomic(self.folder / _name(page.number), json.dumps(record, ensure_ascii=False))


def image_name(data: bytes) -> str:
    """A page image's name: the hash of its bytes, so the index and the cache can share it safely."""
    return hashlib.sha256(data).hexdigest()[:32] + ".jpg"


def _name(number: int) -> str:
    return f"page-{number:04d}.json"
