"""A curator's corrections of a scan's OCR text, kept beside the corpus and laid over the OCR words at ingest.

    corpus/.ocr-corrections/<file name>.json   {"file": sha256 of the scan, "by": who, "date": "YYYY-MM-DD",
                                               "pages": {"2": "the page's corrected text", ...}}

The corrected text becomes the document's text; `sources.toml` names its provenance
(`ocr = "OCR, corrected by …, date"`). A corrected page's words are matched to the OCR's by a word
diff: a word that did not change keeps its box (its confidence becomes 100: a person has read it),
a changed or added word has none. A correction made for another version of the file is not applied.
The folder's name starts with a dot, so the ingest never reads it as a document; the index's staleness
check hashes it (assistant.index.status), so a saved correction makes the index stale.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .layout import PageText, join_pages
from .records import ScanText

FOLDER = ".ocr-corrections"


@dataclass(frozen=True)
class Correction:
    file: str  # the sha256 of the scan it corrects
    by: str
    date: str
    pages: dict[int, str]

    @property
    def provenance(self) -> str:
        return f"OCR, corrected by {self.by}, {self.date}"


def correction_path(corpus_dir: Path, rel: str) -> Path:
    return Path(corpus_dir) / FOLDER / f"{rel}.json"


def load_correction(corpus_dir: Path, rel: str, file_hash: str) -> Correction | None:
    """The saved correction of a scan when there is one for this very file (its sha256), else None."""
    path = correction_path(corpus_dir, rel)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        correction = Correction(str(record["file"]), str(record["by"]), str(record["date"]),
                                {int(k): str(v) for k, v in record["pages"].items()})  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return correction if correction.file == file_hash else None


def correction_json(correction: Correction) -> str:
    return json.dumps(
        {"file": correction.file, "by": correction.by, "date": correction.date,
         "pages": {str(k): v for k, v in sorted(correction.pages.items())}},
        ensure_ascii=False, indent=1,
    )  # fmt: skip


def clean_page_text(text: str) -> str:
    """A page's text as a curator typed it: line endings unified, trailing spaces and edge blank lines dropped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def apply_correction(scan: ScanText, correction: Correction) -> ScanText:
    """The scan with each corrected page's text replaced, unchanged words keeping their boxes."""
    pages = []
    for page in scan.pages:
        own = [w for w in scan.words if w.page == page.number]
        read = PageText(scan.text[page.start : page.end],
                        tuple((w.start - page.start, w.end - page.start, w.box, w.confidence) for w in own))  # fmt: skip
        if page.number in correction.pages:
            read = corrected_page(read, clean_page_text(correction.pages[page.number]))
            page = replace(page, confidence=100.0 if read.words else page.confidence, words=len(read.words))
        pages.append((page, read))
    text, out_pages, words = join_pages(pages)
    return replace(scan, text=text, pages=out_pages, words=words, corrected=correction.provenance)


def corrected_page(read: PageText, text: str) -> PageText:
    """`text` with the OCR words of `read` that it kept unchanged (whitespace-separated tokens compared)."""
    old = [(m.start(), m.end()) for m in re.finditer(r"\S+", read.text)]
    new = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    matcher = difflib.SequenceMatcher(a=[read.text[a:b] for a, b in old], b=[text[a:b] for a, b in new], autojunk=False)
    kept = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            continue
        for (a, b), (c, _) in zip(old[i1:i2], new[j1:j2], strict=True):
            for s, e, box, _conf in read.words:  # the OCR words inside an unchanged token (one, or two a hyphen joined)
                if a <= s and e <= b:
                    kept.append((c + s - a, c + e - a, box, 100.0))
    return PageText(text, tuple(kept))
