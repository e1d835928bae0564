"""Hostile input for `Assistant.ask()` and the document loaders: no crash, sane results, no hang.

Hypothesis generates random Unicode, right-to-left and zero-width characters, control characters,
markup and binary data; hand-built cases add huge inputs, 10 000 nested tags and a 200-page PDF.
`ask()` must return an Answer (no exception of any kind), the loaders a Document or a Skipped.
Hangs and quadratic blow-ups (which take minutes) are caught by pytest-timeout, not by timing calls:
each test's own run (fixtures aside) is held to HANG_SECONDS, a whole Hypothesis run to FUZZ_SECONDS,
both far above the second or two they take, so they catch a hang without measuring speed.
"""

from __future__ import annotations

import json
import string

import pytest
from helpers import check_offsets, make_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.chunking import chunk_document, chunk_limit
from assistant.corpus import SUPPORTED, Skipped, decode_text, html_text, load_document
from assistant.index.read import load_index
from assistant.types import Answer, Document

HANG_SECONDS = 60  # one test of a few calls
FUZZ_SECONDS = 180  # one Hypothesis run of 40-60 examples
pytestmark = pytest.mark.timeout(HANG_SECONDS, func_only=True)
fuzz_bound = pytest.mark.timeout(FUZZ_SECONDS, func_only=True)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

QUESTIONS = [
    "When did Russia rehabilitate Leon Trotsky?",
    "How many victims has Kazakhstan's commission rehabilitated?",
    "what did khrushchev denounce",
    "Who was rehabilitated in 1988?",
]
RTL = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # direction marks and overrides
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"
CONTROLS = "".join(map(chr, range(32))) + "\x7f\x85\u2028\u2029"
SCRIPTS = "Реабилитация ترotsky عربي עברית 中文 日本語 한국어 ẞß İı ﬁ ǅ 𝔗𝔯𝔬𝔱𝔰𝔨𝔶 🤖🏳️‍🌈 ◌́ ◌̈ Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇"
MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=javascript:alert(1)>",
    "[click](javascript:alert(1))",
    "![x](http://example.com/x.png)",
    "**bold** _it_ `code` ~~s~~ # heading\n> quote\n- list",
    "$$\\frac{1}{0}$$",
    "{{7*7}} ${7*7} %s %n %(x)s",
    "'; DROP TABLE vectors; --",
    "&lt;b&gt; &#x3C;script&#x3E; &amp;amp;",
    "<" * 50 + ">" * 50,
]

hostile_chars = st.sampled_from(RTL + ZERO_WIDTH + CONTROLS + SCRIPTS + "<>&\"'`\\[](){}#*_~|")
# any code point, lone surrogates too (JSON can carry "\ud800"); st.text() would filter surrogates out
any_char = st.characters() | st.characters(categories=["Cs"])
any_text = st.lists(any_char, max_size=400).map("".join)


@st.composite
def hostile_questions(draw) -> str:
    """A real question with junk spliced in, or pure junk, or markup."""
    kind = draw(st.sampled_from(["spliced", "junk", "markup", "any"]))
    if kind == "any":
        return draw(any_text)
    if kind == "junk":
        return draw(st.text(hostile_chars, max_size=300))
    if kind == "markup":
        return draw(st.sampled_from(QUESTIONS)) + " " + draw(st.sampled_from(MARKUP))
    text = list(draw(st.sampled_from(QUESTIONS)))
    for _ in range(draw(st.integers(1, 20))):
        text.insert(draw(st.integers(0, len(text))), draw(hostile_chars))
    return "".join(text)


history_messages = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant"]), "content": st.one_of(hostile_questions(), any_text)}
    ),
    max_size=8,
)


@pytest.fixture(scope="module")
def assistant(seed_settings, encoder):
    from assistant import Assistant

    return Assistant(load_index(seed_settings.index_dir, encoder.model_id), encoder, seed_settings)


