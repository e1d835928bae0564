"""Chunks and sentences: verbatim offsets, sections kept apart, every chunk inside the model's window."""

from __future__ import annotations

import pytest
from helpers import SEED_CORPUS, check_coverage, check_offsets, check_token_limit, make_pdf, write_corpus

from assistant.chunking import (
    chunk_corpus,
    chunk_document,
    chunk_id,
    chunk_limit,
    embedded_text,
    section_prefix,
    split_sentences,
)
from assistant.config import Settings
from assistant.corpus import load_corpus
from assistant.index.read import load_index
from assistant.types import Document, Section

MARKDOWN = """# Gulag Returnees

Returnees came home after 1953. Many found their flats taken.

## Paperwork

A certificate of rehabilitation (spravka) was issued. It restored pension rights, e.g. years of work.
Dr. Ivanov signed many. J. Smith wrote about it in 1989.

## Paperwork Again

Repeated paragraph.

Repeated paragraph.
"""

WIKI = """= Memorial =
Memorial was founded in 1989.

== History ==
It collected the names of victims. It was closed in 2021!

=== Courts ===
Was the closure lawful? The court said yes.
"""

HTML = """<html><head><style>p{}</style></head><body>
<h1>Butovo</h1><p>Butovo firing range near Moscow.</p>
<h2>Victims</h2><p>More than 20,000 people were shot there in 1937 and 1938.</p>
<h3>Lists</h3><p>The lists were published.</p></body></html>"""


def chunked(doc: Document, encoder, settings: Settings | None = None):
    return chunk_corpus([doc], settings or Settings(), encoder)


def made_up_documents(tmp_path):
    folder = write_corpus(
        tmp_path / "c",
        {
            "returnees.md": MARKDOWN,
            "memorial.txt": WIKI,
            "butovo.html": HTML,
            "report.pdf": make_pdf(
                [["Rehabilitation report, page one.", "Cases were reviewed."], ["Page two lists 311,000 names."]]
            ),
        },
    )
    docs, skipped = load_corpus(folder)
    assert skipped == [] and len(docs) == 4
    return docs


# --- offsets, sections, coverage -------------------------------------------------------


def test_seed_corpus_chunks_round_trip(encoder):
    docs, _ = load_corpus(SEED_CORPUS)
    for doc in docs:
        chunks = chunked(doc, encoder)
        assert chunks
        check_offsets(doc, chunks)
        check_coverage(doc, chunks)
        check_token_limit(chunks, encoder)


def test_seed_chunks_carry_their_section_path(encoder):
    docs, _ = load_corpus(SEED_CORPUS)
    wiki = next(d for d in docs if d.id == "rehabilitation-soviet")
    chunks = chunked(wiki, encoder)
    thaw = [c for c in chunks if c.section == ("Rehabilitation (Soviet)", "Khrushchev Thaw")]
    assert thaw and any("mass amnesty" in c.text for c in thaw)
    assert not any("mass amnesty" in c.text for c in chunks if c not in thaw)
    assert embedded_text(thaw[0]).startswith("Rehabilitation (Soviet) > Khrushchev Thaw\n")


def test_stored_index_chunks_round_trip(seed_settings, encoder):
    data = load_index(seed_settings.index_dir)
    originals = {"kazakhstan-state-commission", "rehabilitation-soviet"}
    assert set(data.documents) == originals | {f"{d}-{lang}" for d in originals for lang in ("ru", "kk")}
    assert {c.doc_id for c in data.chunks} == originals  # translations are aligned, not chunked
    for doc_id, doc in data.documents.items():
        assert doc.text == (SEED_CORPUS / doc.path).read_text(encoding="utf-8")
        if doc_id not in originals:
            continue
        chunks = [c for c in data.chunks if c.doc_id == doc_id]
        check_offsets(doc, chunks)
        check_coverage(doc, chunks)
        check_token_limit(chunks, encoder)
    seed_originals = [d for d in load_corpus(SEED_CORPUS)[0] if d.id in originals]
    assert [c.id for c in data.chunks] == [c.id for c in chunk_corpus(seed_originals, seed_settings, encoder)]


