"""Small talk and off-topic requests recognised by meaning (assistant/intents.py), in en/ru/kk, on the real seed index
with the real encoders (MiniLM for English, e5 for Russian and Kazakh); the decision rule itself on plain vectors."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.intents import LANGUAGES, SMALLTALK, IntentSpace, examples, recognised
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
