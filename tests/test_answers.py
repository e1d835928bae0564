"""Answers on the real seed index: each question type, honest refusals, exact citation offsets, bad input,
and properties over the whole gold set and over random input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.question import question_type
from assistant.types import Answer

ROOT = Path(__file__).parents[1]
GOLD = [
    json.loads(line)
    for line in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
MARKER = re.compile(r" ?\[\d+\](?: |$)")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def assistant(seed_settings):
    from assistant import Assistant

    return Assistant.load(seed_settings.index_dir, seed_settings)


@pytest.fixture(scope="module")
def corpus_texts(assistant, seed_settings) -> dict[str, str]:
    """Each document's text, checked against its file as stored (offsets point into the file)."""
    texts = {}
    for doc in assistant.index.documents.values():
        path = Path(seed_settings.corpus_dir) / doc.path
        if path.suffix in (".txt", ".md"):
            assert path.read_text(encoding="utf-8") == doc.text, doc.path
        texts[doc.id] = doc.text
    return texts


def check_citations(assistant, answer: Answer) -> None:
    """Quotes and passages sit exactly at their offsets; the text is the quotes, each with its [n]."""
    for c in (*answer.citations, *answer.further_reading):
        text = assistant.document(c.doc_id).text
        assert text[c.start : c.end] == c.quote, c
        assert text[c.passage_start : c.passage_start + len(c.passage)] == c.passage, c
        offset = c.start - c.passage_start
        assert 0 <= offset and c.passage[offset : offset + len(c.quote)] == c.quote, c
        assert c.title == assistant.document(c.doc_id).title
    if answer.abstained:
        assert answer.citations == ()
    else:
        assert answer.citations
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        assert answer.text == " ".join(f"{c.quote} [{c.n}]" for c in answer.citations)
    json.dumps(answer.to_dict())


def answer_sentences(answer: Answer) -> list[str]:
    """The answer text cut at its [n] markers."""
    return [s for s in MARKER.split(answer.text) if s]


# --- each question type --------------------------------------------------------------

TYPED = [
    ("when", "When did Russia rehabilitate Leon Trotsky?", "16 June 2001"),
    ("how_many", "How many victims did Kazakhstan's State Commission rehabilitate?", "311,000"),
    ("who", "Who called for the rehabilitation of Yeghishe Charents?", "Mikoyan"),
    ("who", "Who advised Khrushchev on rehabilitations?", "Snegov"),
    ("where", "Where were ethnic groups deported under Stalin during World War II?", "Siberia"),
    ("why", "Why was rehabilitation often posthumous?", "executed"),
    ("why", "Why is the legal aspect of the Commission's work considered critical?", "restore justice"),
    ("what", "What is the State Commission doing from a legal standpoint?", "expunge unjust convictions"),
    ("what", "What was the title of Khrushchev's speech at the 20th Congress?", "On the Cult of Personality"),
]


@pytest.mark.parametrize("qtype, question, fact", TYPED, ids=[f"{t}-{f}" for t, _, f in TYPED])
def test_each_question_type_gets_the_right_fact(assistant, qtype, question, fact):
    assert question_type(question) == qtype
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    assert fact in answer.text
    assert any(fact in c.quote for c in answer.citations)
    assert answer.retrieval_query == question and answer.notice == ""
    check_citations(assistant, answer)


# --- honest refusals -----------------------------------------------------------------

OFF_TOPIC = ["What's the weather in Paris tomorrow?", "How do I bake sourdough bread?"]
ABSENT = ["When was Nikolai Bukharin rehabilitated?", "Who was Aleksandr Solzhenitsyn?"]