def test_made_up_documents_round_trip(tmp_path, encoder):
    for doc in made_up_documents(tmp_path):
        chunks = chunked(doc, encoder)
        assert chunks, doc.path
        check_offsets(doc, chunks)
        check_coverage(doc, chunks)
        check_token_limit(chunks, encoder)


def test_chunks_never_span_two_sections(tmp_path, encoder):
    docs = {d.path: d for d in made_up_documents(tmp_path)}
    md = chunked(docs["returnees.md"], encoder)
    assert {c.section for c in md} == {
        ("Gulag Returnees",),
        ("Gulag Returnees", "Paperwork"),
        ("Gulag Returnees", "Paperwork Again"),
    }
    # small sections would fit one chunk together; they must still be cut apart
    assert not any("Returnees came home" in c.text and "certificate" in c.text for c in md)
    html = chunked(docs["butovo.html"], encoder)
    assert [c.section for c in html] == [("Butovo",), ("Butovo", "Victims"), ("Butovo", "Victims", "Lists")]
    assert html[1].text == "More than 20,000 people were shot there in 1937 and 1938."


def test_repeated_paragraphs_keep_their_own_offsets(encoder):
    text = "Repeated paragraph.\n\nRepeated paragraph.\nRepeated paragraph."
    doc = Document("rep", "Rep", text, "rep.txt", (Section(("Rep",), 0, len(text)),))
    chunks = chunk_document(doc, encoder.count_tokens, 5, 0)
    check_offsets(doc, chunks)
    check_coverage(doc, chunks)
    assert [c.start for c in chunks] == sorted({c.start for c in chunks})


@pytest.mark.parametrize("overlap", [0, 24])
def test_repetitive_text_loses_nothing(encoder, overlap):
    line = "Name, born 1900, shot 1937, rehabilitated 1957.\n"
    text = line * 200 + "Last line differs."
    doc = Document("rep", "Rep", text, "rep.txt", (Section(("Rep",), 0, len(text)),))
    chunks = chunk_document(doc, encoder.count_tokens, 64, overlap)
    check_offsets(doc, chunks)
    check_coverage(doc, chunks)
    assert chunks[-1].text.endswith("Last line differs.")


# --- the token limit -------------------------------------------------------------------


def _giant(encoder, body: str, heading: str = "Giant", settings: Settings | None = None):
    text = f"# {heading}\n\n{body}\n"
    doc = Document("giant", heading, text, "giant.md", (Section((heading,), len(heading) + 4, len(text)),))
    chunks = chunked(doc, encoder, settings)
    check_offsets(doc, chunks)
    check_coverage(doc, chunks)
    check_token_limit(chunks, encoder)
    return chunks


def test_giant_paragraph_without_punctuation_is_cut_to_fit(encoder):
    words = " ".join(f"word{i} rehabilitation commission archive" for i in range(800))
    chunks = _giant(encoder, words)
    assert len(chunks) > 10
    limit = chunk_limit(Settings(), encoder)
    assert all(encoder.count_tokens(c.text) <= limit for c in chunks)


def test_consecutive_pieces_of_one_paragraph_overlap(encoder):
    words = " ".join(f"word{i} rehabilitation commission archive" for i in range(300))
    chunks = _giant(encoder, words)
    assert all(b.start < a.end for a, b in zip(chunks, chunks[1:], strict=False))


@pytest.mark.parametrize(
    "body",
    [
        "x" * 20_000,  # one very long word
        "Before. " + "ab-" * 4_000 + " After.",  # a long run that splits into one word piece per character
        "Start " + "".join(chr(0x4E00 + i % 500) for i in range(3_000)) + " end.",  # CJK: a token per character
        "Before " + "https://example.org/" + "a1b2/" * 2_000 + " after.",
    ],
    ids=["long-word", "punctuation-run", "cjk-run", "long-url"],
)
def test_pathological_text_fits_the_window(encoder, body):
    assert _giant(encoder, body)


