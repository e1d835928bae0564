"""Follow-up questions: the rules that spot them (pure), then whole conversations on the seed index."""

from __future__ import annotations

import pytest

from assistant.conversation import earlier_questions, is_followup, resolve_query

# (question, leans on earlier turns?)
FOLLOWUP_RULES = [
    # elliptical: fewer than two content words
    ("Where?", True),
    ("Why?", True),
    ("When exactly?", True),
    ("Tell me more", True),
    ("releasd from where?", True),
    # opens with a connective
    ("And when could they return?", True),
    ("What about the Volga Germans?", True),
    ("So why did it happen?", True),
    ("Then what happened to the prisoners?", True),
    # refers back with a pronoun or demonstrative
    ("When was he rehabilitated?", True),
    ("Who called for his rehabilitation?", True),
    ("What was it called?", True),
    ("Were those nationalities ever rehabilitated?", True),
    ("What did the government start after that?", True),
    # stands alone: names its own subject
    ("How many victims did Kazakhstan's State Commission rehabilitate?", False),
    ("When was Leon Trotsky rehabilitated?", False),
    ("Who was Anastas Mikoyan?", False),
    ("When did Stalin die?", False),
    ("Where were ethnic groups deported under Stalin during World War II?", False),
    # ... even with "the" in it (an article, not "the latter" / "the former")
    ("Who called for the rehabilitation of Yeghishe Charents?", False),
    ("What happened to the Crimean Tatars?", False),
    ("What was the Great Purge?", False),
    ("Where did Mikoyan give the speech?", False),
    # ... with "former" as an adjective, "there" as in "there are", or a possessive of its own subject
    ("Which former Gulag inmate urged Khrushchev to denounce Stalin?", False),
    ("In which countries are there laws on rehabilitation?", False),
    ("When did Khrushchev deliver his speech denouncing Stalin?", False),
    # ... or is one name: a new subject, not an ellipsis
    ("Who was Trotsky?", False),
    ("", False),
    ("   ", False),
]


@pytest.mark.parametrize("question, expected", FOLLOWUP_RULES)
def test_is_followup(question, expected):
    assert is_followup(question) is expected


def _user(*questions: str) -> list[dict]:
    """Gradio-style history: each question followed by a placeholder answer."""
    turns = []
    for q in questions:
        turns += [{"role": "user", "content": q}, {"role": "assistant", "content": f"answer to {q}"}]
    return turns


CHARENTS = "Who called for the rehabilitation of Yeghishe Charents?"
TATARS = "What happened to the Crimean Tatars?"
KAZAKH = "How many victims did Kazakhstan's State Commission rehabilitate?"
TROTSKY = "When was Leon Trotsky murdered?"


@pytest.mark.parametrize(
    "history, question, expected",
    [
        ([], "Where?", "Where?"),  # a follow-up with nothing to lean on stays as it is
        (_user(CHARENTS), "Where?", f"{CHARENTS} Where?"),
        (_user(TATARS), "And when could they return?", f"{TATARS} And when could they return?"),
        (_user(TATARS), KAZAKH, KAZAKH),  # standalone: history ignored
        # only back to the last standalone question
        (_user(KAZAKH, TROTSKY), "When was he rehabilitated?", f"{TROTSKY} When was he rehabilitated?"),
        (_user(TROTSKY, "Why?"), "And when was he rehabilitated?", f"{TROTSKY} Why? And when was he rehabilitated?"),
        (_user(TROTSKY, "Why?", "Where?"), "And when?", "Why? Where? And when?"),  # at most two turns back
    ],
)
def test_resolve_query(history, question, expected):
    assert resolve_query(question, history) == expected


def test_earlier_questions_reads_only_the_users_text():
    history = [
        {"role": "user", "content": "  When did Stalin die?  "},
        {"role": "assistant", "content": "In 1953."},
        {"role": "user", "content": ""},
        {"role": "user", "content": None},
        {"role": "user", "content": [{"type": "file", "path": "x.png"}]},  # Gradio multimodal content
        ["user", "not a dict"],
        {"content": "no role"},
        {"role": "user", "content": "Who was Trotsky?"},
    ]
    assert earlier_questions(history) == ["When did Stalin die?", "Who was Trotsky?"]
    assert earlier_questions(None) == [] and earlier_questions([]) == []


# --- whole conversations on the seed index -------------------------------------------



def converse(assistant, questions: list[str], **overrides):
    """Ask the questions in order as one conversation, each seeing the real earlier answers."""
    a = assistant.with_settings(**overrides) if overrides else assistant
    history, answers = [], []
    for q in questions:
        answer = a.ask(q, history=list(history))
        answers.append(answer)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": answer.text}]
    return answers


@pytest.mark.parametrize(
    "turns, expected",
    [
        ([CHARENTS, "Where?"], "Yerevan"),
        ([TATARS, "And when could they return?"], "1990"),
        (["Who was Leon Trotsky?", "When was he rehabilitated?"], "2001"),
        ([TROTSKY, "and when was he rehabilitated?"], "16 June 2001"),
        (["Who was Anastas Mikoyan?", "where was he from?"], "Armenia"),
    ],
)
def test_followups_are_answered_from_the_history(assistant, turns, expected):
    *_, answer = converse(assistant, turns)
    assert not answer.abstained
    assert expected in answer.text
    assert answer.question == turns[-1]
    assert answer.retrieval_query.startswith(turns[0]) and answer.retrieval_query.endswith(turns[-1])


def test_a_followup_without_history_is_refused(assistant):
    answer = assistant.ask("Where?", history=[])
    assert answer.retrieval_query == "Where?"
    assert answer.abstained and answer.citations == ()


def test_followups_can_be_switched_off(assistant):
    *_, answer = converse(assistant, [CHARENTS, "Where?"], resolve_followups=False)
    assert answer.retrieval_query == "Where?"
    assert "Yerevan" not in answer.text


@pytest.mark.parametrize(
    "question, expected",
    [
        (KAZAKH, "311,000"),
        ("When did Russia rehabilitate Leon Trotsky?", "16 June 2001"),
        ("Who advised Khrushchev on rehabilitations?", "Snegov"),
        (CHARENTS, "Mikoyan"),
        ("Who was Mikoyan?", "Mikoyan"),
    ],
)
def test_standalone_questions_ignore_the_history(assistant, question, expected):
    *_, answer = converse(assistant, [TATARS, question])
    assert answer.retrieval_query == question
    assert not answer.abstained
    assert expected in answer.text
    assert "Tatars" not in answer.text


def test_a_huge_earlier_question_does_not_make_a_huge_query(assistant):
    limit = assistant.settings.max_question_chars
    huge = (CHARENTS + " ") * 2000  # about 110 000 characters, typed as the first question
    answer = assistant.ask("Where?", history=_user(huge))
    assert "Yerevan" in answer.text
    # the follow-up folds in at most two earlier questions, each held to the same limit as a question
    assert len(answer.retrieval_query) <= 3 * (limit + 1)
