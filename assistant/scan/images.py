"""A scan's pages, one at a time: opened with their size checked before any pixel is decoded, made upright and clean.

PNG, JPEG and TIFF (every frame of a multi-page TIFF) through Pillow; a PDF's pages without a text layer
rendered by pypdfium2 (Google's PDFium, shipped in its wheel) at `ocr_dpi`. A page over `ocr_max_pixels`
is refused from its header alone, so a 20,000 x 20,000 image never reaches memory. Only one page's
pixels are held at a time, whatever the page count.

Cleaning, each step only where it measurably lowered the error on the test pages (tests/test_scan_ocr.py):
- deskew: a page turned 2 degrees read at CER 0.27% (ru) / 0.23% (en), upright 0.00% / 0.00%;
- a 3x3 median filter when the page is speckled (over 0.5% of its dark pixels isolated: salt-and-pepper
  noise; clean and typewritten pages have 0.00%): noisy pages 1.10% -> 0.00% (ru), 0.94% -> 0.00% (en).
Binarising is left to Tesseract (Otsu): Sauvola's method did no better (noisy ru 0.55%, en 1.41%, kk 0.68%).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
SPECKLE_SHARE = 0.005  # isolated dark pixels per dark pixel above which a page is speckled
MIN_SKEW = 0.3  # degrees; a smaller tilt is left alone
MAX_SKEW = 5.0
DISPLAY_QUALITY = 80  # JPEG: 4-8 ms a page against 100-340 ms for WebP and 200-1200 ms for PNG, at 1.5-2x WebP's size


class PageError(ValueError):
    """A page (or the whole file) that cannot be read: the message says why in English, for the ingest's report;
    `code` (scan_damaged, scan_too_large, damaged_pdf: the console's message keys) and `values` let the console say it in the curator's language."""

    def __init__(self, message: str, code: str, **values):
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass
class SourcePage:
    """One page as found in the file: pixels to read, or a PDF page's own text, or why it was left out."""

    number: int
    image: object | None = None  # a PIL image in mode "L"
    dpi: int = 300
    text: str = ""  # a PDF page's text layer
    note: str = ""
    pixels: int = 0  # set with the note of a page refused for its size


def open_pages(data: bytes, suffix: str, texts: list[str] | None, dpi: int, max_pixels: int):
    """A file's pages (its bytes, read once, so the pages are those of the bytes hashed), opened from the header
    only: `len()` of them, and `.page(n)` decodes page n alone."""
    return PdfPages(data, texts or [], dpi, max_pixels) if suffix == ".pdf" else ImagePages(data, max_pixels)


class ImagePages:
    """The frames of an image file (one, or many for a TIFF), each checked for size before it is decoded."""

    def __init__(self, data: bytes, max_pixels: int):
        Image = _pillow()
        self.max_pixels = max_pixels
        try:
            with warnings.catch_warnings():  # a damaged file's EXIF warnings: the page is judged by whether it decodes
                warnings.simplefilter("ignore")
                self.image = Image.open(io.BytesIO(data))
            self.count = int(getattr(self.image, "n_frames", 1) or 1)
        except Image.DecompressionBombError as exc:  # Pillow's own guard, from the header, past twice its limit
            found = re.search(r"\((\d+) pixels\)", str(exc))
            pixels = int(found.group(1)) if found else 0
            size = f"{_millions(pixels)} pixels" if found else "too many pixels"
            raise PageError(
                f"too large ({size}, over the {_millions(max_pixels)} pixel limit of ocr_max_pixels)",
                "scan_too_large", pixels=pixels, limit=max_pixels,
            ) from None  # fmt: skip
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            why = "its header cannot be read" if "cannot identify" in str(exc) else _why(exc)
            raise PageError(f"damaged image ({why})", "scan_damaged", why=why) from None

    def __len__(self) -> int:
        return self.count

    def page(self, number: int) -> SourcePage:
        try:
            self.image.seek(number - 1)
            width, height = self.image.size
            if width * height > self.max_pixels:
                return SourcePage(number, note=_too_large(width, height, self.max_pixels), pixels=width * height)
            dpi = _dpi(self.image.info.get("dpi"))
            return SourcePage(number, self.image.convert("L"), dpi)  # decodes this frame only
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
            if self.count == 1:
                raise PageError(f"damaged image ({_why(exc)})", "scan_damaged", why=_why(exc)) from None
            return SourcePage(number, note=f"unreadable ({_why(exc)})")

    def close(self) -> None:
        self.image.close()


class PdfPages:
    """A PDF's pages: those with a text layer (`texts`, from pypdf) as text, the others rendered for OCR."""

    def __init__(self, data: bytes, texts: list[str], dpi: int, max_pixels: int):
        import pypdfium2 as pdfium

        self.texts, self.dpi, self.max_pixels = texts, dpi, max_pixels
        try:
            self.pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PageError(f"unreadable PDF ({_why(exc)})", "damaged_pdf", why=_why(exc)) from None

    def __len__(self) -> int:
        return len(self.pdf)

    def page(self, number: int) -> SourcePage:
        import pypdfium2 as pdfium

        i = number - 1
        if i < len(self.texts) and self.texts[i].strip():
            return SourcePage(number, text=self.texts[i])
        try:
            page = self.pdf[i]
        except (pdfium.PdfiumError, IndexError) as exc:
            return SourcePage(number, note=f"unreadable ({_why(exc)})")
        try:
            width_pt, height_pt = page.get_size()
            scale = self.dpi / 72
            width, height = round(width_pt * scale), round(height_pt * scale)
            if width * height > self.max_pixels:
                return SourcePage(number, note=_too_large(width, height, self.max_pixels), pixels=width * height)
            image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        except (pdfium.PdfiumError, OSError, ValueError, MemoryError) as exc:
            return SourcePage(number, note=f"unreadable ({_why(exc)})")
        finally:
            page.close()
        return SourcePage(number, image, self.dpi)

    def close(self) -> None:
        self.pdf.close()


def upright(image):
    """The page turned back by its measured skew (bigger canvas, white fill), or as it was when under MIN_SKEW."""
    angle = skew_angle(image)
    if abs(angle) < MIN_SKEW:
        return image
    return image.rotate(-angle, resample=_pillow().BICUBIC, expand=True, fillcolor=255)


def skew_angle(image) -> float:
    """The text lines' tilt in degrees (anticlockwise positive): the shear that makes the dark pixels' row
    histogram sharpest, searched coarse then fine on a copy about 1000 pixels wide."""
    import numpy as np

    Image = _pillow()
    scale = min(1.0, 1000 / max(image.size))
    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.BILINEAR)
    ys, xs = np.nonzero(np.asarray(small) < 128)
    if len(ys) < 200:
        return 0.0
    xs = xs - xs.mean()

    def sharpness(degrees: float) -> float:
        shifted = np.round(ys + xs * np.tan(np.radians(degrees))).astype(np.int64)
        rows = np.bincount(shifted - shifted.min())
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    return float(round(best, 1))


