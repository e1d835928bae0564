"""Names and cognates across scripts (assistant/crosslang.py): pure logic on real stems."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.answer.select import Query, on_minilm_scale, score_candidates
from assistant.config import Settings
from assistant.crosslang import CrossTerms, script_key
from assistant.lang.facts import read_facts
from assistant.slots import Asked
from assistant.text import terms
from assistant.types import Chunk, Hit, Sentence


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


# --- an English question scoring the sentences of a Russian original (answer/select.py) -------------------------


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


class _TwoDocuments:
    """The index as `score_candidates` reads it, for an English and a Russian original (pure logic: no model)."""

    languages = {"en-doc": "en", "ru-doc": "ru"}

    def context_terms(self, doc_id, start):
        return frozenset()

    def title_terms(self, doc_id, section=()):
        return frozenset()

    def entry_title(self, doc_id, section):
        return ""  # no register here

    def sentence_keys(self, doc_id, s):
        return frozenset()

    def facts(self, doc_id, s):
        return read_facts(s.text, self.languages[doc_id])

    def original_in_other_language(self, doc_id, language):
        return self.languages[doc_id] != language


def _hit(doc_id: str, text: str) -> Hit:
    sentence = Sentence(doc_id, 0, len(text), text)
    return Hit(Chunk(doc_id, doc_id, (), 0, len(text), text, (sentence,)), 1.0)


def test_an_english_questions_sentence_of_a_russian_original_is_scored_by_e5_on_minilms_scale():
    english = _hit("en-doc", "The camp held prisoners from many regions of the country.")
    russian = _hit("ru-doc", "Лагерь был закрыт в 1959 году по решению правительства.")
    minilm_q, e5_q = _unit(1, 0, 0), _unit(0, 1, 0)
    minilm = [np.array([_unit(0.3, 0.954, 0)]), np.array([_unit(0, 0, 1)])]  # MiniLM: 0.30, and 0 for Cyrillic
    e5 = [np.array([_unit(0, 0.75, 0.661)]), np.array([_unit(0, 0.80, 0.6)])]  # e5: 0.75 and 0.80
    query = Query(minilm_q, frozenset(), Asked("what", ""), language="en", across=e5_q)
    settings = Settings()

    hits, documents = [english, russian], _TwoDocuments()
    scored = score_candidates(hits, minilm, query, documents, lambda t: 1.0, settings, across_vectors=e5)
    by_doc = {c.doc_id: c for c in scored}
    assert by_doc["en-doc"].similarity == pytest.approx(0.30, abs=0.01)  # an English sentence: MiniLM, as before
    assert by_doc["ru-doc"].similarity == pytest.approx(on_minilm_scale(0.80), abs=0.01)
    assert on_minilm_scale(0.80) == pytest.approx(0.58, abs=0.01) and on_minilm_scale(0.74) == pytest.approx(0.18)
    assert scored[0].doc_id == "ru-doc"  # the Russian sentence that e5 places close now wins

    without = score_candidates(hits, minilm, replace(query, across=None), documents, lambda t: 1.0, settings)
    assert without[0].doc_id == "en-doc"  # MiniLM alone reads the Cyrillic sentence as unrelated
    assert {c.doc_id: c for c in without}["ru-doc"].similarity == pytest.approx(0.0, abs=1e-6)


# --- a Russian question meeting an English original's sentence through the words across alphabets --------------


class _Keyed(_TwoDocuments):
    """As `_TwoDocuments`, with each sentence's real keys and no human translations."""

    def sentence_keys(self, doc_id, s):
        return read_facts(s.text, self.languages[doc_id]).keys | frozenset(terms(s.text, self.languages[doc_id]))

    def translation(self, doc_id, start, end):
        return None


def test_a_sentence_in_another_language_is_read_with_the_words_across_alphabets():
    from assistant.answer.evidence import Events

    english = _hit("en-doc", "The camp was closed in 1959.")
    russian = _hit("ru-doc", "Лагерь был закрыт в 1959 году.")
    # "Когда закрыли лагерь?": its own reading knows Russian forms only; the reading across adds the English words
    # e5 places among their nearest ("camp", "close"), as WordVectors.across would find them
    own = Events(
        actions=("лагер",),
        verb="закр",
        forms={"лагер": frozenset({"лагерь"})},
        verb_forms={"закр": frozenset({"закрыть"})},
    )
    across = replace(
        own, forms={"лагер": frozenset({"лагерь", "camp"})}, verb_forms={"закр": frozenset({"закрыть", "close"})}
    )
    vectors = [np.array([_unit(1, 0)]), np.array([_unit(1, 0)])]
    query = Query(_unit(1, 0), frozenset(), Asked("when", "date"), replace(own, across=across), language="ru")
    scored = score_candidates([english, russian], vectors, query, _Keyed(), lambda t: 1.0, Settings())
    assert {c.doc_id: c.fits for c in scored} == {"en-doc": True, "ru-doc": True}

    alone = replace(query, events=own)  # without the reading across, the English sentence is about nothing asked
    scored = score_candidates([english, russian], vectors, alone, _Keyed(), lambda t: 1.0, Settings())
    assert {c.doc_id: c.fits for c in scored} == {"en-doc": False, "ru-doc": True}


def test_the_reading_across_is_not_used_for_a_sentence_in_the_questions_language():
    from assistant.answer.evidence import Events

    russian = _hit("ru-doc", "Лагерь был переименован в 1959 году.")
    own = Events(actions=("лагер",), verb="закр", forms={"лагер": frozenset({"лагерь"})})
    across = replace(own, verb_forms={"закр": frozenset({"переименовать", "переименован"})})  # a wrong relative
    query = Query(_unit(1, 0), frozenset(), Asked("when", "date"), replace(own, across=across), language="ru")
    scored = score_candidates([russian], [np.array([_unit(1, 0)])], query, _Keyed(), lambda t: 1.0, Settings())
    assert not scored[0].fits  # the Russian sentence is read with the question's own words only
