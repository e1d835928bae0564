"""The page's pure parts: Markdown and HTML rendering, and feedback records (the page's rules: test_handlers.py)."""

from __future__ import annotations

import dataclasses
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
from assistant.web import i18n, render

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
    assert md.startswith(f"### {render.REFUSAL_HEADING}\n")  # an h3: the chat sits under its own h2
    assert "Sources:" not in md
    assert "- Rehabilitation (Soviet) — Khrushchev Thaw: “Leon Trotsky" in md
    assert "Another sentence follows.”" in md


def test_prompt_without_passages_is_plain_text_and_notice_is_shown():
    answer = Answer(
        "", "Please type a question.", True, notice="Your question was shortened to its first 1000 characters."
    )
    md = render.answer_markdown(answer)
    assert "###" not in md
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
    assert out.count("&lt;img src=x onerror=alert(1)&gt;") == 5  # title, section, passage, and the button's name
    assert 'aria-label="Read it in the whole document: [1] Title &lt;img src=x onerror=alert(1)&gt; — Section' in out


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


def test_a_section_that_is_the_documents_title_is_not_repeated():
    c = citation(section="Rehabilitation (Soviet)")
    assert render.source_line(c) == "Rehabilitation (Soviet)"
    out = render.sources_html(Answer("q", f"{QUOTE} [1]", False, (c,)))
    shown = re.sub(r'aria-label="[^"]*"', "", out)  # the button's name says it once more, for screen readers
    assert "source-section" not in out and shown.count("Rehabilitation (Soviet)") == 1


def test_empty_panel_before_any_answer():
    assert "appear here" in render.sources_html(None)


def test_document_view_marks_the_quote_in_the_whole_text():
    doc = Document("doc", "Title <b>", DOC_TEXT, "doc.txt", meta={"kind": "encyclopedia article"})
    out = render.document_html(doc, Q_START, Q_START + len(QUOTE), 1)
    assert f'<mark id="doc-quote" class="quote">{html.escape(QUOTE)}</mark>' in out
    assert "Title &lt;b&gt;" in out and "Encyclopedia article" in out
    shown = html.unescape(re.sub(r"<[^>]+>", "", out.split('class="doc-text"')[1].split(">", 1)[1]))
    # every character of the text but the wiki markup: the heading naming another title stays, as a heading
    assert shown.replace("[1]", "") == DOC_TEXT.replace("= Rehabilitation =\n", "Rehabilitation").replace(
        "== See also ==\n", "See also"
    )
    assert '<h4 class="doc-heading">Rehabilitation</h4>' in out and '<h4 class="doc-heading">See also</h4>' in out
    assert "==" not in out and 'tabindex="0" role="region" aria-label="Document text: Title &lt;b&gt;"' in out
    assert '<button class="close-reader" type="button">Close the document</button>' in out
    assert "Құжатты жабу" in render.document_html(doc, Q_START, Q_START + len(QUOTE), 1, language="kk")


def test_wiki_headings_become_headings_and_the_documents_own_title_is_not_repeated():
    text = "= Rehabilitation (Soviet) =\n\nIntro.\n\n== Khrushchev Thaw ==\nThaw text.\n=== Deeper ===\nMore.\n"
    doc = Document("doc", "Rehabilitation (Soviet)", text, "doc.txt")
    out = render.document_html(doc, text.index("Thaw text."), text.index("Thaw text.") + 10, 2)
    assert out.count("Rehabilitation (Soviet)") == 2  # the h3 title and the region's name, not a third time
    assert '<h4 class="doc-heading">Khrushchev Thaw</h4>' in out and '<h5 class="doc-heading">Deeper</h5>' in out
    assert '<mark id="doc-quote" class="quote">Thaw text.</mark>' in out and "=" not in re.sub(
        r'[a-z-]+="[^"]*"', "", out
    )
    # a quote that would cross a heading line keeps every character it quotes: that heading stays text
    crossing = render.document_html(doc, text.index("Intro."), text.index("Thaw text."), 1)
    assert "== Khrushchev Thaw ==" in crossing and "Deeper</h5>" in crossing


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


# --- the page's strings in three languages -------------------------------------------------

PLACEHOLDER = re.compile(r"{(\w+)}")