@pytest.mark.parametrize("question", OFF_TOPIC + ABSENT)
def test_questions_the_sources_do_not_answer_are_refused(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.citations == ()
    assert "do not answer" in answer.text
    assert "[1]" not in answer.text
    if question in ABSENT:
        assert answer.further_reading
    check_citations(assistant, answer)


# --- citations -----------------------------------------------------------------------


def test_citations_point_at_their_quotes_in_document_and_passage(assistant):
    answer = assistant.ask("Who advised Khrushchev on rehabilitations?")
    (c,) = answer.citations
    doc = assistant.document(c.doc_id)
    assert c.doc_id == "rehabilitation-soviet" and c.title == doc.title
    assert (
        c.quote
        == "On rehabilitations, both Mikoyan and Khrushchev were advised by former Gulag prisoners Alexei Snegov and Olga Shatunovskaya."
    )
    assert doc.text.index(c.quote) == c.start and c.end == c.start + len(c.quote)
    assert c.passage_start <= c.start and c.end <= c.passage_start + len(c.passage)
    check_citations(assistant, answer)


# --- properties over the gold set ----------------------------------------------------


@pytest.mark.parametrize("item", GOLD, ids=[i["id"] for i in GOLD])
def test_gold_answers_are_verbatim_and_exactly_cited(assistant, corpus_texts, item):
    history = []
    for question in [*item["history"], item["question"]]:
        answer = assistant.ask(question, history=list(history))
        check_citations(assistant, answer)
        if not answer.abstained:
            sentences = answer_sentences(answer)
            assert sentences == [c.quote for c in answer.citations]
            for sentence in sentences:
                assert any(sentence in text for text in corpus_texts.values()), sentence
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   ", "\n\t \r\n", "\x00\x1b\u200b", None])
def test_an_empty_question_gets_a_friendly_prompt(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and answer.citations == () and answer.further_reading == ()
    assert "question" in answer.text.lower()


def test_a_huge_question_is_shortened_and_still_handled(assistant):
    limit = assistant.settings.max_question_chars
    question = ("When did Russia rehabilitate Leon Trotsky? " * 3000)[:100_000]
    answer = assistant.ask(question)
    assert len(answer.question) <= limit
    assert "shortened" in answer.notice and str(limit) in answer.notice
    assert answer.text
    check_citations(assistant, answer)


def test_markup_and_control_characters_are_plain_text(assistant):
    answer = assistant.ask("When was <b>Trotsky</b>\x00 rehabilitated?\x07\x1b[31m")
    assert not CONTROL.search(answer.question)
    assert "<b>Trotsky</b>" in answer.question  # shown as typed, not interpreted
    assert not answer.abstained and "2001" in answer.text
    check_citations(assistant, answer)


def test_a_script_tag_never_reaches_the_answer(assistant):
    answer = assistant.ask("<script>alert('x')</script> When was Trotsky rehabilitated?")
    assert "<script>" not in answer.text
    assert "2001" in answer.text


def test_lone_surrogates_are_dropped_not_fatal(assistant):
    # JSON from a browser can carry "\ud800", which Python decodes to a lone surrogate the tokenizer rejects.
    answer = assistant.ask("When was Trotsky\ud800 rehabilitated?")
    assert "2001" in answer.text
    answer = assistant.ask(
        "Where?", history=[{"role": "user", "content": "Who called \udc80 for Charents' rehabilitation?"}]
    )
    assert isinstance(answer, Answer) and answer.text
    check_citations(assistant, answer)


@pytest.mark.parametrize("question", ["Когда реабилитировали Троцкого?", "Quand Trotsky a-t-il été réhabilité ?"])
def test_another_language_gets_an_answer_or_a_refusal(assistant, question):
    answer = assistant.ask(question)
    assert isinstance(answer, Answer) and answer.text
    check_citations(assistant, answer)


# --- random input never breaks ask() -------------------------------------------------

_pieces = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "So", "Mn"]), max_size=20),
    st.text(
        alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3
    ),  # lone surrogates, as a browser can send
    st.sampled_from(
        ["<b>", "</b>", "<script>alert(1)</script>", "&amp;", "**", "[1]", "[](http://x)", "```", "\\", "{{", "%s"]
    ),
    st.sampled_from(["When was Trotsky rehabilitated?", "who", "Where?", "Stalin", "311,000", "Когда", "réhabilité"]),
)
_questions = st.one_of(
    st.lists(_pieces, max_size=8).map("".join),
    st.tuples(st.text(min_size=1, max_size=12), st.integers(1_000, 20_000)).map(lambda t: t[0] * t[1]),  # very long
)
_histories = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system"]), "content": st.one_of(_questions, st.none())}
    ),
    max_size=4,
)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(question=_questions, history=_histories)
def test_random_input_never_breaks_ask(assistant, question, history):
    answer = assistant.ask(question, history=history)
    assert isinstance(answer, Answer)
    assert answer.text.strip()
    assert len(answer.question) <= assistant.settings.max_question_chars
    assert not CONTROL.search(answer.question)
    check_citations(assistant, answer)
