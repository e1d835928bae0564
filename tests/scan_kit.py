"""Scanned pages made by the tests, never downloaded: known paragraphs in Kazakh, Russian and English drawn
at 300 dpi with Debian's DejaVu fonts (which hold every Kazakh letter), in four variants, and the words'
boxes as drawn, so a test can score what OCR read (CER) and check which boxes a quote marks.

    clean        DejaVu Sans 12 pt, black on white
    noisy        the clean page with salt-and-pepper specks (1% of pixels) and a Gaussian blur (radius 1 px)
    rotated      the clean page turned 2 degrees, as a sheet laid askew on the scanner
    typewriter   DejaVu Sans Mono 12 pt, each letter's ink uneven (grey 0-110, one in 25 faded) and a little off
                 its line (up to 2 px), softened by a 0.6 px blur

Every variant is drawn from a fixed seed, so its bytes (and the OCR cache key) are the same on every run.
"""

from __future__ import annotations

import io
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 300
FONTS = Path("/usr/share/fonts/truetype/dejavu")
SANS = FONTS / "DejaVuSans.ttf"
MONO = FONTS / "DejaVuSansMono.ttf"
KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
VARIANTS = ("clean", "noisy", "rotated", "typewriter")

# Known paragraphs: one page each. The Kazakh one holds every letter Kazakh adds to the Russian alphabet.
TEXTS = {
    "kk": (
        "Қазақстанда саяси қуғын-сүргін және ашаршылық құрбандарын еске алу күні 1997 жылдан бері "
        "31 мамырда атап өтіледі. Отанын сатқандардың әйелдеріне арналған Ақмола лагерінде күйеулері "
        "тұтқындалған әйелдер ұсталды. 2007 жылы Ақмол ауылының маңындағы лагерь орнында мемориалдық "
        "мұражай ашылды. Ақмол ауылы Астана шаһарының іргесінде орналасқан. Саяси қуғын-сүргін "
        "құрбандарын толық ақтау жөніндегі мемлекеттік комиссия 2020 жылғы қарашада құрылды."
    ),
    "ru": (
        "День памяти жертв политических репрессий и голода отмечается в Казахстане 31 мая с 1997 года. "
        "В Акмолинском лагере жён изменников Родины содержались женщины, чьи мужья были арестованы. "
        "В 2007 году на месте лагеря у села Акмол открылся мемориальный музей. Государственная комиссия "
        "по полной реабилитации жертв политических репрессий была создана в ноябре 2020 года."
    ),
    "en": (
        "The Day of Remembrance of the Victims of Political Repression and Famine has been marked in "
        "Kazakhstan on 31 May since 1997. The Akmola camp for wives of traitors to the Motherland held "
        "women whose husbands had been arrested. In 2007 a memorial museum was opened at the site of the "
        "camp near the village of Akmol. The State Commission for the full rehabilitation of victims of "
        "political repression was set up in November 2020."
    ),
}
# A question each page answers, and the sentence that answers it (quoted from the page).
QUESTIONS = {
    "kk": (
        "Ақмол ауылының маңында мұражай қашан ашылды?",
        "2007 жылы Ақмол ауылының маңындағы лагерь орнында мемориалдық мұражай ашылды.",
    ),
    "ru": (
        "Когда у села Акмол открылся мемориальный музей?",
        "В 2007 году на месте лагеря у села Акмол открылся мемориальный музей.",
    ),
    "en": (
        "When was the memorial museum near Akmol opened?",
        "In 2007 a memorial museum was opened at the site of the camp near the village of Akmol.",
    ),
}


@dataclass(frozen=True)
class DrawnWord:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels, as drawn (before any rotation)


@dataclass(frozen=True)
class Page:
    """A rendered page, the text on it (lines joined by spaces) and where each word was drawn."""

    image: Image.Image
    text: str
    words: tuple[DrawnWord, ...]
    variant: str
    language: str


def font_has(font_path: Path, letters: str) -> bool:
    """Whether a font draws each letter with its own glyph (not the empty box it draws for a letter it lacks)."""
    font = ImageFont.truetype(str(font_path), 40)

    def drawn(ch: str) -> bytes:
        image = Image.new("L", (60, 60), 255)
        ImageDraw.Draw(image).text((5, 5), ch, font=font, fill=0)
        return image.tobytes()

    missing = drawn("\uffff")  # a non-character: always the font's "missing glyph"
    return all(drawn(ch) != missing for ch in letters)