def test_every_string_exists_in_kazakh_russian_and_english():
    assert i18n.LANGUAGES == ("kk", "ru", "en")
    for key, by_language in i18n.STRINGS.items():
        assert set(by_language) == set(i18n.LANGUAGES), key
        assert all(isinstance(v, str) and v.strip() for v in by_language.values()), key
        english = set(PLACEHOLDER.findall(by_language["en"]))
        for language, text in by_language.items():
            assert set(PLACEHOLDER.findall(text)) - {"seconds_ru", "minutes_ru"} == english, (key, language)
    for key in i18n.STRINGS:  # the Russian and Kazakh are written, not copied from the English
        if key not in {"gr_like"} and not key.startswith(("seconds", "minutes", "one_minute")):
            assert i18n.STRINGS[key]["ru"] != i18n.STRINGS[key]["en"] != i18n.STRINGS[key]["kk"], key


def test_the_language_names_starters_and_kinds_cover_every_language():
    assert i18n.LANGUAGE_NAMES == {"kk": "Қазақша", "ru": "Русский", "en": "English"}
    assert render.language_choices() == [("Қазақша", "kk"), ("Русский", "ru"), ("English", "en")]
    assert set(i18n.STARTERS) == set(i18n.LANGUAGES)
    assert len({len(q) for q in i18n.STARTERS.values()}) == 1  # one starter button each, relabelled on a switch
    for kinds in i18n.KINDS.values():
        assert set(kinds) == set(i18n.LANGUAGES)
    assert set(i18n.GRADIO_DEFAULTS) == {k for k in i18n.STRINGS if k.startswith("gr_")}


def test_t_falls_back_to_english_and_fills_values():
    assert i18n.t("question_label", "ru", cap=300) == "Ваш вопрос (до 300 символов)"
    assert i18n.t("question_label", "de", cap=5) == i18n.t("question_label", "en", cap=5)
    assert i18n.t("question_label", None, cap=5) == "Your question (up to 5 characters)"


@pytest.mark.parametrize(
    ("seconds", "en", "ru", "kk"),
    [
        (60, "1 minute", "1 минуту", "1 минут"),
        (120, "2 minutes", "2 минуты", "2 минут"),
        (300, "5 minutes", "5 минут", "5 минут"),
        (90, "90 seconds", "90 секунд", "90 секунд"),
        (21, "21 seconds", "21 секунду", "21 секунд"),
        (6, "6 seconds", "6 секунд", "6 секунд"),
        (1260, "21 minutes", "21 минуту", "21 минут"),
        (660, "11 minutes", "11 минут", "11 минут"),
    ],
)
def test_durations_in_each_language(seconds, en, ru, kk):
    assert (i18n.duration(seconds, "en"), i18n.duration(seconds, "ru"), i18n.duration(seconds, "kk")) == (en, ru, kk)


def test_gradio_labels_map_every_known_label_to_its_key():
    table = i18n.gradio_labels()
    assert table["known"]["Clear"] == table["known"]["Очистить чат"] == table["known"]["Әңгімені тазарту"] == "gr_clear"
    assert table["labels"]["kk"]["gr_copy_message"] == "Хабарды көшіру"
    assert len(set(table["known"].values())) == len(i18n.GRADIO_DEFAULTS)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_page_text_is_all_in_one_language(language):
    text = render.page_text(language, kiosk=True, max_chars=300, idle_seconds=120)
    english = render.page_text("en", kiosk=True, max_chars=300, idle_seconds=120)
    assert text.language == language and text.starters == i18n.STARTERS[language]
    assert i18n.t("title_kiosk", language) in text.header and i18n.duration(120, language) in text.header
    assert f'lang="{language}"' in text.sources_empty
    for field in ("tab_title", "header", "chat_label", "question_label", "question_placeholder", "ask", "new_chat"):
        assert (getattr(text, field) != getattr(english, field)) == (language != "en"), field
    student = render.page_text(language, kiosk=False, max_chars=1000)
    assert i18n.t("help_student", language) in student.header and "1000" in student.question_label


# --- translations shown beside their originals ------------------------------------------------

RU_QUOTE = "Лев Троцкий (убит в 1940 году) был реабилитирован Россией 16 июня 2001 года."
RU_DOC = "= Реабилитация =\n\nВводное предложение. " + RU_QUOTE + " Ещё одно предложение."
RU_START = RU_DOC.index(RU_QUOTE)


def translated(n=1, reviewed=False, translator="project team", language="ru") -> Citation:
    return Citation(
        n,
        "doc-ru",
        "Реабилитация (СССР)",
        "Перестройка",
        RU_QUOTE,
        RU_QUOTE,
        RU_START,
        RU_START + len(RU_QUOTE),
        0.9,
        RU_START,
        language=language,
        translation=True,
        original_doc_id="doc",
        original_title="Rehabilitation (Soviet)",
        original_quote=QUOTE,
        original_start=Q_START,
        original_end=Q_START + len(QUOTE),
        translator=translator,
        reviewed=reviewed,
    )


