"""Loading source files into Documents: formats, encodings, headings, and files that are skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SEED_CORPUS, make_pdf, write_corpus

from assistant.corpus import Skipped, corpus_files, decode_text, load_corpus, load_document
from assistant.errors import CorpusError

RUSSIAN = "Реабилитация жертв политических репрессий"


def load_one(tmp_path: Path, name: str, content: str | bytes, meta: dict | None = None):
    folder = write_corpus(tmp_path / "corpus", {name: content})
    return load_document(folder / name, folder, meta)


def section_text(doc, path):
    return [doc.text[s.start : s.end].strip() for s in doc.sections if s.path == path]


# --- the seed corpus -------------------------------------------------------------------


def test_seed_corpus_loads_with_titles_ids_and_sections():
    docs, skipped = load_corpus(SEED_CORPUS)
    assert skipped == []
    by_id = {d.id: d for d in docs}
    originals = {"kazakhstan-state-commission", "rehabilitation-soviet"}
    assert set(by_id) == originals | {f"{d}-{lang}" for d in originals for lang in ("ru", "kk")}
    assert {by_id[f"{d}-ru"].meta["translation_of"] for d in originals} == originals
    wiki = by_id["rehabilitation-soviet"]
    assert wiki.title == "Rehabilitation (Soviet)"
    assert wiki.text == (SEED_CORPUS / "rehabilitation-soviet.txt").read_text(encoding="utf-8")
    assert [s.path for s in wiki.sections] == [
        ("Rehabilitation (Soviet)",),
        ("Rehabilitation (Soviet)", "Khrushchev Thaw"),
        ("Rehabilitation (Soviet)", "Perestroika and post-Soviet states"),
        ("Rehabilitation (Soviet)", "See also"),
    ]
    thaw = section_text(wiki, ("Rehabilitation (Soviet)", "Khrushchev Thaw"))[0]
    assert thaw.startswith("The government started mass amnesty") and "== " not in thaw
    assert wiki.meta["licence"].startswith("If from Wikipedia")


def test_metadata_file_is_not_a_document(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": "Alpha text.", ".hidden/b.txt": "hidden", "sources.toml": ""})
    assert [p.name for p in corpus_files(folder)] == ["a.txt"]


# --- headings and sections -------------------------------------------------------------


def test_markdown_headings_become_nested_sections(tmp_path):
    text = "# Memorial\n\nIntro line.\n\n## Founding\n\nFounded in 1989.\n\n### Archive\n\nCards.\n\n## Closure\n\nClosed in 2021.\n"
    doc = load_one(tmp_path, "memorial.md", text)
    assert doc.title == "Memorial"
    assert [s.path for s in doc.sections] == [
        ("Memorial",),
        ("Memorial", "Founding"),
        ("Memorial", "Founding", "Archive"),
        ("Memorial", "Closure"),
    ]
    assert section_text(doc, ("Memorial", "Founding", "Archive")) == ["Cards."]
    assert section_text(doc, ("Memorial", "Closure")) == ["Closed in 2021."]


def test_wiki_headings_and_preamble_get_the_title(tmp_path):
    text = "Preamble before any heading.\n\n== Thaw ==\nBody one.\n=== Detail ===\nBody two.\n"
    doc = load_one(tmp_path, "x.txt", text, {"title": "Given Title", "id": "given"})
    assert doc.id == "given" and doc.title == "Given Title"
    assert [s.path for s in doc.sections] == [
        ("Given Title",),
        ("Given Title", "Thaw"),
        ("Given Title", "Thaw", "Detail"),
    ]
    assert section_text(doc, ("Given Title",)) == ["Preamble before any heading."]


def test_file_without_metadata_or_heading_is_titled_after_its_name(tmp_path):
    doc = load_one(tmp_path, "sub/gulag-returnees.txt", "Plain text with no heading.")
    assert doc.title == "gulag returnees" and doc.id == "sub-gulag-returnees" and doc.path == "sub/gulag-returnees.txt"


# --- HTML and PDF ----------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>Head title</title>
<style>body { color: red; }</style><script>var secret = "do not index";</script></head>
<body><nav><script>track()</script></nav>
<h1>Rehabilitation &amp; Memory</h1><p>Opening   paragraph
about the <b>Thaw</b>.</p>
<h2>Archives</h2><p>Files were opened in 1991.</p><noscript>enable js</noscript>
<h3>Regional</h3><ul><li>Tomsk</li><li>Perm</li></ul>
<h4>Minor heading</h4><p>Still regional.</p>
<h2>Law</h2><p>The law of 18 October 1991.</p></body></html>"""


