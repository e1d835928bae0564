"""Names across alphabets and word forms (assistant/vocabulary.py, assistant/crosslang.py): pure logic, no index."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.crosslang import CrossTerms, script_key
from assistant.text import terms
from assistant.vocabulary import Vocabulary, read_sources


def _vocabulary(words: dict[str, str], names: set[str]) -> Vocabulary:
    """A vocabulary of these words (language per word), the named ones written as names."""
    df, surfaces = {}, {}
    for word, language in words.items():
        stem = terms(word, language)[0]
        df[stem] = 1
        surfaces.setdefault(stem, word)
    named = frozenset(terms(w, words[w])[0] for w in names)
    return Vocabulary(
        df, 10, lambda word: word in df, names=named, surfaces=surfaces
    )  # the model knows the corpus words


def test_kh_x_and_kazakh_q_fold_to_one_key():
    assert script_key("kazakhstan") == script_key("қазақстан") == script_key("казахстан")
    assert script_key("Tsoi") == script_key("Цой") == script_key("Tsoy")


def test_a_short_name_meets_its_whole_spelling_in_another_alphabet_through_the_word_the_sources_write():
    # The Russian stemmer cuts "Цой" to "цо": the key of the word as written is what "Tsoi" spells.
    cross = CrossTerms(["цо", "лю", "ок", "лаг", "stalin"], frozenset({"цо", "лю"}), {"цо": "Цой", "лю": "Лю"})
    assert cross.spellings("tsoi") == ["цо"]
    assert cross.spellings("liu") == ["лю"]
    assert cross.spellings("lag") == []  # a short key that is no name meets nobody


def test_a_latin_name_is_known_in_its_cyrillic_spelling():
    v = _vocabulary({"Антонина": "ru", "Цой": "ru", "Чимкент": "ru", "camp": "en"}, {"Антонина", "Цой", "Чимкент"})
    assert v.nearest("antonina") == "антонин"
    assert v.nearest("chimkent") == "чимкент"
    assert v.unknown_words(["antonina", "tsoi", "chimkent"], "en") == []


def test_a_name_in_another_alphabet_is_not_corrected_into_a_near_word():
    v = _vocabulary({"Polivanov": "en", "Stalin": "en", "Сталин": "ru"}, {"Polivanov", "Stalin"})
    v = Vocabulary({**v.df, "пролива": 1}, 10, v.model_knows, v.names, v.surfaces)  # a stem of "пролив" 'strait'
    assert terms("Поливановтың", "kk") == ["поливанов"]
    assert v.nearest("поливанов") == "polivanov"  # not "пролива"
    assert v.nearest("stallin") == "stalin"  # a misspelling that sounds the same stays in its own alphabet


def test_a_cyrillic_term_meets_a_whole_latin_word_not_the_start_of_a_longer_one():
    v = _vocabulary({"Bolshevik": "en", "террор": "ru"}, {"Bolshevik"})
    assert v.latin("больш") is None


def test_a_dictionary_word_capitalised_inside_a_named_period_is_no_name():
    text = "Many were shot in the Great Terror of 1937. The speech of Anastas Mikoyan, and later Mikoyan alone, came after."
    names, _, _ = read_sources([SimpleNamespace(text=text, meta={"language": "en"})])
    assert "great" not in names and "terror" not in names
    assert "mikoyan" in names
    ru = "Дело пересмотрела Военная Коллегия Верховного Суда, сказал Поливанов."
    names, _, _ = read_sources([SimpleNamespace(text=ru, meta={"language": "ru"})])
    assert "верховн" not in names and "суд" not in names
    assert "поливан" in names


def test_a_capitalised_dictionary_word_of_a_named_period_is_not_an_unknown_name():
    v = Vocabulary({"karlag": 1}, 10, lambda word: word != "bukharin", names=frozenset({"karlag"}))  # MiniLM's words
    question = "Who arrived in Karlag after the Second World War?"
    assert not v.is_specific("second", question)
    assert v.is_specific("bukharin", "When was Bukharin rehabilitated?")


def test_a_name_the_stemmer_cut_short_meets_through_the_word_the_sources_write_as_a_name():
    # "Елена" stems to "ел", which Kazakh writes in lower case ('country'): the word itself is still written only as
    # a name, and that word is what "Elena" spells.
    text = "Лю Елена Ивановна, кореянка. Ел тарихы."
    names, surfaces, name_words = read_sources([SimpleNamespace(text=text, meta={"language": "ru"})])
    assert name_words.get("елена") == "ел"
    cross = CrossTerms(["ел", "ивановн", "кореянк", "history"], names, surfaces, name_words)
    assert cross.spellings("elena") == ["ел"]


def test_a_two_letter_name_stays_the_subject_of_a_question():
    from assistant.answer.evidence import event_terms
    from assistant.question import analyse

    q = analyse("Where did Tsoi Chai Ok die?", None, 500)
    events = event_terms(q, ["цо", "die"], "en", is_name=lambda t: t == "цо")
    assert events.names == ("цо",)


def test_kazakh_typed_without_its_letters_meets_the_word_the_sources_write():
    from assistant.lang.scripts import kazakh_to_cyrillic, plain_kazakh

    v = _vocabulary({"әйелдер": "kk", "ақталды": "kk", "Avel": "en", "Tatar": "en"}, {"Avel", "Tatar"})
    assert plain_kazakh("Ақталды") == plain_kazakh("акталды")
    typed = terms(kazakh_to_cyrillic("aiel"), "kk")[0]  # informal Latin: "ai" is no "әй"
    assert v.nearest(typed) == terms("әйелдер", "kk")[0]
    assert v.nearest(terms("акталды", "kk")[0]) == terms("ақталды", "kk")[0]  # a Russian keyboard


def test_a_word_the_sources_use_is_bridged_to_a_latin_name_only_when_spelt_alike():
    from assistant.config import Settings
    from assistant.reading import QuestionReader

    v = _vocabulary({"әйел": "kk", "татар": "kk", "Avel": "en", "Tatar": "en"}, {"Avel", "Tatar"})
    reader = QuestionReader(v, None, Settings())
    assert v.latin("әйел") == "avel"  # a look-alike by near spelling ...
    assert reader.bridge(["әйел"]) == []  # ... is no name: "әйел" (woman) is not Avel
    assert reader.bridge(["татар"]) == ["tatar"]  # "қырым татары": the Tatars, lower-case in Kazakh