def check_answer(assistant, answer) -> None:
    """A well-formed Answer: strings and flags, real quotes, JSON-serialisable for the API."""
    assert isinstance(answer, Answer)
    assert isinstance(answer.text, str) and answer.text.strip()
    assert isinstance(answer.abstained, bool) and isinstance(answer.notice, str)
    if answer.kind == "smalltalk":  # a greeting or thanks in kind: our words, nothing quoted
        assert not answer.citations, answer
    elif not answer.abstained:
        assert answer.citations
    for c in answer.citations + answer.further_reading:
        document = assistant.document(c.doc_id)
        assert document.text[c.start : c.end] == c.quote
        assert document.text[c.passage_start : c.passage_start + len(c.passage)] == c.passage
    json.dumps(answer.to_dict())


# --- ask() -----------------------------------------------------------------------------


@fuzz_bound
@settings(FUZZ, max_examples=40)  # each example is a real retrieval: keep the run short
@given(question=hostile_questions(), history=history_messages)
def test_ask_survives_hostile_questions_and_histories(assistant, question, history):
    check_answer(assistant, assistant.ask(question, history=history))


@pytest.mark.parametrize("noise", ["Р𝔗", "𝔗𝔥𝔞𝔫𝔨𝔰", "xQ", "ÐŸÑ€Ð¸Ð²ÐµÑ‚"])
def test_noise_is_never_taken_for_small_talk(assistant, noise):
    """Hypothesis found "Р𝔗" answered with a greeting: its MiniLM vector sits near "hello". Noise holds no word of
    ours (lang/served.py), so it is never small talk by meaning."""
    answer = assistant.ask(noise)
    check_answer(assistant, answer)
    assert answer.kind != "smalltalk", answer


@pytest.mark.parametrize("char", ["\ud800", "\udfff", "\udc80"], ids=["high", "low", "escaped-byte"])
def test_ask_survives_lone_surrogates(assistant, char):
    """JSON allows "\\ud800", so an API client can send a lone surrogate; the tokenizer cannot encode it."""
    check_answer(assistant, assistant.ask(f"When did Russia {char}rehabilitate Leon Trotsky?"))
    check_answer(assistant, assistant.ask("When?", history=[{"role": "user", "content": f"Trotsky {char}"}]))


@pytest.mark.parametrize(
    "question",
    [
        "a" * 1_000_000,
        "Trotsky " * 200_000,
        "\u200b" * 1_000_000,
        "<div>" * 100_000 + "When was Trotsky rehabilitated?" + "</div>" * 100_000,
        ("\u202e" + "When was Trotsky rehabilitated? ") * 10_000,
        "".join(chr(c) for c in range(0x20, 0x3000) if chr(c).isprintable()) * 3,
        "\x00\x01\x02\x1b[31m\x7f" * 10_000,
        "e\u0301" * 200_000,  # combining accents, grows under NFC and shrinks again
    ],
    ids=["1MB-a", "repeated-word", "zero-width", "nested-markup", "rtl-override", "all-bmp", "controls", "combining"],
)
def test_ask_survives_huge_questions(assistant, question):
    answer = assistant.ask(question)
    check_answer(assistant, answer)
    assert len(answer.question) <= assistant.settings.max_question_chars


def test_ask_survives_a_huge_history(assistant):
    history = [{"role": r, "content": "Trotsky " * 20_000} for r in ["user", "assistant"] * 500]
    check_answer(assistant, assistant.ask("And when was he rehabilitated?", history=history))


@pytest.mark.parametrize(
    "history",
    [
        None,
        [],
        [{}],
        [{"role": "user"}],
        [{"role": "user", "content": None}],
        [{"role": "system", "content": "x"}],
        ["just a string"],
    ],
    ids=["none", "empty", "empty-dict", "no-content", "none-content", "system-role", "string-item"],
)
def test_ask_survives_malformed_history(assistant, history):
    check_answer(assistant, assistant.ask("When was Trotsky rehabilitated?", history=history))


def test_injected_markup_is_never_part_of_an_answer(assistant):
    """Answers quote sources only; the question's markup appears nowhere but in the echoed question."""
    for markup in MARKUP:
        answer = assistant.ask(f"When did Russia rehabilitate Leon Trotsky? {markup}")
        check_answer(assistant, answer)
        assert markup not in answer.text and "<script" not in answer.text.lower()


# --- the loaders -----------------------------------------------------------------------


