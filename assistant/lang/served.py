"""Whether a message holds a word in a language the assistant serves: the test that tells a visitor's words from
mojibake, a fuzzer's probe or keyboard noise.

It reads as one of our languages when `language.detect` places it in Kazakh, Russian or English and it holds a
word of that language that says something: three letters or more of its alphabet, with a vowel, not one letter
repeated, not a common word (`text.stopwords`) and not a program's placeholder ("null", "NIL", "undefined"); or
else two common words ("Кто это?"). A word is a whitespace-separated token of letters only, once the
punctuation around it is gone, so mojibake such as "Ã©tÃ©" or "Ð¿Ñ€Ð¸Ð²ÐµÑ‚" (symbols inside), "COM1", a random
"xQ", "aaaa", "Р𝔗" or a lone "if" is no word of ours.

Used for what visitors needed (unanswered.py: only such questions are logged) and for small talk recognised by
meaning (engine.py: a vector of noise may sit near "hello", but noise is not a greeting).
"""

from __future__ import annotations

import re

from ..language import SUPPORTED, detect
from ..text import stopwords

# Each language's alphabet and vowels (language knowledge: a word of ours is written in them and holds a vowel).
_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
ALPHABETS = {"en": frozenset("abcdefghijklmnopqrstuvwxyz"), "ru": frozenset(_RU), "kk": frozenset(_RU + "әғқңөұүһі")}
VOWELS = {"en": frozenset("aeiouy"), "ru": frozenset("аеёиоуыэюя"), "kk": frozenset("аеёиоуыэюяәөұүі")}
_EDGES = re.compile(r"^[^\w]+|[^\w]+$")  # punctuation and symbols around a word: "«Карлаг»?" -> карлаг
# What programs send for an empty or missing value (JSON, JavaScript, Python, Lisp, SQL literals): a question made
# of these alone is a client's bug or a fuzzer's probe, not a visitor's need.
PLACEHOLDERS = frozenset("null nil nul none undefined true false nan infinity inf".split())


def has_served_word(question: str) -> bool:
    """Whether a question holds a word in a language the assistant serves (see the module's docstring)."""
    if not isinstance(question, str) or not question.strip():
        return False
    found = detect(question)
    if found.language not in SUPPORTED:
        return False
    alphabet, vowels, common = ALPHABETS[found.language], VOWELS[found.language], stopwords(found.language)
    content, function = 0, 0
    for word in words_of(found.text):  # for Russian typed in Latin letters: its Cyrillic form
        letters = set(word) - set("-'")
        if not letters <= alphabet:
            continue
        if word in common:
            function += len(word) >= 2
        elif len(word) >= 3 and letters & vowels and len(letters) > 1 and word not in PLACEHOLDERS:
            content += 1
    return content > 0 or function >= 2


def words_of(text: str) -> list[str]:
    """The text's words, lower-cased: whitespace-separated tokens made of letters only once the punctuation around
    them is stripped (a hyphen or apostrophe inside is kept). "COM1", "Ð¿Ñ€Ð¸" and "a©b" are no words."""
    out = []
    for token in text.lower().split():
        core = _EDGES.sub("", token)
        if core and all(part.isalpha() for part in re.split(r"[-']", core.replace("’", "'"))):
            out.append(core.replace("’", "'"))
    return out