def russian_answer(*citations, abstained=False) -> Answer:
    citations = citations or (translated(),)
    if abstained:
        return Answer("Когда?", "В этих источниках нет ответа.", True, (), citations, language="ru")
    return Answer("Когда?", " ".join(f"{c.quote} [{c.n}]" for c in citations), False, citations, language="ru")


def test_a_draft_translation_is_labelled_with_its_translator_and_the_original_beside_it():
    out = render.sources_html(russian_answer(), page="en")
    assert out.startswith('<div class="sources" lang="ru"><h2>Источники</h2>')  # the visitor's language, not the page's
    assert '<p class="translation-label draft">черновой перевод · перевод: project team</p>' in out
    assert f'<mark class="quote" data-n="1">{RU_QUOTE}</mark>' in out
    original = re.search(r'<div class="source-original"[^>]*>.*?</div>', out).group(0)
    assert f'data-doc="doc" data-start="{Q_START}" data-end="{Q_START + len(QUOTE)}"' in original
    assert '<cite lang="en">Rehabilitation (Soviet)</cite>' in original and "оригинал [1]" in original
    assert f'<blockquote class="original-quote" lang="en">{html.escape(QUOTE)}</blockquote>' in original
    assert out.index(RU_QUOTE) < out.index(html.escape(QUOTE))  # the translation first, its original beside it
    assert (
        'data-index="0" aria-label="Читать в полном документе: [1] Реабилитация (СССР) — Перестройка">'
        "Читать в полном документе</button>"
    ) in out
    assert (
        'data-index="0" data-original="1" aria-label="Читать оригинал: [1] Реабилитация (СССР) — Перестройка">'
        "Читать оригинал</button>"
    ) in out


def test_a_reviewed_translation_says_translation_and_an_original_has_no_label():
    out = render.sources_html(russian_answer(translated(reviewed=True, translator="")))
    assert '<p class="translation-label">перевод</p>' in out and "черновой" not in out
    english = render.sources_html(cited_answer(), page="ru")
    assert "translation-label" not in english and "source-original" not in english and "data-original" not in english
    assert english.startswith('<div class="sources" lang="en">') and "<h2>Sources</h2>" in english


def test_lang_attributes_mark_text_in_another_language_than_around_it():
    out = render.sources_html(russian_answer(), page="ru", languages={"doc": "en"})
    assert 'class="source-passage"' in out and 'class="source-passage" lang' not in out  # Russian in a Russian panel
    assert 'lang="en">' in out
    kept = render.sources_html(russian_answer(translated(language="en")), page="ru")  # a draft hidden: the original
    assert '<blockquote class="source-passage" lang="en">' in kept
    kazakh_original = render.sources_html(russian_answer(), languages={"doc": "kk"})
    assert '<blockquote class="original-quote" lang="kk">' in kazakh_original


def test_further_reading_in_russian_keeps_translations_labelled():
    out = render.sources_html(russian_answer(abstained=True), page="kk")
    assert "<h2>Для дальнейшего чтения</h2>" in out and "source-card further translated" in out
    assert "черновой перевод" in out and html.escape(QUOTE) in out


def test_chat_answer_is_the_visitors_sentences_with_markers_and_labelled_sources():
    md = render.answer_markdown(russian_answer(), page="en")
    assert md.startswith(render.escape_markdown(f"{RU_QUOTE}", keep_markers=True) + " [1]")
    assert "Источники:\n[1] Реабилитация (СССР) — Перестройка (черновой перевод)" in md
    assert QUOTE not in md  # the original is in the sources panel, not repeated in the chat
    refusal = render.answer_markdown(russian_answer(abstained=True), page="en")
    assert refusal.startswith("### В источниках не найдено\n")
    assert "Ближайшие отрывки для дальнейшего чтения" in refusal and "(черновой перевод)" in refusal
    other = Answer(
        "Wann?",
        "Извините, я понимаю вопросы только на казахском, русском или английском языке.",
        True,
        language="other",
    )
    assert render.answer_markdown(other, page="ru") == render.escape_markdown(other.text)
    assert render.labels_language(other, "kk") == "kk" and render.labels_language(None, "xx") == "en"


