"""term_in's Cyrillic rule (a long shared start after folding) gives the same verdicts with its cheap first test."""

from __future__ import annotations

import itertools

from assistant.answer.evidence import fold, term_in
from assistant.text import shared_start

WORDS = [
    "осуждён",
    "осуждения",
    "осудили",
    "осуд",
    "ақталды",
    "актальды",
    "ақтау",
    "акталган",
    "объявил",
    "объ",
    "обь",
    "объём",
    "съезд",
    "съезде",
    "сьезд",
    "реабилитация",
    "реабилитирован",
    "рехабилитация",
    "қуғын",
    "куғын",
    "кугын",
    "сүргін",
    "сургин",
    "аба",
    "абв",
    "аб",
    "ъъъъ",
    "ьабв",
    "абвьгд",
    "һижра",
    "хижра",
    "ёлка",
    "елка",
    "stalin",
    "stalins",
    "1953",
    "қазақстан",
    "казакстан",
    "казахстан",
]


def _old_rule(term: str, sentence_terms: frozenset[str]) -> bool:
    """The Cyrillic branch as it read before the first test was added."""
    folded = fold(term)
    return any(
        shared_start(folded, fold(s)) >= max(3, 0.6 * min(len(folded), len(s))) for s in sentence_terms if len(s) >= 3
    )


def test_the_cyrillic_rule_gives_the_old_verdicts_on_every_pair_and_triple():
    cyrillic = [w for w in WORDS if len(w) >= 4 and not w.isascii()]
    checked = agreed = 0
    for term in cyrillic:
        for size in (1, 2, 3):
            for others in itertools.combinations(WORDS, size):
                sentence = frozenset(others)
                if term in sentence:
                    continue  # the exact-term rule answers before this one
                checked += 1
                agreed += term_in(term, sentence) == _old_rule(term, sentence)
    assert checked > 10_000
    assert agreed == checked


def test_forms_match_and_mere_neighbours_do_not():
    assert term_in("осуждения", frozenset({"осуждён", "суд"}))  # a long shared start: осужд-
    assert term_in("актальды", frozenset({"ақталды"}))  # Kazakh typed on a Russian keyboard
    assert term_in("объявил", frozenset({"обявили"}))  # the hard sign folded away
    assert term_in("съезд", frozenset({"сьезд"}))  # both fold to "сезд"
    assert not term_in("реабилитация", frozenset({"рехабилитация", "реформа"}))  # "ре" is too short a start
    assert not term_in("ақтау", frozenset({"аб", "ақ"}))  # terms under 3 letters never match this way
