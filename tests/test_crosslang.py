"""Names and cognates across scripts (assistant/crosslang.py): pure logic on real stems."""

from __future__ import annotations

from assistant.crosslang import CrossTerms, script_key
from assistant.text import terms


def corpus_terms() -> list[str]:
    return (
        terms("Карлаг Караганды Долинское репрессии Сталин лагерь", "ru")
        + terms("Қарлаг Қарағанды репрессия", "kk")
        + terms("Karlag Karaganda repression Stalin Trotsky camp", "en")
    )


def test_one_name_in_three_alphabets_shares_a_key():
    assert script_key("карлаг") == script_key("қарлаг") == script_key("karlag")
    assert script_key("trotskiy") == script_key("trotsky")


def test_an_english_term_reaches_the_cyrillic_spellings_of_a_name():
    cross = CrossTerms(corpus_terms())
    assert set(cross.spellings("karlag")) == {"карлаг", "қарлаг"}
    assert "караганд" in cross.spellings("karaganda")  # the Russian stemmer cut the ending
    assert "долинск" in cross.spellings(terms("Dolinskoye", "en")[0])


def test_a_kazakh_term_reaches_the_russian_spelling_and_the_english_one():
    cross = CrossTerms(corpus_terms())
    assert set(cross.spellings("қарлаг")) == {"карлаг", "karlag"}


def test_words_of_one_script_are_left_to_stemming_and_short_keys_to_nobody():
    cross = CrossTerms(corpus_terms())
    assert cross.spellings("stalin") == ["сталин"]  # not "stalin" itself
    assert cross.spellings("camp") == []  # a translation is not a spelling
    assert cross.spellings("лаг") == []


def test_bridged_lists_each_spelling_once():
    cross = CrossTerms(corpus_terms())
    assert cross.bridged(["karlag", "karlag", "stalin"]) == ["карлаг", "қарлаг", "сталин"]


def _cited(language: str, doc_id: str = "d"):
    from assistant.types import Citation

    return Citation(1, doc_id, "t", "s", "q", "q", 0, 1, 0.9, language=language)


def test_a_quote_in_another_language_gets_a_notice_in_the_answers_language():
    from assistant.crosslang import with_quoted_notice
    from assistant.types import Answer

    english = Answer("q", "x [1]", False, (_cited("ru"),), notice="Shortened.", language="en")
    assert with_quoted_notice(english).notice.startswith("Shortened. Quoted in Russian, as the source is written")
    kazakh = Answer("q", "x [1] [2]", False, (_cited("en"), _cited("ru"), _cited("en")), language="kk")
    assert "ағылшын және орыс тілінде" in with_quoted_notice(kazakh).notice
    same = Answer("q", "x [1]", False, (_cited("ru"),), language="ru")
    assert with_quoted_notice(same) == same  # quoted in its own language (or a human translation): nothing to say
