"""Answer rules on purpose-built corpora and the seed index: typos forgiven, disagreeing sources shown side by side."""

from __future__ import annotations

import pytest
from helpers import settings_for, write_corpus

AMNESTY_A = (
    "= Amnesty report =\n\n"
    "The amnesty of 1953 released 1,200,000 prisoners from the camps, according to the ministry's figures. "
    "Most of them had been convicted of ordinary crimes.\n"
)
AMNESTY_B = (
    "= Camp memoirs =\n\n"
    "The amnesty of 1953 released 1,000,000 prisoners from the camps, according to the survivors' society. "
    "Political prisoners were rarely among them.\n"
)


@pytest.fixture(scope="module")
def seed_assistant(seed_settings):
    from assistant import Assistant

    return Assistant.load(seed_settings.index_dir, seed_settings)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("When was Trotsky rehabilitaded?", "2001"),
        ("What did Khruschev denounce in his 1956 speech?", "Stalin"),
        ("How many victims did the Kazakstan commission rehabilitate?", "311,000"),
    ],
)
def test_a_misspelt_word_is_forgiven(seed_assistant, question, fact):
    answer = seed_assistant.ask(question)
    assert not answer.abstained, answer.text
    assert fact in " ".join(c.quote for c in answer.citations)


def test_sources_that_give_different_figures_are_both_quoted(tmp_path, encoder):
    from assistant import Assistant
    from assistant.index.build import build_index

    corpus = write_corpus(tmp_path / "corpus", {"a.md": AMNESTY_A, "b.md": AMNESTY_B})
    settings = settings_for(tmp_path, corpus)
    build_index(settings, encoder=encoder)
    answer = Assistant.load(settings.index_dir, settings).ask("How many prisoners did the amnesty of 1953 release?")
    quoted = " ".join(c.quote for c in answer.citations)
    assert not answer.abstained
    assert "1,200,000" in quoted and "1,000,000" in quoted
    assert {c.doc_id for c in answer.citations} == {"a", "b"}
    assert "sources differ" in answer.notice  # side by side, and the answer says they differ