def render(language: str, variant: str = "clean", width_in: float = 5.8, text: str | None = None) -> Page:
    """One page of `TEXTS[language]` (or `text`) at 300 dpi in a variant; paragraphs split at blank lines."""
    text = unicodedata.normalize("NFC", text if text is not None else TEXTS[language])
    mono = variant == "typewriter"
    font = ImageFont.truetype(str(MONO if mono else SANS), 50)  # 12 pt at 300 dpi
    width, margin, leading = int(width_in * DPI), 150, 78
    lines = []
    for paragraph in text.split("\n\n"):
        lines += _wrap(paragraph.split(), font, width - 2 * margin)
        lines.append(None)  # a blank line between paragraphs
    height = margin * 2 + leading * len(lines)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    rng = random.Random(f"{language}-{variant}")
    words = []
    y = margin
    for line in lines:
        if line is None:
            y += leading
            continue
        x = margin
        for i, word in enumerate(line):
            if mono:
                box = _typewritten(draw, font, x, y, word, rng)
            else:
                draw.text((x, y), word, font=font, fill=0)
                x0, y0, x1, y1 = draw.textbbox((x, y), word, font=font)
                box = (x0, y0, x1, y1)
            words.append(DrawnWord(word, box))
            x += font.getlength(word + (" " if i < len(line) - 1 else ""))
        y += leading
    if variant == "noisy":
        image = _speckle(image.filter(ImageFilter.GaussianBlur(1.0)), 0.01, rng)
    elif variant == "rotated":
        image = image.rotate(2, resample=Image.BICUBIC, expand=True, fillcolor=255)
    elif mono:
        image = image.filter(ImageFilter.GaussianBlur(0.6))
    shown = "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))
    return Page(image, shown, tuple(words), variant, language)


def _wrap(words: list[str], font, width: int) -> list[list[str]]:
    lines, line = [], []
    for word in words:
        if line and font.getlength(" ".join([*line, word])) > width:
            lines.append(line)
            line = []
        line.append(word)
    return lines + ([line] if line else [])


def _typewritten(draw, font, x, y, word, rng) -> tuple[int, int, int, int]:
    """A word struck letter by letter: uneven ink, each letter a little off the line."""
    boxes = []
    advance = font.getlength("M")
    for ch in word:
        ink = rng.randint(0, 110) if rng.random() > 0.04 else rng.randint(130, 160)
        dy = rng.randint(-2, 2)
        draw.text((x, y + dy), ch, font=font, fill=ink)
        boxes.append(draw.textbbox((x, y + dy), ch, font=font))
        x += advance
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _speckle(image: Image.Image, share: float, rng: random.Random) -> Image.Image:
    """Salt-and-pepper noise: `share` of the pixels turned black or white."""
    pixels = image.load()
    w, h = image.size
    for _ in range(int(w * h * share)):
        pixels[rng.randrange(w), rng.randrange(h)] = 0 if rng.random() < 0.5 else 255
    return image


def save_png(page: Page, path: Path) -> Path:
    page.image.save(path, format="PNG", dpi=(DPI, DPI))
    return path


def save_pdf(pages: list[Page], path: Path) -> Path:
    """An image-only PDF (no text layer) of the pages, at 300 dpi, as a scanner writes one."""
    images = [p.image.convert("L") for p in pages]
    images[0].save(path, format="PDF", save_all=True, append_images=images[1:], resolution=DPI)
    return path


def save_tiff(pages: list[Page], path: Path, compression: str = "group4") -> Path:
    """A multi-page TIFF (bilevel, CCITT group 4, as archives store scans)."""
    images = [_bilevel(p.image) if compression == "group4" else p.image for p in pages]
    images[0].save(
        path, format="TIFF", save_all=True, append_images=images[1:], compression=compression, dpi=(DPI, DPI)
    )
    return path


def _bilevel(image: Image.Image) -> Image.Image:
    """Black and white at a fixed threshold, as a scanner's bilevel mode writes it (no dithering)."""
    return image.convert("L").point(lambda v: 255 if v > 160 else 0).convert("1", dither=Image.Dither.NONE)


def png_bytes(page: Page) -> bytes:
    out = io.BytesIO()
    page.image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def cer(expected: str, got: str) -> float:
    """Character error rate: edit distance (insertions, deletions, substitutions) over the expected length,
    whitespace runs counted as one space."""
    a, b = " ".join(expected.split()), " ".join(got.split())
    if not a:
        return float(bool(b))
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] / len(a)
