"""Question analysis and answer-type checks as pure rules: type from the main clause, slot, negation,
counted noun, main verb (slots.py); small talk (smalltalk.py); multi-part splitting (parts.py)."""

from __future__ import annotations

import sys
from dataclasses import replace

import pytest

from assistant.answer.evidence import Events, event_positions
from assistant.answer.fillers import counted_forms, holds
from assistant.lang.facts import read_facts
from assistant.lang.words import read_words
from assistant.parts import MAX_PARTS, split_parts
from assistant.question import analyse
from assistant.slots import asked, do_verb, main_verb, verb_like
from assistant.smalltalk import smalltalk_kind, strip_greeting


@pytest.mark.parametrize(
    ("question", "language", "kind", "slot"),
    [
        ("Who murdered Leon Trotsky?", "en", "who", "person"),
        ("When did Russia rehabilitate Trotsky?", "en", "when", "date"),
        ("What year did Ukraine pass its law?", "en", "when", "date"),
        ("Where did Khrushchev give the speech?", "en", "where", "place"),
        ("Which prison camp was Alexei Snegov held in?", "en", "where", "place"),
        ("How many victims did the commission rehabilitate?", "en", "how_many", "number"),
        ("how long could a sentence be to get the amnesty", "en", "how_many", "duration"),
        ("Why was rehabilitation often posthumous?", "en", "why", "reason"),
        ("How did the government release prisoners?", "en", "how", "manner"),
        ("What was the Thaw?", "en", "what", ""),
        # the main clause decides, not a relative clause or a keyword inside it
        ("What happened to persons who had been repressed?", "en", "what", ""),
        ("What phrases were used when releasing persons?", "en", "what", ""),
        ("List the phrases with which the persons were released.", "en", "what", ""),
        ("According to the article, who reported on the commission?", "en", "who", "person"),
        ("Who was Olga Shatunovskaya?", "en", "who", ""),  # asks for a description
        ("Who was Trotsky murdered by?", "en", "who", "person"),  # a stranded preposition: asks for the doer
        ("who was she married to?", "en", "who", "person"),
        ("Когда был реабилитирован Троцкий?", "ru", "when", "date"),
        ("В каком лагере сидел Алексей Снегов?", "ru", "where", "place"),
        ("Сколько жертв реабилитировала комиссия?", "ru", "how_many", "number"),
        ("Почему реабилитация была посмертной?", "ru", "why", "reason"),
        ("Троцкий қашан ақталды?", "kk", "when", "date"),
        ("1986 жылы кеңес үкіметін кім басқарды?", "kk", "who", "person"),
        ("Алексей Снегов қай лагерьде отырды?", "kk", "where", "place"),
        ("Неге ақтау кейін жүргізілді?", "kk", "why", "reason"),
    ],
)
def test_type_and_slot_come_from_the_main_clause(question, language, kind, slot):
    a = asked(question, language)
    assert (a.kind, a.slot) == (kind, slot)


@pytest.mark.parametrize(
    ("question", "language", "negated"),
    [
        ("Who was not covered by the 1953 amnesty?", "en", True),
        ("Which groups didn't get their territory back?", "en", True),
        ("Who was excluded from the amnesty?", "en", True),
        ("Who was not never rehabilitated?", "en", False),  # a double negative cancels
        ("Who was covered by the amnesty?", "en", False),
        ("Кого не коснулась амнистия 1953 года?", "ru", True),
        ("1953 жылғы рақымшылық кімдерге қолданылмады?", "kk", True),
        ("1953 жылғы рақымшылықтан кім тыс қалды?", "kk", True),
        ("1953 жылғы рақымшылық кімдерге қолданылды?", "kk", False),
    ],
)
def test_negation_is_read_in_each_language(question, language, negated):
    assert asked(question, language).negated is negated


def test_who_was_a_name_asks_for_a_description_not_a_person():
    assert asked("Who was Olga Shatunovskaya?").slot == ""
    assert asked("who was yeghishe charents").slot == ""
    assert asked("Who was the first person rehabilitated?").slot == "person"
    assert asked("Кто такой Троцкий?", "ru").slot == ""


def test_how_many_keeps_the_noun_it_counts_and_a_date_question_its_precision():
    assert asked("How many political prisoners did Khrushchev's government release?").counted == "prisoners"
    assert asked("How many prisoners walked free after the amnesty?").counted == "prisoners"
    assert asked("On what date was Beria executed?").exact_date
    assert not asked("When was Trotsky rehabilitated?").exact_date


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("Who murdered Leon Trotsky?", "murdered"),
        ("Who was the first person rehabilitated?", "rehabilitated"),
        ("Which prison camp was Alexei Snegov held in?", "held"),
        ("Whose death marked the beginning of rehabilitation?", "marked"),
        ("When did Khrushchev deliver his speech?", ""),
        ("What is the Thaw", ""),
        ("When was the day established and who first chose the date?", "established"),
        ("Who last saw him alive?", "saw"),  # an ordinal right after "who" is an adverb of time
    ],
)
def test_main_verb(question, verb):
    assert main_verb(question) == verb