def test_the_reader_shows_a_translation_document_with_its_original_named():
    meta = {
        "kind": "encyclopedia article",
        "language": "ru",
        "translation_of": "doc",
        "translator": "project team",
        "reviewed": False,
    }
    doc = Document("doc-ru", "Реабилитация (СССР)", RU_DOC, "doc.ru.txt", meta=meta)
    out = render.document_html(
        doc, RU_START, RU_START + len(RU_QUOTE), 1, language="en", original_title="Rehabilitation (Soviet)"
    )
    assert out.startswith('<div class="doc" lang="en"><h3 lang="ru" class="doc-title">Реабилитация (СССР)</h3>')
    assert '<p class="doc-meta">Encyclopedia article</p>' in out
    assert (
        '<p class="doc-meta doc-translation draft">draft translation · translation by project team · '
        "original: <cite>Rehabilitation (Soviet)</cite></p>"
    ) in out
    assert (
        '<div lang="ru" class="doc-text" tabindex="0"' in out
        and f'<mark id="doc-quote" class="quote">{RU_QUOTE}</mark>' in out
    )
    russian = render.document_html(doc, RU_START, RU_START + len(RU_QUOTE), 1, language="ru", original_title="R")
    assert "Энциклопедическая статья" in russian and 'lang="ru" class="doc-text"' not in russian
    assert 'черновой перевод · перевод: project team · оригинал: <cite lang="en">R</cite>' in russian
    unknown = Document("x", "X", "text", "x.txt", meta={"kind": "memoir"})
    assert '<p class="doc-meta" lang="en">Memoir</p>' in render.document_html(unknown, 0, 0, language="kk")


def test_placeholders_and_notices_in_each_language():
    assert i18n.t("document_placeholder", "kk") in render.document_placeholder("kk")
    assert i18n.t("document_unavailable", "ru") in render.document_unavailable("ru")
    assert render.sources_html(None, page="kk").startswith('<div class="sources-empty" lang="kk"><h2>Дереккөздер</h2>')


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


# --- names and messages for screen readers ---------------------------------------------------------


def test_each_read_button_is_named_after_its_source_in_the_panels_language():
    two = Answer(
        "q", f"{QUOTE} [1] Another sentence follows. [2]", False,
        (citation(n=1, section="Perestroika"),
         citation(n=2, quote="Another sentence follows.", start=DOC_TEXT.index("Another"), section="Thaw",
                  passage="Another sentence follows.", passage_start=DOC_TEXT.index("Another"))),
    )  # fmt: skip
    names = re.findall(r'<button class="read-button"[^>]*aria-label="([^"]*)"', render.sources_html(two))
    assert names == [
        "Read it in the whole document: [1] Rehabilitation (Soviet) — Perestroika",
        "Read it in the whole document: [2] Rehabilitation (Soviet) — Thaw",
    ]
    russian = render.sources_html(dataclasses.replace(two, language="ru"), page="en")  # the visitor's language
    assert "Читать в полном документе: [1] Rehabilitation (Soviet) — Perestroika" in russian
    hostile = Answer("q", "x [1]", False, (citation(title='"><script>x</script>'),))
    assert "<script>" not in render.sources_html(hostile) and "&quot;&gt;&lt;script&gt;" in render.sources_html(hostile)


def test_notices_and_announcements_are_escaped_text_in_the_pages_language():
    assert render.notice_html("<b>Wait</b>", "ru") == '<p class="notice" lang="ru">&lt;b&gt;Wait&lt;/b&gt;</p>'
    assert render.notice_html("") == ""
    said = render.announcement(dataclasses.replace(cited_answer(), language="kk"), "en")
    # the answer, then what the sources panel now lists
    assert (
        said
        == f'<p lang="kk">Жауап: {html.escape(QUOTE)} [1] Дереккөздер: [1] Rehabilitation (Soviet) — Perestroika</p>'
    )
    refusal = Answer("q", "The sources here do not answer that question.", True, (), (citation(),), language="en")
    assert render.announcement(refusal, "kk") == (
        '<p lang="en">Answer: Not found in the sources. The sources here do not answer that question.'
        " Further reading: Rehabilitation (Soviet) — Perestroika</p>"
    )
    prompt = Answer("", "Please type a question.", True, language="en")
    assert render.announcement(prompt) == '<p lang="en">Answer: Please type a question.</p>'


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_page_text_has_its_new_controls_in_each_language(language):
    page = render.page_text(language, kiosk=True, max_chars=300)
    assert page.new_chat == i18n.t("start_again", language)
    assert render.page_text(language, kiosk=False, max_chars=300).new_chat == i18n.t("new_chat", language)
    assert i18n.t("confirm_clear", language) in page.confirm_text and page.confirm_yes and page.confirm_no
    assert page.chat_head == f'<h2 class="visually-hidden">{i18n.t("chat_label", language)}</h2>'
    assert page.to_sources == i18n.t("to_sources", language)
