"""Small builders shared by the foundation tests: corpora on disk, a hand-written PDF, checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assistant.chunking import embedded_text
from assistant.config import Settings
from assistant.index.layout import CURRENT
from assistant.types import Chunk, Document

ROOT = Path(__file__).parents[1]
SEED_CORPUS = ROOT / "corpus"


def write_corpus(folder: Path, files: dict[str, str | bytes], seed: bool = False) -> Path:
    """A corpus folder holding the given files (text is written as UTF-8), optionally on top of the seed."""
    if seed:
        shutil.copytree(SEED_CORPUS, folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def settings_for(root: Path, corpus: Path, **overrides) -> Settings:
    """Settings with every written path under root; the index mechanics tests leave out the multilingual
    vectors (their counts are of one model's vectors) unless they pass multilingual_model themselves."""
    overrides = {"multilingual_model": "", **overrides}
    return Settings(corpus_dir=corpus, index_dir=root / "index", cache_dir=root / "cache").with_overrides(**overrides)


def _pdf_string(line: str) -> str:
    return "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF, one page per list of lines, Helvetica text drawn with Tj."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        body = "BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"{_pdf_string(line)} Tj T*" for line in lines) + " ET"
        objects.append(f"<< /Length {len(body.encode('latin-1'))} >>\nstream\n{body}\nendstream")
        content = len(objects)
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def check_offsets(document: Document, chunks: list[Chunk]) -> None:
    """Every chunk and sentence is the document text at its offsets, inside the chunk's own section."""
    for chunk in chunks:
        assert document.text[chunk.start : chunk.end] == chunk.text, chunk
        assert chunk.text.strip() == chunk.text and chunk.text
        for sentence in chunk.sentences:
            assert document.text[sentence.start : sentence.end] == sentence.text, sentence
            assert chunk.start <= sentence.start < sentence.end <= chunk.end
            assert sentence.chunk_id == chunk.id
        spans = [(s.start, s.end) for s in document.sections if s.path == chunk.section]
        assert any(a <= chunk.start and chunk.end <= b for a, b in spans), (chunk.section, chunk.start, chunk.end)


def check_coverage(document: Document, chunks: list[Chunk]) -> None:
    """No text of a section is lost: every non-space character lies in some chunk."""
    covered = bytearray(len(document.text))
    for chunk in chunks:
        covered[chunk.start : chunk.end] = b"\x01" * (chunk.end - chunk.start)
    for section in document.sections:
        lost = [i for i in range(section.start, section.end) if not covered[i] and not document.text[i].isspace()]
        assert not lost, f"{section.path}: text at {lost[:5]} is in no chunk: {document.text[lost[0] : lost[0] + 40]!r}"


def check_token_limit(chunks: list[Chunk], encoder) -> None:
    """What the model reads for each chunk fits in its window, [CLS] and [SEP] included."""
    limit = encoder.max_seq_length - 2
    for chunk in chunks:
        assert encoder.count_tokens(embedded_text(chunk)) <= limit, (chunk.section, chunk.start, chunk.end)


# --- ways to damage an index: each takes (live build folder, index folder) ------------------


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit_manifest(build: Path, change) -> None:
    manifest = json.loads((build / "manifest.json").read_text())
    change(manifest)
    (build / "manifest.json").write_text(json.dumps(manifest))


DAMAGE = {
    "truncated dense.faiss": lambda b, i: _truncate(b / "dense.faiss"),
    "bit-flipped dense.faiss": lambda b, i: _flip(b / "dense.faiss"),
    "truncated chunks.jsonl": lambda b, i: _truncate(b / "chunks.jsonl"),
    "bit-flipped chunks.jsonl": lambda b, i: _flip(b / "chunks.jsonl"),
    "bit-flipped documents.jsonl": lambda b, i: _flip(b / "documents.jsonl"),
    "bit-flipped sentences.npy": lambda b, i: _flip(b / "sentences.npy"),
    "truncated bm25 vocabulary": lambda b, i: _truncate(b / "bm25" / "vocab.index.json"),
    "bit-flipped bm25 matrix": lambda b, i: _flip(b / "bm25" / "data.csc.index.npy"),
    "missing sentences.npy": lambda b, i: (b / "sentences.npy").unlink(),
    "missing bm25 folder": lambda b, i: shutil.rmtree(b / "bm25"),
    "extra file": lambda b, i: (b / "notes.txt").write_text("left here by hand"),
    "truncated manifest": lambda b, i: _truncate(b / "manifest.json"),
    "manifest not an object": lambda b, i: (b / "manifest.json").write_text("[1, 2]"),
    "manifest without model": lambda b, i: _edit_manifest(b, lambda m: m.pop("model")),
    "manifest with bad checksums": lambda b, i: _edit_manifest(b, lambda m: m.update(checksums=["x"])),
    "manifest with wrong counts": lambda b, i: _edit_manifest(b, lambda m: m["counts"].update(chunks=1)),
    "wrong format version": lambda b, i: _edit_manifest(b, lambda m: m.update(format_version=99)),
    "CURRENT names nothing": lambda b, i: (i / CURRENT).write_text("build-that-never-was\n"),
    "CURRENT empty": lambda b, i: (i / CURRENT).write_text(""),
    "CURRENT points outside": lambda b, i: (i / CURRENT).write_text("../elsewhere\n"),
    "CURRENT not text": lambda b, i: (i / CURRENT).write_bytes(b"\xff\xfe\x00garbage"),
    "build folder deleted": lambda b, i: shutil.rmtree(b),
    "CURRENT missing": lambda b, i: (i / CURRENT).unlink(),
}