def test_russian_and_kazakh_verb_forms():
    assert verb_like("возглавлял", "ru") and verb_like("умер", "ru") and verb_like("родился", "ru")
    assert verb_like("басқарды", "kk") and verb_like("ақталды", "kk")
    assert not verb_like("правительство", "ru") and not verb_like("комиссия", "kk")


WHEN = asked("When did Anastas Mikoyan die?")
HOW_MANY = asked("How many prisoners walked free after the amnesty?")
WHO = asked("Who murdered Leon Trotsky?")
WHERE = asked("Where did Khrushchev give the speech?")


def held(a, text: str, language: str = "en", question: str = "", verb: str = "") -> bool:
    """Whether a sentence holds a question's slot, read as the index reads it (its facts), with the question's
    own words (its subject is not its answer) and, for a who-question, its main verb."""
    facts = read_facts(text, language)
    forms = frozenset(f for w in read_words(question, language) for f in w.forms)
    events = Events(verb=verb) if verb else None
    counted = counted_forms(replace(analyse(question, [], 1000), asked=a), language) if a.counted else frozenset()
    return holds(a, facts, text, forms, (lambda f: event_positions(events, f)) if events else None, counted)


def test_a_date_a_period_and_an_exact_date():
    assert held(WHEN, "Stalin died in 1953.")
    assert held(WHEN, "These nationalities were also rehabilitated during the Thaw.")
    assert held(WHEN, "Many were released after the Second World War.")  # any capitalised event, not a list
    assert not held(WHEN, "Persons who were repressed extrajudicially were summarily rehabilitated.")
    exact = asked("What year did the Thaw begin?")
    assert not held(exact, "These nationalities were also rehabilitated during the Thaw.")
    assert held(asked("Когда основали лагерь?", "ru"), "Лагерь был основан 17 сентября 1931 года.", "ru")
    assert held(asked("Қашан бекітілді?", "kk"), "Заң 1993 жылғы 14 сәуірде қабылданды.", "kk")


def test_a_quantity_of_the_counted_thing_and_not_a_year_or_a_day():
    question = "How many prisoners walked free after the amnesty?"
    assert held(HOW_MANY, "The amnesty released 1,200,000 prisoners from the camps.", question=question)
    assert held(HOW_MANY, "The amnesty released more than two million inmates.", question=question)  # in words
    assert not held(HOW_MANY, "The amnesty of 1953 was applied for terms of at most five years.", question=question)
    assert not held(HOW_MANY, "Trotsky was rehabilitated on 16 June 2001 by Russia.", question=question)
    assert not held(HOW_MANY, "Many inmates were sentenced under Article 58.", question=question)  # an identifier
    anything = asked("How many did Kazakhstan rehabilitate?")
    assert held(anything, "The commission rehabilitated 311,000 victims.")
    assert held(asked("Сколько человек расстреляли?", "ru"), "Расстреляно было около 25 тысяч человек.", "ru")
    assert held(asked("Қанша адам ақталды?", "kk"), "Екі миллион адам ақталды.", "kk")
    # a figure of a year's shape that counts people is a count; a year before people is still a year
    assert held(asked("Сколько человек казнили?", "ru"), "Около 1000 человек были расстреляны.", "ru")
    assert held(HOW_MANY, "Over 1500 prisoners walked free.", question=question)
    assert not held(HOW_MANY, "In 1953 prisoners walked free.", question=question)
    assert held(asked("Қанша адам атылды?", "kk"), "1937 жылы 1000 адам атылды.", "kk")


def test_a_duration_in_words_or_figures_in_each_language():
    how_long = asked("How long was his sentence?")
    assert how_long.slot == "duration"
    assert held(how_long, "He was given a ten-year term.")
    assert held(how_long, "They served for eight years in the camp.")
    assert not held(how_long, "He was arrested in 1937.")
    assert held(asked("Как долго он сидел?", "ru"), "Он был осуждён сроком на 10 лет.", "ru")
    assert held(asked("Қанша уақыт отырды?", "kk"), "Ол 10 жылға сотталды.", "kk")


