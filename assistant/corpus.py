"""Reading source files (.txt, .md, .html, .pdf, and scans: .png, .jpg, .tif) and their metadata into `Document`s.

The document text is the file's decoded text (for HTML and PDF: the visible text; for a scan, or a
PDF with pages that have no text layer: the text OCR read, see assistant.scan), and every
offset elsewhere points into it. Headings are found, not removed: wiki style `== Section ==`,
Markdown `#`, HTML `h1`-`h3`; a plain register with none has one section per entry (assistant.register).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from .errors import CorpusError
from .register import entry_headings, entry_sections
from .scan.images import IMAGE_SUFFIXES
from .types import Document, Section

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"} | IMAGE_SUFFIXES
METADATA_FILE = "sources.toml"
MAX_FILE_BYTES = 50_000_000

_WIKI_HEADING = re.compile(r"^(={1,6})[ \t]*(.+?)[ \t]*\1[ \t]*$", re.M)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


@dataclass(frozen=True)
class Skipped:
    """A file left out of the ingest, and why."""

    path: str
    reason: str  # in English, for the ingest's report
    code: str = field(default="", compare=False)  # a named reason (Unreadable.code, "no_text"): the console says it


class Unreadable(ValueError):
    """A file whose text cannot be read: an English message, and a `code` the console says in its own language."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every candidate source file under the corpus folder, in a stable order."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"Corpus folder {corpus_dir} does not exist; create it and add .txt, .md, .html or .pdf files.")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
        and p.name != METADATA_FILE
    )


def load_metadata(corpus_dir: Path) -> dict[str, dict]:
    """Per-file metadata from `sources.toml`, keyed by path relative to the corpus folder."""
    path = corpus_dir / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path} is not valid TOML ({exc}); fix it so titles and sources load.") from None


