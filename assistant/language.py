"""Which language a question is in (Kazakh, Russian, English or another), and names across scripts.

`detect` decides by rules first and asks py3langid only when the rules cannot tell: the script most
letters are in picks the rules; Kazakh's own letters mean Kazakh (Ukrainian's and Serbian's mean
neither Kazakh nor Russian); Kazakh typed with Russian look-alike letters (қ -> к) is told by its words,
Russian typed in Latin letters by its commonest words, other languages in Latin letters by their
question words or by py3langid being sure enough. Short Latin text without such evidence is English,
so names and greetings are never turned away. `to_latin` and `latin_variants` spell a Cyrillic word
in Latin letters (Троцкий -> trotskiy, trotsky) for matching against the English sources.
The langid model is loaded on first use, not at import.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

SUPPORTED = ("kk", "ru", "en")
NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

OTHER_FLOOR = 0.7  # py3langid's probability for a language other than ours, above which Latin text is "other"
WORD_RULE_CONFIDENCE = 0.9  # what a decision by a word list (not by letters or the model) is worth

_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# Ukrainian, Belarusian, Serbian, Uzbek ... letters and Ukrainian/Belarusian question words: never Kazakh or Russian.
_OTHER_CYRILLIC_LETTERS = frozenset("єїґўђјљњћџѓќѕЄЇҐЎЂЈЉЊЋЏЃЌЅ")
_OTHER_CYRILLIC_WORDS = frozenset("хто що коли скільки чому калі колькі чаму".split())
# Kazakh words as typed with Russian letters only (қ -> к, ү -> у, ...), none of them a Russian word.
_KAZAKH_WORDS = frozenset(
    """канша кашан кайда кандай калай неше неге деген жылы болды болган болады туралы кайтыс рахмет
    салем сэлем жане мен айтып бериниз кайсы""".split()
)
_KAZAKH_STEMS = ("казакстан", "актал")
# Russian typed in Latin letters: its commonest words (none an English word), spelt in Cyrillic.
_TRANSLIT_RU = {
    "kogda": "когда", "kto": "кто", "chto": "что", "shto": "что", "gde": "где", "kuda": "куда",
    "otkuda": "откуда", "pochemu": "почему", "zachem": "зачем", "skolko": "сколько", "skol'ko": "сколько",
    "kak": "как", "kakoi": "какой", "kakoy": "какой", "kakaya": "какая", "kakie": "какие", "byl": "был",
    "byla": "была", "bylo": "было", "byli": "были", "takoi": "такой", "takoy": "такой", "takaya": "такая",
    "takoe": "такое", "takie": "такие", "eto": "это", "ili": "или", "kogo": "кого", "chego": "чего",
    "komu": "кому", "kotoryi": "который", "kotorye": "которые", "chelovek": "человек", "privet": "привет",
    "spasibo": "спасибо", "pozhaluista": "пожалуйста", "pozhaluysta": "пожалуйста", "rasskazhi": "расскажи",
    "zdravstvuite": "здравствуйте", "zdravstvuyte": "здравствуйте",
    "kakom": "каком", "kakoj": "какой", "godu": "году", "ubili": "убили", "ubit": "убит", "sidel": "сидел",
    "sideli": "сидели", "osvobodili": "освободили", "skazal": "сказал", "posle": "после", "nazyvalsya": "назывался",
}
# reabilitirovan, reabilitirovali: Russian only (Uzbek says reabilitatsiya qilindi, English corpora reabilitatsiya).
_TRANSLIT_RU_STEMS = ("reabilitir",)
# Question words and verbs of other Latin-script languages that are not English words.
_FOREIGN_WORDS = frozenset(
    """wer wann warum wurde wurden welche welcher ist qui quand pourquoi combien où quel quelle était
    quién quien cuándo cuando dónde donde qué fue fueron cuántos cuántas cuantas kimdir nedir nerede neden
    niçin kaç edildi perché quando quem onde foi est liegt wie wanneer werd waarom kiedy dlaczego hvem""".split()
)
# Russian Latin spellings cyrtranslit does not know (kh, shch, -skiy, y for ы), fixed before it runs.
_TRANSLIT_FIXES = [
    (re.compile(r"shch", re.I), "щ"),
    (re.compile(r"kh", re.I), "х"),
    (re.compile(r"(?<=[kgх])(?:iy|ii|ij|yi|y)\b", re.I), "ий"),
    (re.compile(r"(?:iy|ii|ij)\b", re.I), "ий"),
    (re.compile(r"yi\b", re.I), "ый"),
    (re.compile(r"(?<=[aeou])[iyj]\b", re.I), "й"),
    (re.compile(r"(?<=[bvdzlmnprstf])y(?![aeiouy'])", re.I), "ы"),
]
# Cyrillic spellings whose English form differs from anyascii's (Берия -> Beria, not Beriya).
_ENGLISH_SPELLINGS = [
    (re.compile(r"[иы]й\b"), "y"),  # Троцкий -> trotsky
    (re.compile(r"ия\b"), "ia"),  # Берия -> beria
    (re.compile(r"ье"), "ie"),  # Зиновьев -> zinoviev
    (re.compile(r"(?<=[аеёиоуыэюяәөұү])й"), "i"),  # Сейфуллин -> seifullin
    (re.compile(r"\bе"), "ye"),  # Ежов -> yezhov
    (re.compile(r"қ"), "k"),  # Қазақ -> kazak
]
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


@dataclass(frozen=True)
class Detected:
    """The language of a question, how sure that is, and the text to analyse in it."""

    language: str  # "kk" | "ru" | "en" | "other"
    confidence: float
    text: str  # what to analyse: the question itself, or for Russian typed in Latin letters its Cyrillic form
    transliterated: bool = False


def detect(text: str, default: str = "en") -> Detected:
    """The language of a question; `default` when it has no letters to tell by."""
    plain = unicodedata.normalize("NFC", text)
    cyrillic, latin, other = _letter_counts(plain)
    if cyrillic + latin + other == 0:
        return Detected(default, 0.0, text)
    if other > max(cyrillic, latin):
        return Detected("other", 1.0, text)
    if cyrillic >= latin:
        return _detect_cyrillic(plain, text)
    return _detect_latin(plain, text)


def _detect_cyrillic(plain: str, text: str) -> Detected:
    words = _WORD.findall(plain.lower())
    if any(ch in _OTHER_CYRILLIC_LETTERS for ch in plain) or _OTHER_CYRILLIC_WORDS.intersection(words):
        return Detected("other", WORD_RULE_CONFIDENCE, text)
    if any(ch in _KAZAKH_LETTERS for ch in plain):
        return Detected("kk", 1.0, text)
    if any(w in _KAZAKH_WORDS or w.startswith(_KAZAKH_STEMS) for w in words):
        return Detected("kk", WORD_RULE_CONFIDENCE, text)
    language, probability = _identifier(("kk", "ru")).classify(plain)
    return Detected(language, probability, text)


def _detect_latin(plain: str, text: str) -> Detected:
    words = _WORD.findall(plain.lower())
    ascii_only = all(ch.isascii() or not _is_latin(ch) for ch in plain if ch.isalpha())
    if ascii_only and any(w in _TRANSLIT_RU or w.startswith(_TRANSLIT_RU_STEMS) for w in words):
        return Detected("ru", WORD_RULE_CONFIDENCE, _to_cyrillic(plain), transliterated=True)
    ranked = _identifier().rank(plain)
    top, probability = ranked[0]
    if top not in SUPPORTED:
        if _FOREIGN_WORDS.intersection(words):
            return Detected("other", max(probability, WORD_RULE_CONFIDENCE), text)
        if probability >= OTHER_FLOOR and len(words) > 1:
            return Detected("other", probability, text)
    return Detected("en", dict(ranked)["en"], text)


def _to_cyrillic(text: str) -> str:
    """Russian typed in Latin letters, in Cyrillic (kto takoi trotskii -> кто такой тротский)."""
    import cyrtranslit

    def word(m: re.Match) -> str:
        w = m.group()
        known = _TRANSLIT_RU.get(w.lower())
        if known is not None:
            return known.capitalize() if w[0].isupper() else known
        for pattern, cyrillic in _TRANSLIT_FIXES:
            w = pattern.sub(lambda f, c=cyrillic: c.upper() if f.group().isupper() else c, w)
        return cyrtranslit.to_cyrillic(w, "ru")

    return _LATIN_WORD.sub(word, text)


def to_latin(word: str) -> str:
    """A word in Latin letters, lower-cased, soft and hard signs dropped (Троцкий -> trotskiy)."""
    from anyascii import anyascii

    return re.sub(r"['\"]", "", anyascii(word)).lower()


def latin_variants(word: str) -> tuple[str, ...]:
    """`to_latin`, then the spelling English sources tend to use (Троцкий -> trotskiy, trotsky)."""
    lowered = word.lower()
    english = lowered
    for pattern, latin in _ENGLISH_SPELLINGS:
        english = pattern.sub(latin, english)
    return tuple(dict.fromkeys((to_latin(lowered), to_latin(english))))


def is_cyrillic(word: str) -> bool:
    """Whether a word is written mostly in Cyrillic letters."""
    cyrillic, latin, other = _letter_counts(word)
    return cyrillic > 0 and cyrillic >= latin + other


def _letter_counts(text: str) -> tuple[int, int, int]:
    cyrillic = latin = other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if "\u0400" <= ch <= "\u052f" or "\u1c80" <= ch <= "\u1c8f" or "\u2de0" <= ch <= "\u2dff" or "\ua640" <= ch <= "\ua69f":
            cyrillic += 1
        elif _is_latin(ch):
            latin += 1
        else:
            other += 3 if unicodedata.east_asian_width(ch) in "WF" else 1  # a Chinese character is a word, not a letter
    return cyrillic, latin, other


@lru_cache(maxsize=1)
def _langid_model() -> tuple:
    """py3langid's model arrays, read once (decompressing it takes about a second; restricting an identifier to some
    languages makes new arrays and leaves these as they are)."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    return np.asarray(ptc), np.asarray(pc), classes, nextmove, row, output


def _is_latin(ch: str) -> bool:
    return ch < "\u0250" or "\u1e00" <= ch <= "\u1eff"


@lru_cache(maxsize=2)
def _identifier(languages: tuple[str, ...] = ()):
    """py3langid's model with normalised probabilities, restricted to `languages` if any."""
    from py3langid.langid import LanguageIdentifier

    ptc, pc, classes, nextmove, row, output = _langid_model()  # both identifiers share one read of the model
    identifier = LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)
    if languages:
        identifier.set_languages(list(languages))
    return identifier
