"""Question analysis and corpus vocabulary as pure logic: cleaning, type, follow-up query, IDF, typos."""

from __future__ import annotations

import math

import pytest

from assistant.question import analyse, clean, question_type, without_markup
from assistant.vocabulary import Vocabulary

HISTORY = [{"role": "user", "content": "Who was Leon Trotsky?"}, {"role": "assistant", "content": "A revolutionary."}]


def test_analysis_holds_words_terms_type_and_the_standalone_query():
    q = analyse("  When was <b>Trotsky</b>\u200b rehabilitated?  ", None, 1000)
    assert q.text == "When was <b>Trotsky</b> rehabilitated?"
    assert q.plain == "When was Trotsky rehabilitated?"
    assert q.words == ("when", "was", "trotsky", "rehabilitated")
    assert q.terms == ("trotski", "rehabilit")
    assert q.kind == "when"
    assert q.query == q.plain and q.query_terms == q.terms
    assert q.notice == "" and q.language == "en"


def test_russian_and_kazakh_questions_are_stemmed_and_typed_in_their_language():
    ru = analyse("Когда был реабилитирован Троцкий?", None, 1000)
    assert (ru.language, ru.kind) == ("ru", "when") and "троцк" in ru.terms
    kk = analyse("Қазақстанда қанша адам ақталды?", None, 1000)
    assert (kk.language, kk.kind) == ("kk", "how_many") and "қазақстан" in kk.terms
    translit = analyse("kogda reabilitirovali trotskogo", None, 1000)
    assert translit.language == "ru" and translit.text == "kogda reabilitirovali trotskogo"
    assert translit.plain.startswith("когда")


def test_a_russian_followup_leans_on_the_russian_question_before_it():
    history = [{"role": "user", "content": "Кто такой Троцкий?"}, {"role": "assistant", "content": "…"}]
    q = analyse("а когда его реабилитировали?", history, 1000)
    assert q.query == "Кто такой Троцкий? а когда его реабилитировали?"


def test_a_followup_is_resolved_against_the_history_once():
    q = analyse("When was he rehabilitated?", HISTORY, 1000)
    assert q.query == "Who was Leon Trotsky? When was he rehabilitated?"
    assert "trotski" in q.query_terms and "trotski" not in q.terms
    assert analyse("When was he rehabilitated?", HISTORY, 1000, resolve_followups=False).query == "When was he rehabilitated?"


def test_cleaning_caps_length_and_says_so():
    assert clean("x" * 50, 10) == ("x" * 10, True)
    assert clean(None, 10) == ("", False)
    assert "10 characters" in analyse("x" * 50, None, 10).notice
    assert "10 символов" in analyse("Когда реабилитировали Троцкого? " * 5, None, 10).notice
    assert without_markup("<i></i>") == "<i></i>"  # nothing but markup stays as typed


@pytest.mark.parametrize(
    ("question", "kind"),
    [("How many were freed?", "how_many"), ("In what year did he die?", "when"), ("Where was he sent?", "where"),
     ("Whose speech was it?", "who"), ("Why was it secret?", "why"), ("What was the Thaw?", "what"),
     ("what years was the camp running", "when"), ("In which decades did the waves come?", "when")],
)
def test_question_type(question, kind):
    assert question_type(question) == kind


def vocabulary() -> Vocabulary:
    return Vocabulary({"khrushchev": 3, "kazakhstan": 1, "amnesti": 2}, 10, model_knows=lambda w: w in {"weather", "bread"})


def test_idf_is_bm25s_and_an_unknown_term_weighs_most():
    v = vocabulary()
    assert v.idf("khrushchev") == pytest.approx(math.log(1 + (10 - 3 + 0.5) / 3.5))
    assert v.idf("never") > v.idf("kazakhstan") > v.idf("khrushchev")


def test_typos_and_prefixes_map_to_corpus_terms_short_words_do_not():
    v = vocabulary()
    assert v.corrected(["khruschev", "kazakh", "amnesti", "zzzz"]) == ["khrushchev", "kazakhstan", "amnesti", "zzzz"]
    assert v.nearest("kaz") is None


def test_unknown_words_and_which_of_them_are_specific():
    v = vocabulary()
    assert v.unknown_words(["what", "about", "bukharin", "weather", "khruschev"]) == ["bukharin", "weather"]
    assert v.is_specific("bukharin", "What about Bukharin?")  # capitalised inside the question
    assert not v.is_specific("weather", "what is the weather")  # a word the model knows whole
    assert v.is_specific("zyxwvut", "what is zyxwvut")  # long and unknown to the model
