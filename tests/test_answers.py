"""Answers on the real seed index: each question type, honest refusals, exact citation offsets, bad input,
and properties over the whole gold set and over random input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.conversation import add_turn
from assistant.evaluation.gold import item_kind
from assistant.evaluation.kinds import kind_problems
from assistant.messages import message
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
    if answer.abstained or answer.kind == "smalltalk":  # a refusal and a small-talk reply quote nothing
        assert answer.citations == ()
    else:
        assert answer.citations
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        # a multi-part answer also names, in one of our fixed messages, each part the sources do not answer
        assert quoted_part(answer) == " ".join(f"{c.quote} [{c.n}]" for c in answer.citations)
    json.dumps(answer.to_dict())


def quoted_part(answer: Answer) -> str:
    """The answer text without our fixed "the sources do not say: <part>" messages (one per unanswered part)."""
    pieces = [answer.text]
    for part in getattr(answer, "unanswered", ()):
        said = message("part_unanswered", answer.language, part=part)
        pieces = [p for piece in pieces for p in piece.split(said)]
    return " ".join(p.strip(" ") for p in pieces if p.strip(" "))


def answer_sentences(answer: Answer) -> list[str]:
    """The answer's quoted text cut at its [n] markers."""
    return [s for s in MARKER.split(quoted_part(answer)) if s]


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


# --- the gold set, item by item ------------------------------------------------------

# Today's known failures, each with its cause: strict, so a fix (XPASS) or a new failure both show.
KNOWN_FAILURES = {  # what the engine does today (from `assistant eval`'s failure list)
    "q004": "false refusal of a typo-laden question ('whats', 'rehabilitaton')",
    "q015": "asked what the amnesty excluded: quotes whom it applied to",
    "q028": "asked which wave of repression: quotes the sentence on post-Soviet laws",
    "q040": "asked what the speech signalled: quotes the closed-session sentence without 'de-Stalinization'",
    "q063": "the answer stands only in the 'See also' line: quotes the laws sentence",
    "q070": "asked during what period: quotes the summary sentence",
    "q076": "asked what the initiative seeks to rectify: quotes the 'dark chapters' sentence",
    "q094": "follow-up 'what was it called?': quotes the Mikoyan sentence, not the speech's title",
    "q100": "follow-up 'And on the social side?': quotes the summary sentence",
    "q105": "two-part question: quotes the relocation sentence, not the Thaw",
    # Russian and Kazakh items the multilingual path gets wrong today
    "q129": "ru: false refusal",
    "q152": "ru: false refusal",
    "q162": "ru: false refusal",
    "q163": "ru: false refusal",
    "q168": "ru: missed refusal: quotes “Начиная с периода после смерти Иосифа Сталина в 19…”",
    "q211": "kk: false refusal",
    # issue 13's items (each scored as its kind asks), before the engine handles their kinds
    "q261": "list: list misses 11 March; quotes “In February 1954, Khrushchev ordered assessments o…”",
    "q272": "kk: overview: false refusal; refuses",
    "q301": "followup_why: quotes the 311,000 sentence again, as the earlier answer did",
    # issue 13 engine: answered before by luck, refused now by the answer-type checks
    "q097": "follow-up 'the second group' names no subject the check can find: refused (the date sentence names the Crimean Tatars)",
    "q158": "ru: 'О чём ... говорит огромное число' is now a what-question (it was read as how-many for 'число'): scores under the multilingual threshold, refused",
    "q205": "kk: how-many with several event words: the quantity sentence is not held as about them in the Kazakh translation's words; refused",
    "q305": "kk: follow-up 'Неге?': the first turn now quotes the exclusion sentence with the amnesty sentence beside it, so the reason (non-political articles) was already quoted and is not repeated",
    "q270": "ru: overview: with the originals shown beside the translations, only sentences fitting 800 chars are taken; 1 of 2 key points",
    "q277": "kk: multi-part: the first part's answer and its original fill the screen; the second part is left to ask separately (notice)",
    # issue 20: lost with the item-specific rules (RELATED table, seed-phrase reason and manner cues, country and
    # noun lists, single-word waivers); each now fails for the general reason given
    "q058": "where: 'by Russia' names the country without a preposition of place; issue 20 dropped the list of country names the place check read",
    "q060": "where (list): 'The modern Russian Federation and Ukraine' has no preposition of place; the country-name list went (issue 20)",
    "q085": "why: the reason cues copied from seed phrases ('affirm', 'reflects') went; the general causal cues find none in the best sentence",
    "q130": "ru: the verb asked ('выступил') stands in no sentence; the single-word waivers went, so the closed-session sentence is not held as about it",
    "q180": "kk why: the best sentence holds no general causal cue (the seed-phrase cues went); another reason sentence is quoted",
    "q197": "kk: the verb asked ('әшкереледі') stands in no sentence; without the waivers the date sentence is not held as about it",
    "q221": "kk: not diagnosed; lost with issue 20's general rules (answered before by an item-specific rule)",
    "q245": "ru near-topic: 'родился' is in no sentence, but the sentence names the poet and Charents twice over in two scripts; missed refusal",
    "q257": "kk near-topic: 'соғыс' and 'жер аударылды' are held by loosely related words (e5 word similarity 0.88); missed refusal",
    "q269": "ru overview: the topic's words are held only in part without the RELATED table; refused",
    "q276": "kk multi-part: one part is no longer answered (its verb stands in no sentence without the waivers)",
    "q280": "multi-part: one part is no longer answered under the general checks",
    "q290": "ru why: the reason cues copied from seed phrases ('accelerated', 'drove') went",
    "q296": "ru negation: the exception sentence ('excluded ...') does not win: 'excluded' was a seed-specific reason cue",
    "q299": "follow-up why: the cue that made the speech sentence a reason ('accelerated') was copied from it and went",
    "q300": "follow-up why: the general causal cues find none next to the previous answer",
    "q302": "ru follow-up why: as q299",
    "q303": "ru follow-up how: the manner cue copied from the seed ('restored') went",
}


