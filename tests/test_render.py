"""The page's pure parts: Markdown and HTML rendering, and feedback records (the page's rules: test_handlers.py)."""

from __future__ import annotations

import html
import json
import re
import threading
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from assistant.errors import AssistantError
from assistant.feedback import read_feedback, record_feedback, verdict_of
from assistant.types import Answer, Citation, Document
from assistant.web import render

DOC_TEXT = (
    "= Rehabilitation =\n\nIntro sentence here. Leon Trotsky (murdered in 1940) was rehabilitated on 16 June 2001 by Russia. "
    "Another sentence follows.\n\n== See also ==\n- A list item"
)
QUOTE = "Leon Trotsky (murdered in 1940) was rehabilitated on 16 June 2001 by Russia."
Q_START = DOC_TEXT.index(QUOTE)
PASSAGE_START = DOC_TEXT.index("Intro")
PASSAGE = DOC_TEXT[PASSAGE_START : DOC_TEXT.index("\n\n== See")]


def citation(
    n=1,
    quote=QUOTE,
    start=Q_START,
    title="Rehabilitation (Soviet)",
    section="Perestroika",
    passage=PASSAGE,
    passage_start=PASSAGE_START,
):
    return Citation(n, "doc", title, section, quote, passage, start, start + len(quote), 0.9, passage_start)


def cited_answer(**kw) -> Answer:
    return Answer("When was Trotsky rehabilitated?", f"{QUOTE} [1]", False, (citation(**kw),))


def markdown_text(source: str) -> str:
    """What a CommonMark renderer shows for `source`, as plain text, and whether it made any element but <p>."""
    out = MarkdownIt("commonmark").enable(["strikethrough", "table"]).render(source)
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", out)) - {"p", "br"}
    assert not tags, f"markdown made elements {tags} from {source!r}: {out!r}"
    return html.unescape(re.sub(r"</?p>", "", out)).strip()


# --- Markdown for chat messages ----------------------------------------------------------


def test_hostile_question_renders_as_its_own_text():
    q = "<img src=x onerror=window.__xss=1> <script>window.__xss=2</script> **bold** [link](http://e.x) ![i](http://e.x/i.png) `code` ~~gone~~ &lt;"
    assert markdown_text(render.question_markdown(q)) == q


@pytest.mark.parametrize(
    "line", ["# heading", "> quote", "- item", "+ item", "1. first", "2) second", "---", "=== x", "    indented code"]
)
def test_block_markup_at_line_start_stays_text(line):
    assert markdown_text(render.escape_markdown(line)) == line.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=80))
def test_any_one_line_question_renders_verbatim(q):
    expected = q.strip()
    got = markdown_text(render.question_markdown(q))
    # CommonMark folds runs of spaces only inside HTML display; compare the text itself
    assert got.replace("\u200b", "") == expected


def test_answer_keeps_markers_and_lists_sources_as_copyable_text():
    md = render.answer_markdown(cited_answer())
    assert md.startswith(f"{render.escape_markdown(QUOTE)} [1]")
    assert "Sources:\n[1] Rehabilitation (Soviet) — Perestroika" in md
    text = markdown_text(md.replace("\n", "  \n"))
    assert "[1] Rehabilitation (Soviet) — Perestroika" in text


def test_marker_followed_by_parenthesis_is_not_a_link():
    answer = Answer("q", "Text [1](http://evil.example)", False, (citation(),))
    out = MarkdownIt("commonmark").render(render.answer_markdown(answer))
    assert "<a " not in out


def test_refusal_looks_different_and_lists_further_reading():
    reading = (
        citation(n=1, section="Khrushchev Thaw"),
        citation(n=2, quote="Another sentence follows.", start=DOC_TEXT.index("Another")),
    )
    answer = Answer(
        "When was Bukharin rehabilitated?", "The sources here do not answer that question.", True, (), reading
    )
    md = render.answer_markdown(answer)
    assert md.startswith(f"#### {render.REFUSAL_HEADING}\n")
    assert "Sources:" not in md
    assert "- Rehabilitation (Soviet) — Khrushchev Thaw: “Leon Trotsky" in md
    assert "Another sentence follows.”" in md


def test_prompt_without_passages_is_plain_text_and_notice_is_shown():
    answer = Answer(
        "", "Please type a question.", True, notice="Your question was shortened to its first 1000 characters."
    )
    md = render.answer_markdown(answer)
    assert "####" not in md
    assert md.startswith("*Your question was shortened")
    assert md.endswith("Please type a question.")


def test_shorten_cuts_at_a_word():
    assert render.shorten("short") == "short"
    assert render.shorten("word " * 40, 20) == "word word word word…"


# --- HTML for the sources panel and the reader -------------------------------------------


