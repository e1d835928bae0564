"""Related words (assistant/lang/related.py): which corpus words a question word's forms reach, and what that costs.

Pure logic over a small table of made-up unit vectors; the real e5 table is exercised by the answer tests."""

from __future__ import annotations

import numpy as np

from assistant.lang.related import NewWords, WordVectors


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


TABLE = {"shoot": _unit(1, 0, 0), "execute": _unit(0.95, 0.3, 0), "found": _unit(0, 1, 0), "begin": _unit(0.1, 1, 0)}
NEW = {"kill": _unit(1, 0.1, 0), "murder": _unit(0.9, 0.35, 0), "start": _unit(0, 1, 0.05)}


def _table(calls: list[str]) -> WordVectors:
    def encode(word: str) -> np.ndarray:
        calls.append(word)
        return NEW[word]

    return WordVectors(list(TABLE), np.stack(list(TABLE.values())), encode)


def test_table_words_reach_their_close_relatives_only():
    calls: list[str] = []
    table = _table(calls)
    assert table.related({"shoot"}, 0.9) == {"execute"}
    assert table.related({"found", "begin"}, 0.9) == frozenset()  # the forms themselves are not their relatives
    assert table.related({"found"}, 0.9) == {"begin"}
    assert table.related({"found"}, 0.999) == frozenset()
    assert calls == []  # words the table holds are never embedded


def test_a_new_word_is_embedded_once_in_its_shortest_form_then_remembered():
    calls: list[str] = []
    table = _table(calls)
    assert table.related({"kill", "killed", "x1"}, 0.9) == {"shoot", "execute"}
    assert table.related({"kill", "killed"}, 0.99) == {"shoot"}  # the other threshold reuses the vector
    assert calls == ["kill"]


def test_the_form_embedded_does_not_depend_on_set_order():
    # "start" and "begun" are equally short: the first alphabetically is embedded, in every process
    for forms in (["start", "begun"], ["begun", "start"]):
        calls: list[str] = []
        NEW["begun"] = NEW["start"]
        _table(calls).related(frozenset(forms), 0.9)
        assert calls == ["begun"]


def test_a_question_embeds_at_most_its_allowance_of_distinct_words():
    calls: list[str] = []
    table = _table(calls)
    allowance = NewWords(limit=2)
    assert table.related({"kill"}, 0.9, allowance) == {"shoot", "execute"}
    assert table.related({"kill"}, 0.99, allowance) == {"shoot"}  # the same word again is no new word
    assert table.related({"start"}, 0.9, allowance) == {"found", "begin"}
    assert table.related({"murder"}, 0.9, allowance) == frozenset()  # a third word is over the allowance
    assert sorted(calls) == ["kill", "start"]
    # the next question has its own allowance, and gets the same relatives whatever was asked before
    assert table.related({"murder"}, 0.9, NewWords(limit=2)) == {"shoot", "execute"}


# Across alphabets (WordVectors.across): "die" in English, "смерть" 'death' and "дело" 'case' in Russian, "кісі" a
# Kazakh word. "дело" is a hub: as close to "die" as "смерть" is, but closer still to "case", so "die" is not among its
# nearest Latin words and it is no translation of "die".
ACROSS = {
    "die": _unit(1, 0, 0, 0),
    "case": _unit(0.75, 0.66, 0, 0),
    "смерть": _unit(0.95, 0, 0.31, 0),
    "дело": _unit(0.9, 0.44, 0, 0),
    "кісі": _unit(0, 0, 0, 1),
}


def _across() -> WordVectors:
    return WordVectors(list(ACROSS), np.stack(list(ACROSS.values())))


def test_across_reaches_words_of_other_alphabets_only():
    table = _across()
    # a threshold alone: every word of another alphabet that reaches it, none of the form's own alphabet
    assert table.across({"die"}, 0.85, rank=0) == {"смерть", "дело"}
    assert table.across({"die"}, 0.99, rank=0) == frozenset()
    assert "case" not in table.across({"die"}, 0.5, rank=0)


def test_across_keeps_mutual_neighbours_and_drops_hubs():
    table = _across()
    # rank 1: "смерть" is die's nearest Cyrillic word and die its nearest Latin one; "дело" is nearer "case"
    assert table.across({"die"}, 0.85, rank=1) == {"смерть"}
    assert table.across({"дело"}, 0.85, rank=1) == {"case"}
    assert table.across({"смерть"}, 0.85, rank=1) == {"die"}
    assert table.across({"die"}, 0.97, rank=1) == frozenset()  # under the threshold, however near