def gold_params():
    for item in GOLD:
        marks = (
            [pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[item["id"]])] if item["id"] in KNOWN_FAILURES else []
        )
        yield pytest.param(item, id=item["id"], marks=marks)


def ask_turns(assistant, item) -> tuple[Answer | None, Answer]:
    """The answers to a gold item's last earlier turn (None without history) and to its question, as one conversation."""
    history: list[dict] = []
    earlier = None
    for question in item["history"]:
        earlier = assistant.ask(question, history=list(history))
        history = add_turn(history, question, earlier.text)
    return earlier, assistant.ask(item["question"], history=history)


@pytest.mark.parametrize("item", list(gold_params()))
def test_gold_item_is_answered_right_or_refused(assistant, item):
    previous, answer = ask_turns(assistant, item)
    kind = item_kind(item)
    if kind not in ("factoid", "unanswerable"):  # scored as its kind asks (evals/README.md, "Kinds")
        problems = kind_problems(item, answer, previous)
        assert not problems, f"{kind}: {'; '.join(problems)}; answer: {answer.text[:300]}"
        if kind == "smalltalk":
            assert answer.citations == () and not answer.abstained and answer.text.strip()
        if kind in ("near_topic_unanswerable",):
            assert answer.citations == ()
        return
    if not item["answerable"]:
        assert answer.abstained, f"should refuse, answered: {answer.text[:200]}"
        assert answer.citations == ()
        return
    assert not answer.abstained, f"should answer with one of {item['answers']}"
    # a translated quote counts with the original shown beside it (the gold answers are in the originals)
    quoted = " ".join(f"{c.quote} {c.original_quote}" for c in answer.citations).casefold()
    assert any(a.casefold() in quoted for a in item["answers"]), f"none of {item['answers']} in: {answer.text[:300]}"


@pytest.mark.parametrize("item", GOLD, ids=[i["id"] for i in GOLD])
def test_gold_answers_are_verbatim_and_exactly_cited(assistant, corpus_texts, item):
    history = []
    for question in [*item["history"], item["question"]]:
        answer = assistant.ask(question, history=list(history))
        if not answer.abstained and not answer.citations:  # small talk: a fixed reply of our own, nothing quoted
            assert getattr(answer, "kind", "smalltalk") == "smalltalk" and item_kind(item) == "smalltalk", answer.text
            history = add_turn(history, question, answer.text)
            continue
        check_citations(assistant, answer)
        if not answer.abstained:
            sentences = answer_sentences(answer)
            assert sentences == [c.quote for c in answer.citations]
            for sentence in sentences:
                assert any(sentence in text for text in corpus_texts.values()), sentence
        history = add_turn(history, question, answer.text)


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
