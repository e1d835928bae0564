"""Debian's `tesseract` command, one page per call: a PNG file in, TSV (words, boxes, confidences) on its stdout.

Why the command and not a Python binding (measured on these pages, see tests/test_scan_ocr.py's report):
pytesseract runs this same command (same CPU per page, same text), but only with the process's whole
environment, and Tesseract's OpenMP threads cost 3x the CPU and 3x the time on a busy 2-core machine
(0.29 s user with OMP_THREAD_LIMIT=1 against 0.88 s without, wall 1.3-1.7 s against 4.2-5.2 s), while
setting that limit for the whole process would also hold FAISS to one thread. tesserocr saves the model
load (0.29 against 0.42 CPU s a page) but its wheel bundles its own libtesseract instead of Debian's and
runs in the ingest's own process, where a page that hangs or crashes the engine cannot be timed out or
cancelled. A call here has its own environment and a timeout, and is killed when the curator cancels.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache

from ..errors import AssistantError

CODES = {"kk": "kaz", "ru": "rus", "en": "eng"}  # our language codes -> Tesseract's traineddata
DETECT_WITH = "kaz+eng"  # a first reading for a page of unknown language: Kazakh's model has every Cyrillic letter
# Letters Kazakh adds to the Russian alphabet: a Cyrillic page holding them is Kazakh.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
KAZAKH_SHARE = 0.02  # Kazakh prose has ~15% of its Cyrillic letters from that set, Russian none
MIN_LETTERS = 20  # fewer letters than this tell no language
INSTALL = "run `make ocr` (Debian: apt-get install tesseract-ocr tesseract-ocr-kaz tesseract-ocr-rus tesseract-ocr-eng)"


class OcrError(AssistantError):
    """Tesseract is missing, lacks a language, failed on a page, or was cancelled."""


class Cancelled(OcrError):
    """The curator cancelled a scan's reading."""


@dataclass(frozen=True)
class RawWord:
    """A word of Tesseract's TSV: text, box in the image's pixels, confidence, and its place in the layout."""

    text: str
    box: tuple[int, int, int, int]
    confidence: float
    block: int
    paragraph: int
    line: int


@lru_cache(maxsize=1)
def version() -> str:
    """Tesseract's version line ("tesseract 5.3.0"), part of every cache key; an error naming the fix if missing."""
    if shutil.which("tesseract") is None:
        raise OcrError(f"Tesseract is not installed, so scans cannot be read; {INSTALL}.")
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30, env=_env())
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0] if first else "tesseract"


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    version()
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, env=_env())
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def check_languages(models: str) -> None:
    """An error naming the package to install when a traineddata (e.g. "kaz") is missing."""
    missing = [m for m in models.split("+") if m not in installed_languages()]
    if missing:
        packages = " ".join(f"tesseract-ocr-{m}" for m in missing)
        raise OcrError(f"Tesseract lacks the language data {', '.join(missing)}; install {packages} ({INSTALL}).")


def recognise(png: bytes, models: str, dpi: int, timeout: float, cancelled=lambda: False) -> list[RawWord]:
    """The words Tesseract reads on one page image (PNG bytes) with the given models ("rus", "kaz+eng")."""
    check_languages(models)
    with tempfile.NamedTemporaryFile(prefix="ocr-", suffix=".png") as image:
        image.write(png)
        image.flush()  # a file, not stdin: communicate() cannot resume sending input after a timeout
        command = ["tesseract", image.name, "stdout", "-l", models, "--dpi", str(dpi), "--psm", "3", "tsv"]
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
        )
        started = time.monotonic()
        while True:
            try:
                out, err = proc.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if cancelled() or time.monotonic() - started > timeout:
                    proc.kill()
                    proc.communicate()
                    if cancelled():
                        raise Cancelled("cancelled") from None
                    raise OcrError(f"Tesseract took over {timeout:.0f} s on the page") from None
    if proc.returncode:
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"Tesseract failed on the page ({message[-1] if message else proc.returncode})")
    return parse_tsv(out.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[RawWord]:
    """Level-5 rows (words) of Tesseract's TSV with text, in reading order."""
    words = []
    for line in tsv.splitlines()[1:]:
        cells = line.split("\t", 11)
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        words.append(
            RawWord(
                cells[11].strip(),
                (left, top, left + width, top + height),
                max(0.0, float(cells[10])),
                int(cells[2]),
                int(cells[3]),
                int(cells[4]),
            )  # fmt: skip
        )
    return words


def language_of(text: str) -> str | None:
    """The language a page's text is in, by its letters: Latin -> en, Cyrillic with Kazakh letters -> kk, else ru."""
    latin = len(re.findall(r"[A-Za-z]", text))
    cyrillic = len(re.findall(r"[\u0400-\u04ff]", text))
    if latin + cyrillic < MIN_LETTERS:
        return None
    if latin > cyrillic:
        return "en"
    kazakh = sum(ch in KAZAKH_LETTERS for ch in text)
    return "kk" if kazakh >= KAZAKH_SHARE * cyrillic else "ru"


def _env() -> dict:
    """Tesseract's environment: one OpenMP thread (more cost 3x the CPU here), the C locale it asks for."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1", "LC_ALL": "C"}
