"""A document's language (sources.toml or its text), mixed-keyboard words, and Kazakh typed in Latin letters."""

from __future__ import annotations

import pytest

from assistant.corpus import Skipped, with_language
from assistant.lang.scripts import fold_mixed_script, kazakh_to_cyrillic
from assistant.language import detect, detect_text, settle_language
from assistant.types import Document

RU = "Карлаг действовал до 27 июля 1959 года, после чего был реорганизован в Управление мест заключения."
KK = "Қарлаг еңбекпен түзеу лагері КСРО Халық комиссарлары кеңесінің 1930 жылғы мамырдағы қаулысымен ашылды."
EN = "Karlag was one of the largest Gulag labor camps, located in Karaganda Oblast in the Kazakh SSR."
DE = "Die Rehabilitierung der Opfer politischer Repressionen begann nach dem Tod Stalins im Jahr 1953."


@pytest.mark.parametrize(("text", "language"), [(RU, "ru"), (KK, "kk"), (EN, "en"), (DE, "de")])
def test_the_text_tells_its_language(text, language):
    assert detect_text(text).language == language


def test_a_kazakh_text_typed_with_latin_i_is_kazakh_and_its_words_are_counted():
    found = detect_text(
        "Қазақстанда саяси қуғын-сүргін құрбандарын еске алу күнi 31 мамырда атап өтiледi. Бiрiншi рет."
    )
    assert found.language == "kk" and found.mixed_words == 3


def test_mixed_keyboard_words_are_folded_letter_for_letter():
    text = "Бiрiншi рет, and an iPhone"
    folded = fold_mixed_script(text)
    assert folded == "Бірінші рет, and an iPhone" and len(folded) == len(text)


def test_sources_toml_is_kept_unless_the_text_surely_says_otherwise():
    assert settle_language("ru", detect_text(RU)) == ("ru", "sources.toml")
    assert settle_language("ru", detect_text(EN)) == ("en", "detected; sources.toml says 'ru'")
    assert settle_language("", detect_text(KK)) == ("kk", "detected")
    assert settle_language("kk", detect_text("Да.")) == ("kk", "sources.toml")
    assert settle_language("", detect_text("1 2 3")) == ("en", "assumed (too little text to tell)")


def test_ingest_skips_a_german_document_with_a_reason_and_keeps_the_others():
    german = with_language(Document("de", "Rehabilitierung", DE * 3, "de.txt"))
    assert isinstance(german, Skipped) and "'de'" in german.reason and "English, Russian or Kazakh" in german.reason
    russian = with_language(Document("ru", "Карлаг", RU, "ru.txt", meta={"language": "kk"}))
    assert russian.meta["language"] == "ru" and "sources.toml says 'kk'" in russian.meta["language_from"]


@pytest.mark.parametrize(
    ("typed", "cyrillic"),
    [
        ("qazaqstanda qansha adam aqtaldy", "қазақстанда қанша адам ақталды"),
        ("Qazaqstanda qansha adam aqtaldı?", "Қазақстанда қанша адам ақталды?"),
        ("Qarlag qaşan jabıldı?", "Қарлаг қашан жабылды?"),
        ("qaida", "қайда"),
    ],
)
def test_kazakh_in_latin_letters_is_read_in_cyrillic(typed, cyrillic):
    found = detect(typed)
    assert found.language == "kk" and found.transliterated
    assert found.text == cyrillic == kazakh_to_cyrillic(typed)


@pytest.mark.parametrize(
    "question",
    [
        "Who was Kim Philby?",
        "How many people were rehabilitated in Kazakhstan?",
        "Where is Karaganda?",
        "Adam Kim biography",  # English names that are also Kazakh words, and no English function word
    ],
)
def test_english_with_kazakh_names_stays_english(question):
    assert detect(question).language == "en"


def test_turkish_is_not_taken_for_kazakh():
    assert detect("Türkiye'de kaç kişi rehabilite edildi?").language == "other"