def check_document(result, encoder) -> None:
    """A Document whose sections and chunks all point into its text, or a Skipped with a reason."""
    if isinstance(result, Skipped):
        assert isinstance(result.reason, str) and result.reason
        return
    assert isinstance(result, Document) and result.text.strip()
    last = 0
    for section in result.sections:
        assert 0 <= section.start <= section.end <= len(result.text)
        assert section.start >= last
        last = section.end
    chunks = chunk_document(result, encoder.count_tokens, chunk_limit_for(encoder), 24)
    check_offsets(result, chunks)


def chunk_limit_for(encoder) -> int:
    from assistant.config import Settings

    return chunk_limit(Settings(), encoder)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-files")


def write_and_load(folder, name: str, data: bytes):
    path = folder / name
    path.write_bytes(data)
    try:
        return load_document(path, folder)
    finally:
        path.unlink()


def encodings_of(text: str) -> st.SearchStrategy[bytes]:
    def encode(codec):
        return text.encode(codec, errors="replace") if codec != "utf-8" else text.encode("utf-8", "surrogatepass")

    return st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1251", "cp1252", "latin-1"]).map(encode)


text_bodies = st.one_of(
    st.lists(any_char, max_size=3000).map("".join),
    st.text(hostile_chars | st.sampled_from(string.printable), max_size=3000),
    st.lists(
        st.sampled_from(
            ["== Head ==\n", "# Title\n", "### x\n", "\n\n", "Sentence one. ", "Mr. Smith? ", "\u202e", "\u200b"]
        ),
        max_size=200,
    ).map("".join),
)


@fuzz_bound
@FUZZ
@given(data=st.data(), suffix=st.sampled_from(sorted(SUPPORTED)))
def test_loaders_survive_random_text_in_any_encoding(data, suffix, fuzz_dir, encoder):
    text = data.draw(text_bodies)
    raw = data.draw(encodings_of(text))
    check_document(write_and_load(fuzz_dir, f"doc{suffix}", raw), encoder)


@fuzz_bound
@FUZZ
@given(raw=st.binary(max_size=5000), suffix=st.sampled_from(sorted(SUPPORTED) + [".TXT", ".bin", ""]))
def test_loaders_survive_binary_data_under_any_name(raw, suffix, fuzz_dir, encoder):
    check_document(write_and_load(fuzz_dir, f"data{suffix}", raw), encoder)


@fuzz_bound
@FUZZ
@given(raw=st.binary(max_size=5000))
def test_decode_text_returns_text_or_says_why_not(raw):
    try:
        text = decode_text(raw)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(text, str)


tags = st.sampled_from(
    ["div", "p", "h1", "h2", "h3", "span", "script", "style", "table", "li", "pre", "br", "svg", "b"]
)


@st.composite
def html_documents(draw) -> str:
    """Random nesting of tags, text, entities and broken markup."""
    parts = []
    for _ in range(draw(st.integers(0, 60))):
        choice = draw(st.integers(0, 6))
        if choice == 0:
            parts.append(f"<{draw(tags)}>")
        elif choice == 1:
            parts.append(f"</{draw(tags)}>")
        elif choice == 2:
            parts.append(draw(st.text(hostile_chars | st.sampled_from(string.ascii_letters + " .?"), max_size=40)))
        elif choice == 3:
            parts.append(
                draw(
                    st.sampled_from(
                        [
                            "&amp;",
                            "&#0;",
                            "&#x110000;",
                            "&nbsp;",
                            "&bogus;",
                            "&#9999999999;",
                            "<!--",
                            "-->",
                            "<![CDATA[",
                            "<!DOCTYPE html>",
                            "<?xml?>",
                        ]
                    )
                )
            )
        elif choice == 4:
            parts.append(draw(st.sampled_from(MARKUP)))
        elif choice == 5:
            parts.append(f'<{draw(tags)} class="{draw(st.text(max_size=10))}" onload=x>')
        else:
            parts.append(draw(any_text))
    return "".join(parts)


@fuzz_bound
@FUZZ
@given(page=html_documents())
def test_html_text_survives_random_markup(page, fuzz_dir, encoder):
    text, headings = html_text(page)
    assert isinstance(text, str)
    for level, title, start, _ in headings:
        assert level in (1, 2, 3) and title and 0 <= start <= len(text)
    check_document(write_and_load(fuzz_dir, "page.html", page.encode("utf-8", "surrogatepass")), encoder)


