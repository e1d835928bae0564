"""The language room: every word list and pattern is data, each saying which fact of its language it records."""

from __future__ import annotations

import re
import tomllib

import pytest

from assistant.lang import DATA, LANGUAGES, lexicon

KINDS = ("words", "phrases", "pattern")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_says_which_fact_of_the_language_it_records(language):
    with open(DATA / f"{language}.toml", "rb") as f:
        entries = tomllib.load(f)
    assert entries
    for name, entry in entries.items():
        assert isinstance(entry, dict), name
        fact = entry.get("fact", "")
        assert len(fact.split()) >= 5, f"[{name}] needs a `fact` line saying what it records"
        values = {k: v for k, v in entry.items() if k not in ("fact", "case_sensitive")}
        assert values, f"[{name}] holds nothing"
        if not any(k in values for k in KINDS):  # a table of named patterns (question kinds, small talk)
            assert all(isinstance(v, str) for v in values.values()), name
            continue
        assert len([k for k in KINDS if k in values]) == 1, f"[{name}] holds one of {KINDS}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pattern_compiles_and_every_word_list_is_lower_case(language):
    words = lexicon(language)
    for name, entry in words.entries.items():
        for key, value in entry.items():
            if key in ("fact", "case_sensitive"):
                continue
            if key == "words":
                assert value.split() and all(w == w.lower() for w in value.split()), name
            elif key == "phrases":
                assert value and all(isinstance(p, str) and p for p in value), name
            else:
                re.compile(value)


def test_a_language_we_do_not_serve_reads_english_and_lists_are_read_once():
    assert lexicon("de").language == "en"
    assert lexicon("ru").words("stopwords") is lexicon("ru").words("stopwords")
    assert "когда" in lexicon("ru").words("stopwords") and "қашан" in lexicon("kk").words("stopwords")
    with pytest.raises(KeyError, match="no entry"):
        lexicon("en").words("no such list")
