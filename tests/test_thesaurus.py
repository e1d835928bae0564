"""English verb relatives from Debian's WordNet (assistant/lang/thesaurus.py): the real wordnet-base files, which
`make test` installs; a missing package is reported, never a crash."""

import logging
from pathlib import Path

from assistant.answer.evidence import verb_relatives
from assistant.lang.thesaurus import read_wordnet, thesaurus


def test_a_verb_meets_its_synonyms_and_more_specific_verbs():
    t = thesaurus()
    assert t is not None, "Debian's wordnet-base is not installed: apt-get install wordnet-base (make test does)"
    assert {"execute", "assassinate"} <= t.relatives("kill")  # hyponyms: ways to kill
    assert "execute" in t.relatives("murder")
    assert {"convey", "fetch"} <= t.relatives("brought")  # an irregular form is read as its lemma
    assert "reject" in t.relatives("turn", "down")  # a phrasal verb with its particle
    assert "reject" not in t.relatives("turn")


def test_more_general_verbs_and_rarer_senses_are_not_relatives():
    t = thesaurus()
    assert "continue" not in t.relatives("head")  # "head" (go forward) is a way to continue, not the other way
    assert "follow" not in t.relatives("succeed")  # a rarer sense of succeed
    assert t.relatives("blorptangle") == frozenset()


def test_a_more_general_verb_counts_where_that_is_its_own_first_sense():
    t = thesaurus()
    assert {"choose", "select"} <= t.relatives("pick")  # pick's first sense is a way to choose, choose's first sense
    assert "continue" not in t.relatives("head")  # head -> (proceed, go forward, continue): not continue's first sense


def test_a_question_verb_gets_its_relatives_less_light_verbs():
    found = verb_relatives("When did the Supreme Court turn down the petition?", {"turn"}, thesaurus())
    assert "reject" in found["turn"]
    brought = verb_relatives("From where were the prisoners brought?", {"brought"}, thesaurus())
    assert "convey" in brought["brought"] and "take" not in brought["brought"]  # "take" says no event


def test_a_counted_noun_meets_the_more_specific_nouns_of_its_senses():
    nouns = thesaurus(pos="noun")
    assert "publication" in nouns.relatives("work", senses=99)  # work (a product) -> publication
    assert "publication" not in nouns.relatives("work")  # not a hyponym of its first sense (an activity)
    assert {"novel", "volume"} <= nouns.relatives("book", senses=99)
    assert "book" not in nouns.relatives("victim", senses=99)


def test_without_wordnet_the_engine_reads_on_and_says_why(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert read_wordnet(tmp_path) is None
    assert "apt-get install wordnet-base" in caplog.text


def test_a_word_of_the_language_is_told_from_a_string_of_keys():
    from assistant.lang.thesaurus import english_word

    assert all(english_word(w) for w in ("hairdressers", "reorganised", "hayfields", "characterise", "worked"))
    assert not any(english_word(w) for w in ("asdfgh", "qwerty", "blorptangle"))
    assert english_word("hairdresser", Path("/nonexistent")) is None  # WordNet not installed


def test_with_russian_originals_an_english_dictionary_word_the_sources_lack_is_not_what_refuses(seed_settings):
    """An English question about a Russian original: 'hairdresser' stands there translated (парикмахер), so its
    absence from the English sources is no reason to refuse; a string of keys still is."""
    from assistant import Assistant
    from assistant.answer.refusal import _english_dictionary

    vocabulary = Assistant.load(seed_settings.index_dir, seed_settings).vocabulary
    question = "Which woman worked as a hairdresser in Bratsk?"
    assert vocabulary.is_specific("hairdresser", question)  # English originals only: a rare word the corpus lacks
    dictionary = _english_dictionary(seed_settings)
    assert not vocabulary.is_specific("hairdresser", question, dictionary=dictionary)
    assert vocabulary.is_specific("asdfghjk", "what is asdfghjk", dictionary=dictionary)