def heading_pages(n: int) -> str:
    return "".join(f"<h2>Part {i}</h2><p>Text of part {i}. </p>" for i in range(n))


@pytest.mark.slow
@pytest.mark.parametrize(
    "page",
    [
        "<div>" * 10_000 + "Deep text." + "</div>" * 10_000,
        "<div>" * 10_000 + "Never closed.",
        "".join(f"<div>level {i} " for i in range(10_000)) + "</div>" * 10_000,
        "".join(f"<p>Paragraph {i} ends with a space. </p>" for i in range(40_000)),
        heading_pages(20_000),
        "<table>" + "<tr><td>cell</td></tr>" * 50_000 + "</table>",
        "<b>" * 50_000 + "Bold text.",
        "<script>" * 10_000 + "hidden" + "</script>" * 10_000 + "<p>shown</p>",
    ],
    ids=[
        "10k-nested-divs",
        "10k-unclosed",
        "10k-nested-with-text",
        "40k-paragraphs",
        "20k-headings",
        "50k-cells",
        "50k-bold",
        "10k-scripts",
    ],
)
def test_huge_and_deeply_nested_html_loads_in_bounded_time(page, fuzz_dir, encoder):
    result = write_and_load(fuzz_dir, "huge.html", page.encode("utf-8"))
    assert isinstance(result, Document)
    last = 0
    for section in result.sections:
        assert last <= section.start <= section.end <= len(result.text)
        last = section.end


def test_html_headings_match_the_text_they_label():
    """The fast heading bookkeeping keeps every heading's offsets on its own text."""
    text, headings = html_text("<h1>Top </h1><p>a </p><h2> Mid <br> part </h2>x<h3>Low</h3><p>end </p>")
    assert [h[1] for h in headings] == ["Top", "Mid\n\npart", "Low"]
    for _, title, start, end in headings:
        assert text[start:end].strip() == title


@pytest.mark.slow
def test_a_200_page_pdf_loads_every_page(fuzz_dir, encoder):
    pdf = make_pdf(
        [[f"Page {p} of the register.", f"Entry {p}: rehabilitated in {1950 + p % 40}."] for p in range(200)]
    )
    result = write_and_load(fuzz_dir, "register.pdf", pdf)
    assert isinstance(result, Document)
    assert "Page 0 of the register." in result.text and "Page 199 of the register." in result.text
    check_document(result, encoder)


@fuzz_bound
@FUZZ
@given(data=st.data())
def test_damaged_pdfs_are_skipped_not_fatal(data, fuzz_dir, encoder):
    """Random byte edits of a valid PDF: pypdf may choke in many ways, the loader only ever skips."""
    pdf = bytearray(make_pdf([["Rehabilitation of victims.", "Second line."], ["Page two."]]))
    for _ in range(data.draw(st.integers(1, 12))):
        if not pdf:
            break
        kind = data.draw(st.integers(0, 3))
        at = data.draw(st.integers(0, len(pdf) - 1))
        if kind == 0:
            pdf[at] = data.draw(st.integers(0, 255))
        elif kind == 1:
            del pdf[at : at + data.draw(st.integers(1, 50))]
        elif kind == 2:
            pdf[at:at] = data.draw(
                st.sampled_from(
                    [b"<<", b">>", b"[", b"]", b"0 0 R", b"/Kids [1 0 R]", b"999999999", b"-1", b"stream", b"endobj"]
                )
            )
        else:
            pdf = pdf[:at]
    check_document(write_and_load(fuzz_dir, "broken.pdf", bytes(pdf)), encoder)


@pytest.mark.parametrize(
    "pdf",
    [
        b"%PDF-1.4\n" + b"[" * 100_000,
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF",
        b"%PDF-1.4\n1 0 obj\n<< /Type /Pages /Kids [1 0 R] /Count 1 >>\nendobj\ntrailer\n<< /Root << /Pages 1 0 R >> >>\n%%EOF",
        b"%PDF-" + b"\x00" * 10_000,
    ],
    ids=["100k-brackets", "self-referencing-pages", "cyclic-kids", "nul-bytes"],
)
def test_pathological_pdfs_are_skipped(pdf, fuzz_dir, encoder):
    check_document(write_and_load(fuzz_dir, "evil.pdf", pdf), encoder)