def test_sources_panel_highlights_the_quote_by_offsets():
    out = render.sources_html(cited_answer())
    marks = re.findall(r'<mark class="quote" data-n="1">(.*?)</mark>', out)
    assert marks == [html.escape(QUOTE)]
    assert "Intro sentence here." in out and "Rehabilitation (Soviet)" in out and "Perestroika" in out
    assert 'data-index="0"' in out


def test_sources_panel_escapes_everything_from_sources():
    evil = "<img src=x onerror=alert(1)>"
    passage = f"Before {evil} after. {QUOTE}"
    c = Citation(
        1,
        "doc",
        f"Title {evil}",
        f"Section {evil}",
        QUOTE,
        passage,
        100,
        100 + len(QUOTE),
        0.5,
        100 - passage.index(QUOTE),
    )
    out = render.sources_html(Answer("q", f"{QUOTE} [1]", False, (c,)))
    assert "<img" not in out
    assert out.count("&lt;img src=x onerror=alert(1)&gt;") == 3


def test_wrong_offsets_fall_back_to_finding_the_quote():
    c = citation(start=0)  # offsets that do not point at the quote
    out = render.highlight(c.passage, [(c.start - c.passage_start, c.end - c.passage_start, c)])
    assert f'<mark class="quote" data-n="1">{html.escape(QUOTE)}</mark>' in out


def test_quotes_from_one_passage_share_a_card():
    second = citation(n=2, quote="Another sentence follows.", start=DOC_TEXT.index("Another"))
    answer = Answer("q", "x [1] y [2]", False, (citation(), second))
    out = render.sources_html(answer)
    assert out.count("<article") == 1
    assert "[1] [2]" in out
    assert len(re.findall(r"<mark ", out)) == 2


def test_further_reading_panel_says_it_is_not_an_answer():
    answer = Answer("q", "The sources here do not answer that question.", True, (), (citation(),))
    out = render.sources_html(answer)
    assert "Further reading" in out and "do not answer" in out
    assert 'class="source-card further"' in out


def test_empty_panel_before_any_answer():
    assert "appear here" in render.sources_html(None)


def test_document_view_marks_the_quote_in_the_whole_text():
    doc = Document("doc", "Title <b>", DOC_TEXT, "doc.txt", meta={"kind": "encyclopedia article"})
    out = render.document_html(doc, Q_START, Q_START + len(QUOTE), 1)
    assert f'<mark id="doc-quote" class="quote">{html.escape(QUOTE)}</mark>' in out
    assert "Title &lt;b&gt;" in out and "Encyclopedia article" in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out.split('class="doc-text">')[1])).replace("[1]", "") == DOC_TEXT


def test_long_document_shows_a_window_around_the_quote():
    text = "a" * 100_000 + QUOTE + "b" * 100_000
    doc = Document("doc", "Long", text, "long.txt")
    out = render.document_html(doc, 100_000, 100_000 + len(QUOTE), window=1000)
    assert 'id="doc-quote"' in out and "showing the part around the quote" in out
    assert len(out) < 2000


def test_document_view_with_bad_offsets_shows_text_without_a_mark():
    doc = Document("doc", "T", DOC_TEXT, "doc.txt")
    out = render.document_html(doc, 5, 10_000)
    assert "doc-quote" not in out and html.escape("Leon Trotsky") in out


# --- feedback -----------------------------------------------------------------------------


def test_feedback_records_question_answer_citations_verdict_and_time(tmp_path):
    path = tmp_path / "fb" / "feedback.jsonl"
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    record_feedback(path, cited_answer(), "like", when)
    record_feedback(path, cited_answer(), verdict_of(False))
    rows = read_feedback(path)
    assert [r["verdict"] for r in rows] == ["like", "dislike"]
    first = rows[0]
    assert first["time"] == "2026-01-02T03:04:05+00:00"
    assert first["question"] == "When was Trotsky rehabilitated?"
    assert first["answer"] == f"{QUOTE} [1]"
    assert first["citations"][0] == {
        "n": 1,
        "doc_id": "doc",
        "title": "Rehabilitation (Soviet)",
        "section": "Perestroika",
        "quote": QUOTE,
        "start": Q_START,
        "end": Q_START + len(QUOTE),
    }


def test_feedback_lines_stay_whole_under_concurrent_writers(tmp_path):
    path = tmp_path / "feedback.jsonl"
    answer = Answer("q" * 5000, "a" * 20000, False, (citation(),))
    threads = [
        threading.Thread(target=lambda: [record_feedback(path, answer, "like") for _ in range(10)]) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 80
    assert all(json.loads(line)["answer"] == "a" * 20000 for line in lines)


def test_verdicts():
    assert (verdict_of(True), verdict_of(False), verdict_of(""), verdict_of(None)) == (
        "like",
        "dislike",
        "cleared",
        "cleared",
    )


def test_unwritable_feedback_path_names_the_setting(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AssistantError, match="feedback_path"):
        record_feedback(blocker / "feedback.jsonl", cited_answer(), "like")