def test_html_keeps_visible_text_only_and_h1_to_h3_sections(tmp_path):
    doc = load_one(tmp_path, "page.html", PAGE)
    for hidden in ("color: red", "secret", "track()", "enable js", "Head title"):
        assert hidden not in doc.text
    assert "Rehabilitation & Memory" in doc.text and "Opening paragraph about the Thaw." in doc.text
    assert doc.title == "Rehabilitation & Memory"
    assert [s.path for s in doc.sections] == [
        ("Rehabilitation & Memory",),
        ("Rehabilitation & Memory", "Archives"),
        ("Rehabilitation & Memory", "Archives", "Regional"),
        ("Rehabilitation & Memory", "Law"),
    ]
    regional = section_text(doc, ("Rehabilitation & Memory", "Archives", "Regional"))[0]
    assert "Tomsk" in regional and "Minor heading" in regional and "Still regional." in regional
    assert section_text(doc, ("Rehabilitation & Memory", "Law")) == ["The law of 18 October 1991."]


def test_pdf_text_of_every_page_is_loaded(tmp_path):
    pdf = make_pdf([["Page one (first).", "Rehabilitation began in 1953."], ["Page two: the law of 1991."]])
    doc = load_one(tmp_path, "report.pdf", pdf)
    assert "Rehabilitation began in 1953." in doc.text and "Page two: the law of 1991." in doc.text
    assert doc.text.index("Page one (first).") < doc.text.index("Page two")
    assert doc.sections and doc.sections[0].path == ("report",)


def test_damaged_pdf_is_skipped_with_a_reason(tmp_path):
    result = load_one(tmp_path, "broken.pdf", b"%PDF-1.4\n" + b"garbage " * 50)
    assert isinstance(result, Skipped)
    assert result.path == "broken.pdf"


# --- encodings -------------------------------------------------------------------------


def test_cp1251_russian_is_decoded(tmp_path):
    doc = load_one(tmp_path, "ru.txt", (RUSSIAN + ".\n").encode("cp1251"))
    assert doc.text == RUSSIAN + ".\n"


def test_cp1251_russian_among_english_is_decoded():
    text = "Rehabilitation (реабилитация, reabilitatsiya) began in 1953; «Мемориал» kept the records."
    assert decode_text(text.encode("cp1251")) == text


def test_utf16_with_bom_is_decoded(tmp_path):
    text = f"Rehabilitation: {RUSSIAN}.\n"
    doc = load_one(tmp_path, "u16.txt", text.encode("utf-16"))
    assert doc.text == text


def test_utf8_bom_is_dropped():
    assert decode_text("\ufeffHello".encode()) == "Hello"


def test_cp1252_western_text_is_not_mistaken_for_cyrillic():
    text = "Müller and Gérard met in Zürich; déjà vu — “the Thaw” began."
    assert decode_text(text.encode("cp1252")) == text


def test_short_cp1252_word_with_accents_is_not_mistaken_for_cyrillic():
    assert decode_text("Café".encode("cp1252")) == "Café"


# --- files that are skipped ------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty"),
        ("image.txt", bytes(range(256)) * 4, "binary"),
        ("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 20, "binary"),
        ("odd.txt", b"Text \x81 with \x98\x98\x98\x98 bytes", "undecodable"),
        ("notes.docx", b"PK\x03\x04 word file", "unsupported file type '.docx'"),
        ("README", b"no extension", "unsupported file type 'none'"),
        ("blank.md", b"   \n\n\t\n", "no text"),
        ("scripts.html", b"<html><script>only()</script></html>", "no text"),
    ],
)
def test_bad_file_is_skipped_with_its_reason(tmp_path, name, content, reason):
    result = load_one(tmp_path, name, content)
    assert isinstance(result, Skipped), result
    assert result.path == name and reason in result.reason


def test_unreadable_file_is_skipped(tmp_path, monkeypatch):
    folder = write_corpus(tmp_path / "c", {"good.txt": "Readable text.", "locked.txt": "secret"})
    if hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() != 0:
        (folder / "locked.txt").chmod(0)
    else:  # root reads anything: simulate the permission error
        original = Path.read_bytes

        def read_bytes(self):
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    docs, skipped = load_corpus(folder)
    assert [d.path for d in docs] == ["good.txt"]
    assert skipped == [Skipped("locked.txt", "unreadable (Permission denied)")]


def test_duplicate_document_id_is_skipped(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a/x.txt": "One.", "a-x.txt": "Two."})
    docs, skipped = load_corpus(folder)
    assert len(docs) == 1 and len(skipped) == 1
    assert "already used" in skipped[0].reason


def test_missing_corpus_folder_names_the_fix(tmp_path):
    with pytest.raises(CorpusError, match="does not exist; create it"):
        load_corpus(tmp_path / "nowhere")


def test_invalid_sources_toml_names_the_file(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": "Text.", "sources.toml": "[broken"})
    with pytest.raises(CorpusError, match="sources.toml is not valid TOML"):
        load_corpus(folder)