def test_a_who_question_is_answered_only_by_the_doer_of_its_event():
    question = "Who murdered Leon Trotsky?"
    said_only_murdered = "Leon Trotsky (murdered in 1940) was rehabilitated on 16 June 2001 by Russia."
    assert not held(WHO, said_only_murdered, question=question, verb="murder")
    assert not held(WHO, "Leon Trotsky was murdered in 1940.", question=question, verb="murder")
    assert held(WHO, "Leon Trotsky was murdered by Ramon Mercader in 1940.", question=question, verb="murder")
    assert held(WHO, "An NKVD agent murdered Leon Trotsky in Mexico.", question=question, verb="murder")
    rehabilitated = asked("Who rehabilitated Trotsky?")
    assert held(rehabilitated, said_only_murdered, question="Who rehabilitated Trotsky?", verb="rehabilit")


def test_a_person_named_by_apposition_or_a_role():
    question = "Who wrote the report?"
    assert held(
        WHO,
        "Ivan Petrov, a historian and the director of the archive, wrote the report.",
        question=question,
        verb="wrote",
    )
    assert held(WHO, "The report was written by a historian from Almaty.", question=question, verb="written")
    accused = "Who accused the archive of hiding names?"
    # after an apposition, a verb in -ed with an object is the subject's own, not a reduced passive clause
    assert held(WHO, "Ivan Petrov, a historian, accused the archive of hiding names.", question=accused, verb="accused")
    assert held(WHO, "Ivan Petrov, a historian, accused Memorial of hiding names.", question=accused, verb="accused")
    assert not held(WHO, "The archive, accused of hiding names, was closed.", question=accused, verb="accused")
    assert held(asked("Кто написал статью?", "ru"), "Статью написала Мария Трапезникова.", "ru", "Кто написал статью?")
    assert held(
        asked("Мақаланы кім жазды?", "kk"), "Мақаланы тарихшы Ахмет Байтұрсынов жазды.", "kk", "Мақаланы кім жазды?"
    )


def test_a_place():
    assert held(WHERE, "He spoke in a speech in Yerevan in his native Armenia.")
    assert held(WHERE, "At the closed session of the Congress he denounced Stalin.")
    assert held(WHERE, "People were transported to the gigantic labor camp in central Kazakhstan.")
    assert not held(WHERE, "It restored the person to the state of acquittal.")
    assert held(asked("Где было управление лагеря?", "ru"), "Управление находилось в селе Долинское.", "ru")
    assert held(asked("Орталығы қай жерде болды?", "kk"), "Лагерьдің орталығы Долинка кентінде болды.", "kk")


# --- small talk -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hello there", "greeting"),
        ("Hi!", "greeting"),
        ("Привет", "greeting"),
        ("Сәлеметсіз бе?", "greeting"),
        ("thanks!", "thanks"),
        ("Спасибо большое", "thanks"),
        ("рахмет", "thanks"),
        ("what can you do?", "about"),
        ("who are you?", "about"),
        ("кто ты?", "about"),
        ("сен кімсің?", "about"),
        ("Who made you?", "creator"),
        ("кто тебя создал?", "creator"),
        ("сені кім жасады?", "creator"),
        ("bye", "goodbye"),
        ("До свидания!", "goodbye"),
        ("Сау болыңыз!", "goodbye"),
    ],
)
def test_small_talk_in_three_languages(text, kind):
    assert smalltalk_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "Hi, when was Trotsky rehabilitated?",
        "history of the Gulag",
        "hello " + "x" * 2000,
        "Where did Mikoyan help rehabilitate former enemies?",
        "Привет, когда реабилитировали Троцкого?",
    ],
)
def test_a_real_question_is_never_small_talk(text):
    assert smalltalk_kind(text) is None


def test_a_greeting_before_a_question_is_taken_off():
    assert strip_greeting("Hi, who was Snegov?") == "who was Snegov?"
    assert strip_greeting("Привет! Когда реабилитировали Троцкого?") == "Когда реабилитировали Троцкого?"
    assert strip_greeting("history of the Gulag") == "history of the Gulag"
    assert strip_greeting("Сәлеметсіз бе?") == "Сәлеметсіз бе?"


# --- multi-part questions -----------------------------------------------------------------


def test_parts_split_only_where_both_sides_ask():
    two = split_parts("What did Mikoyan call for in 1954, and who advised him and Khrushchev?")
    assert two.labels == ("What did Mikoyan call for in 1954?", "who advised him and Khrushchev?")
    assert two.queries[1].startswith("What did Mikoyan")  # "him" is searched with the part before
    assert split_parts("Who advised Mikoyan and Khrushchev?").labels == ("Who advised Mikoyan and Khrushchev?",)
    assert len(split_parts("Were those nationalities ever rehabilitated, and in which period?").labels) == 2
    assert len(split_parts("Когда умер Сталин и когда Россия реабилитировала Троцкого?", "ru").labels) == 2
    assert len(split_parts("Троцкий қашан өлтірілді және оны кім ақтады?", "kk").labels) == 2


