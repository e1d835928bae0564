"""Which language a question is in, and names across scripts, as pure logic with the real py3langid model."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.language import NAMES, SUPPORTED, Detected, detect, is_cyrillic, latin_variants, to_latin


@pytest.mark.parametrize(
    "question",
    [
        "Қазақстанда қанша адам ақталды?",
        "Троцкий қашан ақталды?",
        "Сәлем",
        "СТАЛИН КІМ?",  # upper-case Kazakh letters count too
        "Who was Сәкен Сейфуллин?",  # mostly Cyrillic, with Kazakh letters
    ],
)
def test_kazakh_letters_mean_kazakh(question):
    d = detect(question)
    assert d == Detected("kk", 1.0, question)


@pytest.mark.parametrize(
    "question",
    [
        "Казакстанда канша адам актальды?",
        "Троцкий кашан акталды?",
        "Бухарин ким болды?",
        "Реабилитация деген не?",  # py3langid alone says Russian
        "Алжир лагери кайда орналаскан?",  # py3langid alone says Russian
        "Сэлем",
        "Рахмет",
        "1937 жылы не болды?",
    ],
)
def test_kazakh_typed_with_russian_look_alike_letters_is_kazakh(question):
    d = detect(question)
    assert d.language == "kk" and d.text == question and not d.transliterated


@pytest.mark.parametrize(
    "question",
    [
        "Когда реабилитировали Троцкого?",
        "Кто такой Бухарин?",
        "Сколько человек реабилитировали в Казахстане?",
        "Почему Бухарина реабилитировали?",
        "Что такое АЛЖИР?",
        "Привет",
        "Сталин",
        "Троцкий",
        "Кто такой Trotsky?",  # mostly Cyrillic
        "ты кто",  # py3langid alone says Kazakh; both words are in Russian's dictionary
        "а ты кто такой",
    ],
)
def test_russian(question):
    d = detect(question)
    assert d.language == "ru" and d.text == question and not d.transliterated
    assert 0.5 < d.confidence <= 1.0


@pytest.mark.parametrize(
    "question",
    [
        "When was Trotsky rehabilitated?",
        "How many people were rehabilitated in Kazakhstan?",
        "who are you",
        "hello",
        "hi",
        "Trotsky",
        "Khrushchev",
        "Bonjour",  # one word is never enough to turn a visitor away
        "Stalin death",
        "Khrushchev secret speech",
        "Olga Shatunovskaya",
        "Karaganda Mikoyan",
        "when did stallin die?",
        "blorp zang quibbel fnord?",
        "когда был rehabilitated Trotsky",  # mostly Latin letters
        "Where did Beria go on 30 October 1953?",  # langid: Nigerian Pidgin 0.86; English function words carry it
        "Who did Putin meet on 30 October 2017?",  # the same, 0.92
    ],
)
def test_english(question):
    d = detect(question)
    assert d.language == "en" and d.text == question and not d.transliterated


def test_a_lone_name_is_english_with_low_confidence():
    assert detect("Trotsky").confidence < 0.2
    assert detect("When was Trotsky rehabilitated?").confidence > 0.5


@pytest.mark.parametrize(
    "question, cyrillic",
    [
        ("kogda reabilitirovali trotskogo", "когда реабилитировали тротского"),
        ("kto takoi trotskii", "кто такой тротский"),
        ("skolko chelovek byli reabilitirovany v Kazakhstane?", "сколько человек были реабилитированы в Казахстане?"),
        ("Pochemu Bukharina reabilitirovali", "Почему Бухарина реабилитировали"),
        ("privet", "привет"),
    ],
)
def test_russian_typed_in_latin_letters_is_russian_in_cyrillic(question, cyrillic):
    assert detect(question) == Detected("ru", 0.9, cyrillic, transliterated=True)


@pytest.mark.parametrize(
    "question",
    [
        "Wann wurde Trotzki rehabilitiert?",
        "Wer war Bucharin?",
        "Wie viele Menschen wurden rehabilitiert?",
        "Quand Trotsky a-t-il été réhabilité ?",
        "Qui était Boukharine ?",
        "Qu'est-ce que la réhabilitation ?",
        "¿Cuándo fue rehabilitado Trotsky?",
        "¿Quién fue Bujarin?",
        "Donde esta Karlag",
        "Troçki ne zaman rehabilite edildi?",
        "Kaç kişi rehabilite edildi?",
        "Stalin ne zaman oldu?",
        "Kdy byl Trockij rehabilitován?",  # Czech "byl" is not Russian here: it has Czech letters
        "托洛茨基什么时候被平反？",
        "Trotsky什么时候被平反？",
        "متى أعيد تأهيل تروتسكي؟",
        "Коли реабілітували Троцького?",  # Ukrainian, though і is a Kazakh letter too
        "Хто такий Бухарин?",
    ],
)
def test_other_languages(question):
    d = detect(question)
    assert d.language == "other" and d.text == question
    assert d.confidence >= 0.5


@pytest.mark.parametrize("question", ["", "   ", "123 456", "1956?", "🙂🙂", "?!", "\u200b\x00", "\ud800"])
@pytest.mark.parametrize("default", ["en", "kk", "ru"])
def test_no_letters_means_the_default(question, default):
    assert detect(question, default) == Detected(default, 0.0, question)


def test_lone_surrogates_and_control_characters_do_not_matter():
    assert detect("\ud800Когда\x00 реабилитировали\udfff Троцкого?\x07").language == "ru"
    assert detect("\x1b[31mWhen was Trotsky rehabilitated?\ud83d").language == "en"


FRAGMENTS = [
    "Троцкий", "қашан", "канша", "when", "Trotsky", "kogda", "reabilitirovan", "wurde", "où", "托洛茨基",
    "і", "ї", "ў", "ّ", "\u0301", "\u200b", "\ufeff", "\x00", "\x7f", "\ud800", "\udfff", "🙂", " ", "?", "'", "1956",
]
HOSTILE = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.sampled_from(FRAGMENTS),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.characters(categories=["Cc", "Cf", "Co", "Cn", "Mn"]),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_detect_never_raises_and_always_names_a_known_language(text):
    d = detect(text)
    assert d.language in (*SUPPORTED, "other")
    assert 0.0 <= d.confidence <= 1.0
    assert isinstance(d.text, str)
    assert d.text == text or d.transliterated
    for word in text.split():
        assert isinstance(is_cyrillic(word), bool)
        assert all(isinstance(v, str) for v in latin_variants(word))


@pytest.mark.parametrize(
    "word, latin, english",
    [
        ("Троцкий", "trotskiy", "trotsky"),
        ("Бухарин", "bukharin", "bukharin"),
        ("Хрущёв", "khrushchev", "khrushchev"),
        ("Микоян", "mikoyan", "mikoyan"),
        ("Берия", "beriya", "beria"),
        ("Зиновьев", "zinovev", "zinoviev"),
        ("Ежов", "ezhov", "yezhov"),
        ("Сейфуллин", "seyfullin", "seifullin"),
        ("Тухачевский", "tukhachevskiy", "tukhachevsky"),
        ("троцк", "trotsk", "trotsk"),  # a Russian stem, as the vocabulary passes them
    ],
)
def test_names_across_scripts(word, latin, english):
    assert to_latin(word) == latin
    variants = latin_variants(word)
    assert variants[0] == latin and english in variants
    assert len(variants) == len(set(variants)) <= 2


def test_is_cyrillic():
    assert is_cyrillic("Троцкий") and is_cyrillic("Қазақстан") and is_cyrillic("троцк")
    assert not is_cyrillic("Trotsky") and not is_cyrillic("") and not is_cyrillic("1956")


def test_names_of_the_supported_languages():
    assert SUPPORTED == ("kk", "ru", "en")
    assert NAMES == {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def test_langids_model_is_decompressed_once_and_a_damaged_copy_is_made_again(monkeypatch, tmp_path):
    """py3langid's LZMA model is unpacked into the machine's cache once; a damaged copy falls back and is remade."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    from assistant import language

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    reference = load_model(MODEL_DIR / MODEL_FILE)

    def same(got) -> bool:
        return all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(got, reference, strict=True))

    assert same(language._langid_model.__wrapped__())
    [copy] = (tmp_path / "rehabilitation-assistant" / "langid").glob("model-*.npz")
    copy.write_bytes(b"not an npz")
    assert same(language._langid_model.__wrapped__())  # read from py3langid's own file, and the damaged copy gone
    assert not copy.exists()
    assert same(language._langid_model.__wrapped__()) and copy.is_file()  # made again
