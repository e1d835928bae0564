"""Whether a message holds a word in a language the assistant serves: the test that tells a visitor's words from
mojibake, a fuzzer's probe or keyboard noise.

It reads as one of our languages when `language.detect` places it in Kazakh, Russian or English and it holds a
word of that language that says something: three letters or more of its alphabet, with a vowel, not one letter
repeated, not a common word (`text.stopwords`) and not a program's placeholder ("null", "NIL", "undefined"); or
else two common words ("Кто это?"). A word is a whitespace-separated token of letters only, once the
punctuation around it is gone, so mojibake such as "Ã©tÃ©" or "Ð¿Ñ€Ð¸Ð²ÐµÑ‚" (symbols inside), "COM1", a random
"xQ", "aaaa", "Р𝔗" or a lone "if" is no word of ours; nor is a message of keyboard mash alone ("asdfghjkl",
"фыва олдж": `keyboard_mash`).

Used for what visitors needed (unanswered.py: only such questions are logged) and for small talk recognised by
meaning (engine.py: a vector of noise may sit near "hello", but noise is not a greeting).
"""

from __future__ import annotations

import re
from functools import cache

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
    if not isinstance(question, str) or not question.strip() or keyboard_mash(question):
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


def holds_english_word(text: str, wordnet_dir=None) -> bool:
    """Whether a message holds an English word: a common one (`text.stopwords`) or one WordNet knows in some form
    (lang/thesaurus.english_word). Noise such as "AAB" may sit near "hello" in MiniLM's space but holds none. True
    when WordNet is not installed (nothing to tell by)."""
    from .thesaurus import WORDNET_DIR, english_word

    common = stopwords("en")
    found = re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower())
    if any(w in common for w in found):
        return True
    known = [english_word(w, wordnet_dir or WORDNET_DIR) for w in found]
    return any(k is None or k for k in known)


MASH_STEP = 2  # keys apart on a row that one finger roll of mash may skip ("фыввфыв": в to ф)


@cache
def _key_positions() -> dict[str, tuple[int, int]]:
    """Each letter's (row, column) on the keyboards of `scripts.toml` [keyboard_rows]."""
    from .tables import table

    rows = table("scripts")["keyboard_rows"]["rows"]
    return {ch: (r, c) for r, row in enumerate(rows) for c, ch in enumerate(row)}


def keyboard_mash(text: str) -> bool:
    """Whether a message is only keyboard mash: every word of three letters or more runs along one row of a keyboard
    (each letter at most MASH_STEP keys from the one before, "asdfghjkl", "qwe rty", "ывапролдж") or repeats one
    letter ("ааааа"), and it has no shorter word. A real word may run along a row ("tree", "пол"), but a message
    made of nothing else asks nothing of the sources."""
    found = words_of(text)
    return bool(found) and all(_along_a_row(w) for w in found)


def _along_a_row(word: str) -> bool:
    keys = _key_positions()
    if len(word) < 3 or any(ch not in keys for ch in word):
        return False
    return all(
        keys[a][0] == keys[b][0] and abs(keys[a][1] - keys[b][1]) <= MASH_STEP
        for a, b in zip(word, word[1:], strict=False)
    )


def words_of(text: str) -> list[str]:
    """The text's words, lower-cased: whitespace-separated tokens made of letters only once the punctuation around
    them is stripped (a hyphen or apostrophe inside is kept). "COM1", "Ð¿Ñ€Ð¸" and "a©b" are no words."""
    out = []
    for token in text.lower().split():
        core = _EDGES.sub("", token)
        if core and all(part.isalpha() for part in re.split(r"[-']", core.replace("’", "'"))):
            out.append(core.replace("’", "'"))
    return out