def load_document(path: Path, corpus_dir: Path, meta: dict | None = None, scans=None) -> Document | Skipped:
    """Read one file into a Document, or say why it was skipped.

    `scans` (an `assistant.scan.reader.ScanReader`) reads scanned images, and PDF pages without a text
    layer, by OCR; without one, an image is skipped and such a PDF gives only the text it has.
    """
    rel = path.relative_to(corpus_dir).as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        return Skipped(rel, f"unsupported file type '{suffix or 'none'}' (use .txt, .md, .html, .pdf, .png, .jpg or .tif)")
    try:
        size = path.stat().st_size
        if size == 0:
            return Skipped(rel, "empty file")
        if size > MAX_FILE_BYTES:
            return Skipped(rel, f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(rel, f"unreadable ({exc.strerror or exc})")
    try:
        if suffix in IMAGE_SUFFIXES or suffix == ".pdf":
            pages = _pdf_pages(data) if suffix == ".pdf" else None
            if pages is None or (scans is not None and not all(p.strip() for p in pages)):
                if scans is None:
                    return Skipped(rel, "a scanned image: OCR reads it when the index is built (`assistant ingest`)")
                return scans.document(path, rel, meta or {}, pages, data)
            text, headings = "\n\n".join(p.strip() for p in pages if p.strip()), []
        else:
            text = decode_text(data)
            if suffix in {".html", ".htm"}:
                text, headings = html_text(text)
            else:
                headings = find_headings(text)
    except ValueError as exc:
        return Skipped(rel, str(exc), getattr(exc, "code", ""))
    if not text.strip():
        return Skipped(rel, "no text in it", "no_text")
    meta = dict(meta or {})
    title = meta.get("title") or (headings[0][1] if headings else path.stem.replace("-", " "))
    doc_id = meta.get("id") or _slug(Path(rel).with_suffix("").as_posix())
    return Document(
        id=doc_id,
        title=title,
        text=text,
        path=rel,
        sections=document_sections(text, headings, title),
        meta=meta,
    )


def load_corpus(corpus_dir: Path, scans=None) -> tuple[list[Document], list[Skipped]]:
    """Load every file of the corpus; bad files are skipped with a reason, never fatal. `scans`: see load_document."""
    metadata = load_metadata(corpus_dir)
    documents, skipped = [], []
    for path in corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        result = load_document(path, corpus_dir, metadata.get(rel), scans)
        result = result if isinstance(result, Skipped) else with_language(result)
        (skipped if isinstance(result, Skipped) else documents).append(result)
    seen: dict[str, str] = {}
    for doc in list(documents):
        if doc.id in seen:
            documents.remove(doc)
            skipped.append(Skipped(doc.path, f"document id '{doc.id}' already used by {seen[doc.id]}"))
        seen.setdefault(doc.id, doc.path)
    return documents, skipped


def with_language(doc: Document) -> Document | Skipped:
    """The document with its language settled (sources.toml's, or the text's when it clearly says otherwise) in
    meta "language" and where that came from in meta "language_from"; skipped when written in a language we do
    not serve."""
    from .language import SUPPORTED, detect_text, settle_language

    found = detect_text(doc.text)
    language, source = settle_language(str(doc.meta.get("language") or ""), found)
    if language not in SUPPORTED:
        return Skipped(
            doc.path,
            f"written in '{language}' ({source}), not English, Russian or Kazakh, which the assistant serves; "
            "add it in (or with a translation into) one of those",
        )
    meta = doc.meta | {"language": language, "language_from": source, "mixed_script_words": found.mixed_words}
    return replace(doc, meta=meta)


def decode_text(data: bytes) -> str:
    """Decode bytes as UTF-8, else UTF-16 with a BOM, else cp1251 (Cyrillic) or cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise Unreadable("binary file (contains NUL bytes)", "binary_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise Unreadable("binary file (too many control characters)", "binary_file")
    return text


def _decode_legacy(data: bytes) -> str:
    """Pick cp1251 when it gives whole Cyrillic words, else cp1252 (its accents sit inside Latin words)."""
    cyrillic = data.decode("cp1251", errors="replace")
    non_ascii = [ch for ch in cyrillic if ord(ch) > 127]
    if non_ascii and sum(_is_cyrillic(ch) for ch in non_ascii) / len(non_ascii) > 0.6:
        # cp1252 accented letters all decode as Cyrillic too; "Café" becomes "Cafй", a mixed-script word
        letters = re.findall(r"[^\W\d_]+", cyrillic)
        pure = sum(len(w) for w in letters if all(map(_is_cyrillic, w)))
        mixed = sum(len(w) for w in letters if any(map(_is_cyrillic, w)) and not all(map(_is_cyrillic, w)))
        if pure > mixed:
            return cyrillic
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise Unreadable("undecodable text (not UTF-8, cp1251 or cp1252)", "undecodable_text") from None


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def find_headings(text: str) -> list[tuple[int, str, int, int]]:
    """Headings as (level, title, line start, line end), wiki `=` or Markdown `#` style."""
    found = [(len(m.group(1)), m.group(2).strip(), m.start(), m.end()) for m in _WIKI_HEADING.finditer(text)]
    found += [(len(m.group(1)), m.group(2).strip(), m.start(), m.end()) for m in _MD_HEADING.finditer(text)]
    return sorted((h for h in found if h[1]), key=lambda h: h[2])  # in document order


def document_sections(text: str, headings: list[tuple[int, str, int, int]], title: str) -> tuple[Section, ...]:
    """A text's sections: at its headings, or for a register with none, one per entry (assistant.register)."""
    entries = [] if headings else entry_headings(text)
    return entry_sections(text, entries, title) if entries else build_sections(text, headings, title)


def build_sections(text: str, headings: list[tuple[int, str, int, int]], title: str) -> tuple[Section, ...]:
    """Split a text into sections at its headings; each body starts after its heading line."""
    sections, stack = [], []
    first = headings[0][2] if headings else len(text)
    if text[:first].strip():
        sections.append(Section((title,), 0, first))
    for i, (level, name, _, line_end) in enumerate(headings):
        stack = [(lvl, n) for lvl, n in stack if lvl < level] + [(level, name)]
        end = headings[i + 1][2] if i + 1 < len(headings) else len(text)
        path = tuple(n for _, n in stack)
        if path[0] != title:
            path = (title, *path)
        sections.append(Section(path, min(line_end + 1, end), end))
    return tuple(s for s in sections if text[s.start : s.end].strip())


class _VisibleText(HTMLParser):
    """Collects the visible text of a page, a blank line between blocks, and its h1-h3 spans."""

    BLOCKS = {"p", "div", "br", "li", "tr", "td", "th", "section", "article", "header", "footer",
              "h1", "h2", "h3", "h4", "h5", "h6", "title", "ul", "ol", "table", "blockquote", "pre"}
    HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.length = 0
        self.hidden = 0
        self.need_break = False
        self.open_heading: tuple[int, int, int] | None = None  # (level, start offset, index of its first piece)
        self.headings: list[tuple[int, str, int, int]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.need_break = True
            if tag in {"h1", "h2", "h3"} and not self.hidden:
                self.open_heading = (int(tag[1]), -1, -1)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.need_break = True
            if self.open_heading and tag == f"h{self.open_heading[0]}":
                level, start, first = self.open_heading
                if start >= 0:  # join only the heading's own pieces: joining the whole text each time is quadratic
                    self.headings.append((level, "".join(self.pieces[first:]).strip(), start, self.length))
                self.open_heading = None

    def handle_data(self, data):
        if self.hidden:
            return
        piece = re.sub(r"\s+", " ", data)
        if self.need_break or not self.length:
            piece = piece.lstrip()
        if not piece:
            return
        if self.need_break and self.length:
            self._append("\n\n")
        self.need_break = False
        if self.open_heading and self.open_heading[1] < 0:
            self.open_heading = (self.open_heading[0], self.length, len(self.pieces))
        self._append(piece)

    def _append(self, piece: str):
        if piece == "\n\n" and self.pieces and self.pieces[-1].endswith(" "):
            stripped = self.pieces[-1].rstrip(" ")
            self.length -= len(self.pieces[-1]) - len(stripped)  # not a re-sum of every piece: that is quadratic
            self.pieces[-1] = stripped
        self.pieces.append(piece)
        self.length += len(piece)

    def text(self) -> str:
        return "".join(self.pieces)


def html_text(html: str) -> tuple[str, list[tuple[int, str, int, int]]]:
    """Visible text of an HTML page (scripts and styles dropped) and its h1-h3 headings."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text().rstrip(), [h for h in parser.headings if h[1]]


def _pdf_pages(data: bytes) -> list[str]:
    """The text layer of each page of a PDF ("" for a page without one)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("encrypted PDF: save a copy without a password and add that instead", "encrypted_pdf")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, KeyError, TypeError, AttributeError, IndexError, RecursionError, AssertionError) as exc:  # pypdf asserts on some damage
        raise Unreadable(f"unreadable PDF ({type(exc).__name__})", "damaged_pdf") from None
    return pages


def _slug(value: str) -> str:
    from anyascii import anyascii  # a Kazakh or Russian file name gets a readable id: Қарағанды -> qaraghandy

    return re.sub(r"[^a-z0-9]+", "-", anyascii(value).lower()).strip("-") or "document"
