"""Words paired across languages by the corpus's own human translations (assistant/lang/paired.py)."""

from __future__ import annotations

import random

from assistant.lang.paired import MIN_SENTENCES, paired_words


def _rows(pairs: list[tuple[str, str]], times: int, noise: int = 0) -> list[dict[str, frozenset[str]]]:
    rows = []
    for i in range(times):
        for en, ru in pairs:
            rows.append({"en": frozenset({en, f"x{i}"}), "ru": frozenset({ru, f"у{i % (noise or 1)}"})})
    return rows


def test_words_that_keep_meeting_in_aligned_sentences_are_paired_both_ways():
    found = paired_words(_rows([("rehabilit", "реабилитац"), ("camp", "лагер")], MIN_SENTENCES))
    assert found["rehabilit"] == {"реабилитац"} and found["реабилитац"] == {"rehabilit"}
    assert found["camp"] == {"лагер"} and "лагер" not in found["rehabilit"]


def test_words_met_together_too_seldom_are_not_paired():
    found = paired_words(_rows([("rehabilit", "реабилитац")], MIN_SENTENCES - 1))
    assert "rehabilit" not in found


def test_a_word_is_paired_only_with_its_best_companion_and_only_when_it_is_that_ones_best_too():
    # "stalin" is in every sentence: the frequent word is everybody's companion, but nobody's best
    rows = [
        {"en": frozenset({"stalin", word}), "ru": frozenset({"сталин", translation})}
        for word, translation in [("camp", "лагер"), ("war", "войн")] * MIN_SENTENCES
    ]
    found = paired_words(rows)
    assert found["stalin"] == {"сталин"} and found["camp"] == {"лагер"} and found["war"] == {"войн"}


def test_three_languages_are_paired_each_with_each():
    rows = [{"en": frozenset({"rehabilit"}), "ru": frozenset({"реабилитац"}), "kk": frozenset({"ақтау"})}]
    found = paired_words(rows * MIN_SENTENCES)
    assert found["ақтау"] == {"rehabilit", "реабилитац"}


def test_the_pairs_never_depend_on_the_order_of_the_sentences():
    rows = _rows([("rehabilit", "реабилитац"), ("camp", "лагер"), ("war", "войн")], MIN_SENTENCES + 1, noise=2)
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert paired_words(rows) == paired_words(shuffled)


def test_the_seed_corpus_translations_pair_rehabilitation_in_three_languages(assistant):
    found = assistant.paired_words
    assert {"ақтау", "реабилитац"} <= found["rehabilit"]
    assert "реабилитирова" in found["ақтал"]  # the Kazakh passive verb and the Russian one