def test_ten_parts_and_nested_ands_stay_bounded():
    ten = split_parts(" and ".join(["when was Trotsky rehabilitated"] * 10) + "?")
    assert len(ten.labels) == MAX_PARTS and ten.capped
    nested = split_parts("Who advised " + " and ".join(["Mikoyan"] * 500) + "?")
    assert len(nested.labels) == 1 and not nested.capped


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("Which Armenian leaders did Mikoyan help with the rehabilitations?", "help"),
        ("Whom did Mikoyan quietly help with rehabilitating former 'enemies'?", "help"),
        ("Who did he advise?", "advise"),
        ("When did the Soviet government release them?", ""),  # a noun phrase subject: the rules cannot tell
        ("Who was rehabilitated?", ""),
    ],
)
def test_the_verb_after_a_do_auxiliary_and_a_named_subject(question, verb):
    assert do_verb(question) == verb


@pytest.mark.parametrize(
    ("question", "language", "exact"),
    [
        ("When will the commission finish its work?", "en", True),
        ("When did the commission finish its work?", "en", False),
        ("Когда комиссия будет завершать работу?", "ru", True),
        ("Когда комиссия завершила работу?", "ru", False),
        ("Мемлекеттік комиссия ақтау жұмысын қашан аяқтайды?", "kk", True),
        ("Мемлекеттік комиссия ақтау жұмысын қашан аяқтады?", "kk", False),
    ],
)
def test_a_when_question_about_the_future_wants_a_date_not_a_period(question, language, exact):
    a = asked(question, language)
    assert a.kind == "when" and a.exact_date is exact
    assert held(a, "It happened during a difficult period.") is not exact


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Who was the first person rehabilitated?", "en"),
        ("Кто был первым реабилитированным?", "ru"),
        ("Ең алғаш ақталған адам кім болды?", "kk"),
    ],
)
def test_who_was_the_first_wants_a_sentence_naming_a_first_person(question, language):
    a = asked(question, language)
    assert a.slot == "person" and a.ordinal
    assert held(a, "Russia said that Leon Trotsky was the first to be rehabilitated.")
    assert held(a, "The first victims rehabilitated were poets such as Charents.")
    assert not held(
        a, "In February 1954, Khrushchev ordered assessments, making the first steps towards rehabilitation."
    )
    assert not asked("Who was rehabilitated?", "en").ordinal
    assert not asked("Who first chose the date?", "en").ordinal  # when it was chosen, not the first chooser


@pytest.mark.parametrize(
    "package, reader, language", [("lemminflect", "_lemminflect", "English"), ("pymorphy3", "_morph", "Russian")]
)
def test_a_missing_dictionary_package_is_one_line_naming_the_fix(monkeypatch, package, reader, language):
    """A venv made before the dictionaries became dependencies: an AssistantError (one line on the CLI), no traceback."""
    from assistant.errors import AssistantError
    from assistant.lang import words

    monkeypatch.setitem(sys.modules, package, None)  # `import package` now raises ImportError
    load = getattr(words, reader)
    load.cache_clear()
    try:
        with pytest.raises(
            AssistantError, match=rf"Reading {language} words needs the package {package}.*make install"
        ):
            load()
    finally:
        load.cache_clear()


def test_a_sentence_opening_with_as_and_a_clause_gives_a_reason():
    why = asked("Why do activists object?")
    assert held(why, "As numbers of political prisoners grow, they say, the line is being blurred.")
    assert not held(why, "As many as 5,000 people died in the camp.")  # a quantity, no clause of cause
    assert not held(why, "The camp was as large as a country.")


def test_a_reporting_verb_before_to_gives_way_to_the_verb_it_reports():
    from assistant.slots import do_verb, reporting_verb

    question = "In which city did Kuznetsov claim to have met Polivanov?"
    assert do_verb(question) == "met" and reporting_verb(question) == "claim"
    assert (
        do_verb("Which leaders did Mikoyan help?") == "help" and reporting_verb("Which leaders did Mikoyan help?") == ""
    )


def test_where_something_came_from_is_answered_by_a_source_after_from():
    source = asked("Where did the money for the memorial come from?")
    assert source.slot == "place" and source.source and not WHERE.source
    sentence = "He said the project received financing from a government-backed foundation."
    assert held(source, sentence, question="Where did the money for the memorial come from?")
    assert not held(WHERE, sentence)  # "where did he give the speech?" asks for a place
