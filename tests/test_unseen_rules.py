"""The general rules on a tiny corpus of sentences the engine never saw (tests/data/mini, a document per language and
an English one with a fact box):
who / when / how many / how long, a number in words, a person named by apposition, a doer after "by", and honest
refusals when no sentence states the asked slot about the asked subject. Real model, real FAISS, real e5."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import settings_for

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture(scope="module")
def mini(tmp_path_factory, encoder):
    from assistant import Assistant
    from assistant.index.build import build_index

    root = tmp_path_factory.mktemp("mini")
    corpus = root / "corpus"
    shutil.copytree(MINI, corpus)
    settings = settings_for(root, corpus)
    build_index(settings, encoder=encoder)
    return Assistant.load(settings.index_dir, settings)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Who wrote the first history of the Steppe camp?", "Ivan Petrov"),  # a person named by apposition
        ("When was the Steppe labour camp founded?", "12 May 1934"),
        ("How many people passed through the camps of the region?", "two million"),  # a number in words
        ("How long was the last commandant's term?", "ten-year term"),  # a duration in words
        ("Who closed the Steppe camp?", "Supreme Soviet"),  # the doer after "by"
        ("How many books did Ivan Petrov write?", "12 novels"),  # a more specific noun (WordNet) is counted
        ("How many names are on the memorial stone of the camp?", "312"),  # "one of the 312": names are counted
        ("Who first chose the date of the day of remembrance?", "former prisoners"),  # "first": when, not which one
        # the reported verb is the event ("met"), held by a WordNet relative ("crossed paths")
        ("In which town did Ivan Petrov claim to have met the doctor of the camp?", "Omsk"),
        # a body, though "from NKVD prisons" makes NKVD a place
        ("Who forced the villagers of Ozerki to leave?", "NKVD forces"),
        ("Когда был основан лагерь «Озёрный»?", "3 марта 1938"),
        ("Сколько человек прошло через лагерь «Озёрный»?", "трёх тысяч"),
        ("Когда закрыли лагерь «Озёрный»?", "1954"),  # закрыть / закрыли: one dictionary form
        ("Ақкөл лагері қашан ашылды?", "1940"),
        # a fact box's field ("- Opened: 4 June 2003") is quoted, read as its box's title would read it
        ("When did the Lakeside memorial open?", "4 June 2003"),
        ("Ақкөл лагерінде қанша адам болды?", "бес мың"),
    ],
)
def test_a_fresh_document_answers_what_it_states(mini, question, fact):
    answer = mini.ask(question)
    assert not answer.abstained, answer.text
    assert fact in " ".join(c.quote for c in answer.citations), answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Who murdered the last commandant of the Steppe camp?",  # the sentences name him, not who murdered him
        "When did Ivan Petrov die?",  # he is named, his death is not
        "Кто убил Сергея Орлова?",
    ],
)
def test_a_near_topic_question_is_refused(mini, question):
    answer = mini.ask(question)
    assert answer.abstained, answer.text


def test_a_follow_up_verb_meets_its_synonym(mini):
    """A follow-up such as "Who set up this day?" leans on the earlier turn for its event, and its own noun anchors the verb's WordNet
    relatives ("set up" -> "established")."""
    first = "When was the camp's day of remembrance established?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": mini.ask(first).text}]
    answer = mini.ask("Who set up this day of remembrance?", history)
    assert not answer.abstained, answer.text
    assert "regional council" in " ".join(c.quote for c in answer.citations), answer.text


def test_other_languages_turns_add_places_to_an_english_questions_hits(mini):
    """With originals in three languages, an English question's ranking gives each language a turn; the other two
    languages' turns add places, so the English chunks keep the k places they had."""
    hits = mini.retrieve("When was the Steppe labour camp founded?", k=1)
    assert [h.chunk.doc_id for h in hits][:1] == ["steppe-camp"]
    assert len(hits) == 3 and {h.chunk.doc_id for h in hits} == {"steppe-camp", "ozyorny", "akkol"}
