"""Sentence boundaries in three languages: initials, abbreviations, numbered articles, quotations, run-on sentences.

pysbd 0.3.4 was measured on the same Russian and Kazakh cases (issue 20): it split after "т. е.", "ст." and
"Статья 1." and after the year mark "ж." opening a Kazakh sentence, so the engine keeps its own rules with the
abbreviations as data (assistant/lang/data/abbreviations.toml).
"""

from __future__ import annotations

import pytest

from assistant.sentences import MAX_SENTENCE_CHARS, split_sentences


def sentences(text: str, language: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, language=language)]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "ru",
            "Писатель А. И. Солженицын был реабилитирован. Он вернулся.",
            ["Писатель А. И. Солженицын был реабилитирован.", "Он вернулся."],
        ),
        (
            "en",
            "In 1956 N. S. Khrushchev gave the speech. It lasted hours.",
            ["In 1956 N. S. Khrushchev gave the speech.", "It lasted hours."],
        ),
        (
            "kk",
            "А. Байтұрсынов 1937 жылы атылды. Т. Рысқұлов та ақталды.",
            ["А. Байтұрсынов 1937 жылы атылды.", "Т. Рысқұлов та ақталды."],
        ),
    ],
)
def test_an_initial_never_ends_a_sentence(language, text, expected):
    assert sentences(text, language) == expected


def test_abbreviations_of_each_language_do_not_end_a_sentence():
    assert sentences("Затем, т. е. в 1960-х гг., ст. 58 УК РСФСР была отменена. Потом г. Караганда выросла.", "ru") == [
        "Затем, т. е. в 1960-х гг., ст. 58 УК РСФСР была отменена.",
        "Потом г. Караганда выросла.",
    ]
    assert sentences("No. 3 of the list was Mr. Smith. Then the U.S. reacted.", "en") == [
        "No. 3 of the list was Mr. Smith.",
        "Then the U.S. reacted.",
    ]


def test_an_abbreviation_that_may_end_a_sentence_ends_it_before_a_capital():
    assert sentences("Были лагеря, тюрьмы и т. д. Потом их закрыли.", "ru") == [
        "Были лагеря, тюрьмы и т. д.",
        "Потом их закрыли.",
    ]


def test_a_year_mark_ends_a_sentence_only_after_more_than_the_date():
    assert sentences("В 1956 г. Хрущёв выступил с докладом. Он был реабилитирован в 1957 г. Он вернулся.", "ru") == [
        "В 1956 г. Хрущёв выступил с докладом.",
        "Он был реабилитирован в 1957 г.",
        "Он вернулся.",
    ]
    assert sentences("1930 ж. Қарлаг құрылды. Лагерь көп жыл бойы 1959 ж. Жабылғанша жұмыс істеді.", "kk")[0] == (
        "1930 ж. Қарлаг құрылды."
    )


def test_numbered_articles_keep_their_label():
    assert sentences("Статья 1. Признать утратившим силу. 2. Установить порядок. 3-бап. Күшіне енеді.", "ru") == [
        "Статья 1. Признать утратившим силу.",
        "2. Установить порядок.",
        "3-бап. Күшіне енеді.",
    ]
    assert sentences("Article 1. The law applies. IV. Final provisions.", "en") == [
        "Article 1. The law applies.",
        "IV. Final provisions.",
    ]


def test_a_quotation_is_not_cut_inside():
    assert sentences("Он сказал: «Это конец. Начнём сначала». Все молчали.", "ru") == [
        "Он сказал: «Это конец. Начнём сначала».",
        "Все молчали.",
    ]
    assert sentences('He said: "It is over. We start again." Then he left.', "en") == [
        'He said: "It is over. We start again."',
        "Then he left.",
    ]
    assert sentences("Ол: “Біз жеңеміз. Алға!” деді. Бәрі үндемеді.", "kk") == [
        "Ол: “Біз жеңеміз. Алға!” деді.",
        "Бәрі үндемеді.",
    ]


def test_an_unclosed_quotation_does_not_swallow_the_line():
    assert len(sentences("Он сказал: «Это конец. Все молчали. Потом ушли.", "ru")) == 3


def test_a_text_without_sentence_punctuation_is_read_line_by_line():
    text = "1 Реабилитировать граждан\n2 Восстановить в правах\n3 Вернуть имущество"
    assert sentences(text, "ru") == ["1 Реабилитировать граждан", "2 Восстановить в правах", "3 Вернуть имущество"]


def test_a_run_on_sentence_is_cut_at_clause_marks_into_readable_pieces():
    clause = "граждане были освобождены из лагерей и вернулись домой, "
    text = "Летом " + clause * 40 + "и это было началом."
    spans = split_sentences(text, language="ru")
    assert len(spans) > 1
    assert all(b - a <= MAX_SENTENCE_CHARS for a, b in spans)
    assert all(text[b - 1] == "," or b == len(text) for a, b in spans)  # cut after a comma, never inside a word
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")  # nothing lost


def test_offsets_are_exact_and_trimmed():
    text = "  Первое предложение.   Второе, с А. Б. Ивановым.  \n Третье! "
    for a, b in split_sentences(text, language="ru"):
        assert text[a:b] == text[a:b].strip() and text[a:b]


@pytest.mark.parametrize(
    ("text", "quotable"),
    [
        ("2. Статьи 15 и 16 данного Закона ввести в действие с 1 декабря 1991 года.", True),  # an article, whole
        ("1. Ввести в действие Закон с момента его опубликования, за исключением статей 15 и 16.", True),
        ("- On the Rehabilitation of Repressed Peoples", False),  # a bullet line of a list of titles
        # leads a list: a clause of its own (who is to act, by when), quoted over its items (answer.lead_in)
        ("3. Предложить Президенту дать поручение Совету Министров в течение двух месяцев:", True),
        ("Источники данных:", False),  # a short label ending in a colon is a heading
        ("Из них: расстреляны: – 43; умерли в заключении – 3;", True),  # a member of an enumeration, no heading
        # a long bullet line without an ending states a fact, as a long line is no heading
        ("- Rachel Messerer, actress, wife of executed diplomat Mikhail Plisetski, mother of Maya Plisetskaya", True),
    ],
)
def test_a_numbered_article_kept_whole_may_be_quoted_and_a_bullet_line_may_not(text, quotable):
    from assistant.answer.select import citable
    from assistant.types import Chunk, Sentence

    chunk = Chunk("c", "d", ("Постановление",), 0, len(text), text)
    assert citable(Sentence("c", 0, len(text), text), chunk) is quotable