def speckled(image) -> bool:
    """Whether salt-and-pepper noise covers the page: many dark pixels with at most one dark neighbour."""
    import numpy as np

    dark = np.asarray(image) < 128
    total = int(dark.sum())
    if total == 0:
        return False
    padded = np.pad(dark, 1)
    h, w = dark.shape
    neighbours = sum(
        padded[1 + dy : h + 1 + dy, 1 + dx : w + 1 + dx].astype(np.uint8)
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if dy or dx
    )
    return int((dark & (neighbours <= 1)).sum()) / total > SPECKLE_SHARE


def cleaned(image):
    """The page with speckles removed (3x3 median) when it is speckled, else as it was."""
    from PIL import ImageFilter

    return image.filter(ImageFilter.MedianFilter(3)) if speckled(image) else image


def png_bytes(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # Tesseract reads it at once; speed over size
    return out.getvalue()


def display_bytes(image, width: int) -> bytes:
    """The page as visitors see it: at most `width` pixels wide, grey JPEG."""
    Image = _pillow()
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
    out = io.BytesIO()
    image.convert("L").save(out, format="JPEG", quality=DISPLAY_QUALITY, optimize=True)
    return out.getvalue()


def blank(image) -> bool:
    """Whether a page holds (almost) no ink: under 0.05% dark pixels."""
    import numpy as np

    return float((np.asarray(image) < 128).mean()) < 0.0005


def _dpi(value) -> int:
    try:
        dpi = round(float(value[0]))
    except (TypeError, ValueError, IndexError):
        return 300
    return dpi if 70 <= dpi <= 1200 else 300


def _too_large(width: int, height: int, max_pixels: int) -> str:
    return f"too large ({width} x {height} pixels, over the {_millions(max_pixels)} pixel limit of ocr_max_pixels)"


def _millions(n: int) -> str:
    return f"{n / 1_000_000:.0f} million"


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:120] if text else "") or type(exc).__name__


def _pillow():
    from PIL import Image

    return Image
