"""Small talk and off-topic requests recognised by meaning (assistant/intents.py), in en/ru/kk, on the real seed index
with the real encoders (MiniLM for English, e5 for Russian and Kazakh); the decision rule itself on plain vectors."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.intents import LANGUAGES, SMALLTALK, IntentSpace, examples, recognised
from assistant.lang.served import has_served_word, keyboard_mash
from assistant.messages import message


def test_the_closest_intent_and_its_margin_over_the_closest_topic_question():
    kinds = ("thanks", "topic", "offtopic")
    space = IntentSpace(kinds, np.eye(3, dtype=np.float32))
    near_thanks = np.array([0.9, 0.3, 0.1], dtype=np.float32)
    intent = space.closest(near_thanks)
    assert intent.kind == "thanks" and intent.similarity == pytest.approx(0.9) and intent.margin == pytest.approx(0.6)
    assert recognised(intent, 0.5, 0.2) == "thanks"
    assert recognised(intent, 0.95, 0.2) == ""  # not close enough
    assert recognised(intent, 0.5, 0.7) == ""  # not far enough above the topic question
    topical = space.closest(np.array([0.5, 0.9, 0.1], dtype=np.float32))
    assert topical.kind == "thanks" and topical.margin < 0 and recognised(topical, 0.1, 0.0) == ""


def test_every_language_has_examples_of_every_intent():
    for language in LANGUAGES:
        found = examples(language)
        assert set(found) >= {*SMALLTALK, "offtopic", "topic"}, language
        assert all(len(phrases) >= 5 for phrases in found.values()), language


@pytest.mark.parametrize(
    ("text", "language", "key"),
    [
        ("many thanks for explaining all that", "en", "smalltalk_thanks"),
        ("what are you actually able to do for me?", "en", "smalltalk_about"),
        ("мне уже пора, до завтра", "ru", "smalltalk_goodbye"),
        ("қандай сұрақтарға жауап бересіз?", "kk", "smalltalk_about"),
        # a first message asking to go on is asked what the assistant offers, never told goodbye
        ("and then?", "en", "smalltalk_about"),
        ("продолжай", "ru", "smalltalk_about"),
        ("жалғастыр", "kk", "smalltalk_about"),
        ("which sneakers should I buy for running?", "en", "off_topic"),
        ("посоветуй, какие кроссовки купить для бега", "ru", "off_topic"),
        ("ертең ауа райы жауын бола ма?", "kk", "off_topic"),
    ],
)
def test_small_talk_and_off_topic_requests_in_words_on_no_list(assistant, text, language, key):
    answer = assistant.ask(text)
    assert answer.text == message(key, language), answer.text
    assert answer.citations == () and answer.further_reading == ()  # never a quote from the sources
    assert answer.abstained == (key == "off_topic")
    assert answer.kind == ("refusal" if key == "off_topic" else "smalltalk")


def test_questions_on_the_topic_are_not_taken_for_small_talk(assistant):
    for question, fact in (
        ("Can you tell me when Leon Trotsky was rehabilitated?", "2001"),
        ("Спасибо, а кто советовал Хрущёву по вопросам реабилитации?", "Снегов"),
    ):
        answer = assistant.ask(question)
        assert answer.kind != "smalltalk" and not answer.abstained, answer.text
        assert fact in " ".join(f"{c.quote} {c.original_quote}" for c in answer.citations)


def test_switched_off_the_request_goes_the_ordinary_way(assistant):
    off = assistant.with_settings(rules_off="intents")
    answer = off.ask("which sneakers should I buy for running?")
    assert answer.text != message("off_topic", "en")


# Questions on the topic worded like small talk (a greeting or thanks before them, "can you tell me about", "help"),
# written with the unseen tune set's small-talk items (evals/unseen/tune q349-q414) before the intent examples were
# read; none may get a small-talk reply or the off-topic refusal. They name camps, laws and days of the unseen
# documents too, which the seed index does not hold: the vector must still place them as questions.
ON_TOPIC_LIKE_SMALLTALK = (
    ("thanks, and who signed the 1991 law?", "en"),
    ("hi! when was Karlag closed?", "en"),
    ("can you tell me about the Day of Remembrance?", "en"),
    ("hello, how many people were rehabilitated in Kazakhstan?", "en"),
    ("thank you! what was ALZhIR?", "en"),
    ("ok cool, and what happened after Stalin died?", "en"),
    ("could you help me find out who was rehabilitated in 1956?", "en"),
    ("good morning, what did Khrushchev say in the secret speech?", "en"),
    ("bye, but first: when did the State Commission finish its work?", "en"),
    ("what can you tell me about the Butovo firing range?", "en"),
    ("I need help with my homework about the deportations of peoples", "en"),
    ("спасибо, а кто подписал закон о реабилитации?", "ru"),
    ("привет! когда закрыли Карлаг?", "ru"),
    ("расскажи про День памяти жертв репрессий", "ru"),
    ("здравствуйте, сколько человек реабилитировали в Казахстане?", "ru"),
    ("а что ты знаешь про АЛЖИР?", "ru"),
    ("помоги, пожалуйста: что такое реабилитация?", "ru"),
    ("добрый день, когда умер Сталин?", "ru"),
    ("спасибо! а что было с депортированными народами?", "ru"),
    ("можешь рассказать о Бутовском полигоне?", "ru"),
    ("мне нужно для доклада: кто такие жертвы политических репрессий?", "ru"),
    ("рахмет, ал 1991 жылғы заңға кім қол қойды?", "kk"),
    ("сәлем! Қарлаг қашан жабылды?", "kk"),
    ("Саяси қуғын-сүргін құрбандарын еске алу күні туралы айтып берші", "kk"),
    ("сәлеметсіз бе, Қазақстанда қанша адам ақталды?", "kk"),
    ("АЛЖИР деген не?", "kk"),
    ("көмектесші, ақтау комиссиясы не істеді?", "kk"),
    ("qazaqstanda qansha adam aqtaldy?", "kk"),
    ("рахмет! Сталин өлгеннен кейін не болды?", "kk"),
    ("сен маған Бутово туралы айта аласың ба?", "kk"),
    ("үй тапсырмасына керек: ашаршылық құрбандары туралы айтшы", "kk"),
)


def test_questions_worded_like_small_talk_are_still_questions(assistant):
    taken = []
    for text, language in ON_TOPIC_LIKE_SMALLTALK:
        answer = assistant.ask(text)
        if answer.kind == "smalltalk" or answer.text == message("off_topic", language):
            taken.append((text, answer.kind))
    assert not taken


def test_keyboard_mash_is_told_from_words():
    for mash in ("asdfghjkl", "qwe qwe rty ???", "zxcvb", "ывапролдж", "фыввфыв!!", "йцукен", "ааааа ыыы", "hjkl"):
        assert keyboard_mash(mash), mash
        assert not has_served_word(mash), mash  # nor logged for the curator as a visitor's need
    for words in ("who was shot?", "Karlag?", "НКВД?", "КГБ", "ok", "tree of life", "Қарлаг қашан жабылды?", "спс", ""):
        assert not keyboard_mash(words), words


@pytest.mark.parametrize(
    ("text", "language", "key"),
    [
        ("sdfghj", "en", "off_topic"),
        ("олдж фыва", "ru", "off_topic"),
        ("what's 9 times 6?", "en", "off_topic"),
        ("are you some kind of chatbot?", "en", "smalltalk_about"),
    ],
)
def test_fresh_small_talk_and_requests(assistant, text, language, key):
    answer = assistant.ask(text)
    assert answer.text == message(key, language), answer.text
    assert answer.citations == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("кайырлы кун!", "greeting"),  # Kazakh typed on a Russian keyboard: no қ, ү
        ("сау болыныз", "goodbye"),
        ("рахмет, тусиникти", "thanks"),
        ("сен кимсин?", "about"),
        ("salem, qalaisyn?", None),  # Latin letters: read in Cyrillic by question.analyse first (below)
        ("Кайырлы кун, Карлаг кашан жабылды?", None),
    ],
)
def test_kazakh_small_talk_typed_without_its_own_letters(text, kind):
    from assistant.smalltalk import smalltalk_kind

    assert smalltalk_kind(text) == kind


def test_kazakh_small_talk_typed_in_latin_letters(assistant):
    answer = assistant.ask("salem, qalaisyn?")
    assert answer.text == message("smalltalk_greeting", "kk") and answer.citations == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("rakhmet!", "thanks"),
        ("sau boliniz", "goodbye"),
        ("qosh bol", "goodbye"),
        ("salemetsiz be", "greeting"),
        ("kaiyrly kesh", "greeting"),
        ("thanks", None),  # English: smalltalk_kind reads it first; never a Kazakh phrase
        ("Salem witch trials?", None),
        ("рахмет", None),  # already Cyrillic
    ],
)
def test_kazakh_small_talk_in_latin_letters_that_detection_misses(text, kind):
    from assistant.smalltalk import latin_kazakh_kind

    found = latin_kazakh_kind(text)
    assert (found[0] if found else None) == kind


def test_latin_kazakh_small_talk_gets_a_kazakh_reply(assistant):
    for text, key in (("rakhmet", "smalltalk_thanks"), ("sau bol!", "smalltalk_goodbye")):
        answer = assistant.ask(text)
        assert answer.text == message(key, "kk") and answer.language == "kk" and answer.citations == (), text


def test_noise_near_hello_in_minilm_space_is_no_greeting(assistant):
    """Hypothesis found "AAB" answered with the greeting once intent_margin was 0.12: it holds no English word."""
    from assistant.lang.served import holds_english_word

    assert not holds_english_word("AAB") and not holds_english_word("Bba lol")
    assert holds_english_word("hii how r u") and holds_english_word("thx a lot mate")
    assert assistant.ask("AAB").kind != "smalltalk"
