"""Typo correction leaves real words alone (rule "spelt_right"): pure logic on a small vocabulary (pymorphy3 for
Russian, a stand-in for the English model's word list); and every registered rule can be switched off."""

from __future__ import annotations

import pytest

from assistant.text import terms
from assistant.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    {"сдела": 2, "врем": 3, "soviet": 4, "stalin": 3, "реабилитац": 5, "год": 4, "settl": 2, "meter": 1},
    10,
    model_knows=lambda word: word in {"society", "role", "set", "met"},  # the English model's word list, as a stand-in
)


def corrected(word: str, language: str, rule_on: bool = True) -> str:
    stem = terms(word, language)[0]
    spelt_right = VOCABULARY.dictionary_terms([word], language) if rule_on else frozenset()
    return VOCABULARY.corrected([stem], spelt_right)[0]


@pytest.mark.parametrize(
    ("word", "language", "kept", "before"),
    [
        ("сидело", "ru", "сидел", "сдела"),  # 'sat' is no misspelling of 'having done'
        ("городе", "ru", "город", "год"),  # 'city' is not 'year'
        ("society", "en", "societi", "soviet"),
    ],
)
def test_a_word_the_dictionary_knows_is_not_taken_for_a_typo(word, language, kept, before):
    assert corrected(word, language) == kept
    assert corrected(word, language, rule_on=False) == before  # what the rule changes


@pytest.mark.parametrize(
    ("word", "language", "meant"),
    [
        ("риабилитации", "ru", "реабилитац"),  # a real typo: no dictionary knows it
        ("stallin", "en", "stalin"),
        ("времени", "ru", "врем"),  # another form of the same word, sharing its whole start
    ],
)
def test_typos_and_other_forms_of_a_word_still_meet_the_corpus_term(word, language, meant):
    assert corrected(word, language) == meant


@pytest.mark.parametrize("word", ["set", "met"])
def test_a_three_letter_word_is_no_other_form_of_a_longer_one(word):
    assert corrected(word, "en") == word  # "set" is not "settled", "met" not "meters"


def test_every_registered_rule_is_asked_about_by_the_engine():
    """`assistant eval --ablate` switches each rule of RULES off: a name no module asks `enabled` about would
    measure nothing."""
    import re
    from pathlib import Path

    from assistant.rules import RULES

    package = Path(__file__).resolve().parents[1] / "assistant"
    asked_about = set()
    for path in package.rglob("*.py"):
        asked_about |= set(re.findall(r"enabled\(\s*[\w.]+,\s*\"(\w+)\"\s*\)", path.read_text(encoding="utf-8")))
    assert set(RULES) <= asked_about, sorted(set(RULES) - asked_about)