@pytest.mark.parametrize(
    "heading",
    ["한국 역사 " * 12, "Реабилитация жертв политических репрессий " * 3, "1.2.3.4.5.6.7.8.9 " * 8],
    ids=["hangul", "cyrillic", "punctuation"],
)
@pytest.mark.parametrize("chunk_tokens", [128, 400])
def test_long_section_heading_still_fits_the_window(encoder, heading, chunk_tokens):
    body = "Words of the section go on here, sentence after sentence. " * 120
    _giant(encoder, body, heading.strip(), Settings(chunk_tokens=chunk_tokens))


def test_section_prefix_is_bounded_in_word_pieces(encoder):
    for path in [("한국 역사 " * 40,), ("각." * 100,), ("A" * 500, "B"), ("…" * 300,)]:
        assert encoder.count_tokens(section_prefix(path) + "\n") <= 120
    assert section_prefix(("Rehabilitation (Soviet)", "Khrushchev Thaw")) == "Rehabilitation (Soviet) > Khrushchev Thaw"


# --- sentences -------------------------------------------------------------------------


def spans(text):
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentences_split_at_ends_but_not_abbreviations():
    text = 'Dr. Ivanov signed it, e.g. in 1956. J. Smith wrote later! Was it lawful? "Yes." The end'
    assert spans(text) == [
        "Dr. Ivanov signed it, e.g. in 1956.",
        "J. Smith wrote later!",
        "Was it lawful?",
        '"Yes."',
        "The end",
    ]


def test_line_breaks_end_sentences_and_offsets_hold():
    text = "  Heading line\nFirst sentence. Second one.\n\n  Indented third.  "
    assert spans(text) == ["Heading line", "First sentence.", "Second one.", "Indented third."]
    assert split_sentences(text, 15, 42) == [(15, 30), (31, 42)]


def test_russian_sentences_split():
    assert spans("Реабилитация началась в 1953 году. Её продолжили в 1991 году.") == [
        "Реабилитация началась в 1953 году.",
        "Её продолжили в 1991 году.",
    ]


def test_chunk_ids_are_stable_content_hashes():
    assert chunk_id("d", 0, 5, "hello") == chunk_id("d", 0, 5, "hello")
    assert len({chunk_id("d", 0, 5, "hello"), chunk_id("d", 1, 6, "hello"), chunk_id("e", 0, 5, "hello")}) == 3


@pytest.mark.parametrize(
    ("line", "own"),
    [
        ("- Date: 30 October", "Date: 30 October"),
        ("- Holiday Name: Remembrance Day", "Holiday Name: Remembrance Day"),
        ("• Дата: 30 октября", "Дата: 30 октября"),
        ("* Ашылған күні: 31 мамыр 2007", "Ашылған күні: 31 мамыр 2007"),
        ("- Rachel Messerer, actress, wife of executed diplomat Mikhail Plisetski", ""),  # a list's member
        ("- Sister of Marshal Tukhachevsky, wife of Avel Enukidze: and others", ""),  # no short label before the colon
        ("Date: 30 October", ""),  # no bullet: a line of prose
        ("- Date:", ""),  # a label with no value
    ],
)
def test_a_fact_box_field_is_a_bulleted_short_label_a_colon_and_a_value(line, own):
    from assistant.chunking import fact_field

    assert fact_field(line) == own


def test_a_fact_box_field_is_embedded_after_its_section_path_and_other_sentences_as_they_are():
    from assistant.chunking import embedded_sentence
    from assistant.types import Chunk, Sentence

    field, prose = Sentence("c", 0, 18, "- Date: 30 October"), Sentence("c", 19, 39, "The day is observed.")
    chunk = Chunk("c", "d", ("Remembrance Day",), 0, 39, "- Date: 30 October\nThe day is observed.", (field, prose))
    assert embedded_sentence(chunk, field) == "Remembrance Day: Date: 30 October"
    assert embedded_sentence(chunk, prose) == "The day is observed."
