"""Russian and Kazakh language rules for documents the engine never saw, as pure logic (no index, no model):
what a question's words are (names or common words), what it asks, and which source lines may answer it."""

from __future__ import annotations

from assistant.answer.evidence import question_events
from assistant.question import analyse
from assistant.vocabulary import Vocabulary


def test_a_lower_case_dictionary_word_is_no_name_whatever_the_sources_capitalise():
    # the sources write "Управление мест заключения" and "Большого террора": capitalised, never in lower case
    names = frozenset({"управлен", "больш", "карлаг", "путин"})
    v = Vocabulary({t: 2 for t in [*names, "располага", "расстреля", "ездил"]}, 10, names=names)
    q = analyse("Где располагалось управление Карлага?", None, 1000)
    events = question_events(q, q.terms, v, "ru")
    assert events.names == ("карлаг",) and "управлен" in events.actions
    # a name typed in lower case stays one: the dictionary tags it a surname
    q = analyse("в каком году путин ездил на полигон", None, 1000)
    assert question_events(q, q.terms, v, "ru").names == ("путин",)
