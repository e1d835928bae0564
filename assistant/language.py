"""Which language a question or a document is in (Kazakh, Russian, English or another), and names across scripts.

`detect` decides by rules first and asks py3langid only when the rules cannot tell: the script most
letters are in picks the rules; Kazakh's own letters mean Kazakh (Ukrainian's and Serbian's mean
neither Kazakh nor Russian); Kazakh typed with Russian look-alike letters (қ -> к) is told by its words,
Russian typed in Latin letters by its commonest words, other languages in Latin letters by their
question words or by py3langid being sure enough. Short Latin text without such evidence is English,
so names and greetings are never turned away. `to_latin` and `latin_variants` spell a Cyrillic word
in Latin letters (Троцкий -> trotskiy, trotsky) for matching against the English sources. Kazakh typed in
Latin letters and words typed in two scripts are read by `lang/scripts.py`.
The langid model is loaded on first use, not at import.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .lang.scripts import MIXED_WORD, kazakh_to_cyrillic, looks_kazakh_latin

SUPPORTED = ("kk", "ru", "en")
NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

OTHER_FLOOR = 0.7  # py3langid's probability for a language other than ours, above which Latin text is "other"
WORD_RULE_CONFIDENCE = 0.9  # what a decision by a word list (not by letters or the model) is worth
CACHED_WORDS = 65536  # words whose alphabet a process remembers (bounded: a server runs for days)
MAX_CACHED_WORD = 40  # longer strings (a phrase, a sentence) are counted each time, not kept

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
    from .lang.words import known_word

    if all(known_word(w, "ru") for w in words):  # "ты кто": py3langid guesses at two short words; the dictionary knows
        return Detected("ru", WORD_RULE_CONFIDENCE, text)
    language, probability = _identifier(("kk", "ru")).classify(plain)
    return Detected(language, probability, text)


def _detect_latin(plain: str, text: str) -> Detected:
    words = _WORD.findall(plain.lower())
    ascii_only = all(ch.isascii() or not _is_latin(ch) for ch in plain if ch.isalpha())
    if ascii_only and any(w in _TRANSLIT_RU or w.startswith(_TRANSLIT_RU_STEMS) for w in words):
        return Detected("ru", WORD_RULE_CONFIDENCE, _to_cyrillic(plain), transliterated=True)
    if looks_kazakh_latin(plain) and not _FOREIGN_WORDS.intersection(words):
        return Detected("kk", WORD_RULE_CONFIDENCE, kazakh_to_cyrillic(plain), transliterated=True)
    ranked = _identifier().rank(plain)
    top, probability = ranked[0]
    if top not in SUPPORTED:
        if _FOREIGN_WORDS.intersection(words):
            return Detected("other", max(probability, WORD_RULE_CONFIDENCE), text)
        if probability >= OTHER_FLOOR and len(words) > 1 and not _english_grammar(words):
            return Detected("other", probability, text)
    return Detected("en", dict(ranked)["en"], text)


def _english_grammar(words: list[str]) -> bool:
    """Whether English function words carry the text (two or more, a third of its words or more): langid reads a
    short English question full of names and figures ("Where did Putin go on 30 October 2007?") as an
    English-based creole (Nigerian Pidgin), which is no reason to turn the visitor away."""
    from .lang.scripts import english_function_words

    english = english_function_words(words)
    return english >= 2 and 3 * english >= len(words)


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
    """Whether a word is written mostly in Cyrillic letters (a word's answer remembered: sentence checks ask it of the
    same terms thousands of times a question)."""
    return _cyrillic_word(word) if len(word) <= MAX_CACHED_WORD else _mostly_cyrillic(word)


def _mostly_cyrillic(text: str) -> bool:
    cyrillic, latin, other = _letter_counts(text)
    return cyrillic > 0 and cyrillic >= latin + other


_cyrillic_word = lru_cache(maxsize=CACHED_WORDS)(_mostly_cyrillic)


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
    """py3langid's model arrays, read once (restricting an identifier to some languages makes new arrays and leaves
    these as they are). py3langid ships the model LZMA-compressed, and decompressing it was a fifth of a cold start's
    CPU time: it is decompressed once per machine and installation into the cache beside the ONNX exports, and read
    from there; a missing or damaged copy is made again, and py3langid's own reader is the fallback."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    source, copy = MODEL_DIR / MODEL_FILE, None
    try:
        copy = _unpacked_langid(source)
        ptc, pc, classes, nextmove, row, output = _read_unpacked(copy)
    except Exception:  # noqa: BLE001 - any trouble with the copy: py3langid reads its own file as it always did
        if copy is not None:
            copy.unlink(missing_ok=True)  # damaged: the next start makes it again
        ptc, pc, classes, nextmove, row, output = load_model(source)
    return np.asarray(ptc), np.asarray(pc), classes, nextmove, row, output


def _unpacked_langid(source: Path) -> Path:
    """The decompressed copy of py3langid's model (an .npz), made here if missing; named by the source's hash."""
    import hashlib
    import lzma
    import os
    import tempfile

    from .config import default_onnx_dir

    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = default_onnx_dir().parent / "langid" / f"model-{digest}.npz"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, lzma.open(source) as src:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
            os.replace(tmp, target)  # whole or absent: a concurrent start reads the old state or the new file
        finally:
            Path(tmp).unlink(missing_ok=True)
    return target


def _read_unpacked(path: Path) -> tuple:
    """The arrays py3langid's load_model returns, from the decompressed .npz."""
    import numpy as np
    from py3langid.modelio import _to_array

    with np.load(path, allow_pickle=False) as data:
        return (
            data["ptc"], data["pc"], data["classes"].tolist(), _to_array(data["nextmove"]),
            _to_array(data["nextmove_row"]), data["out_feat"].tolist(),
        )  # fmt: skip


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


# --- documents: the language of a whole text --------------------------------------------------------------------

MIN_DETECT_LETTERS = 40  # fewer letters than this and a text's language is not guessed (sources.toml or English)
SURE = 0.9  # how sure detection must be to overrule sources.toml


@dataclass(frozen=True)
class TextLanguage:
    """What a document's text is written in: "en", "ru", "kk", another language's code ("de"), or "" (cannot tell)."""

    language: str
    confidence: float
    mixed_words: int = 0  # Cyrillic words holding a Latin look-alike letter (Kazakh "бiр" typed with a Latin i)


def detect_text(text: str) -> TextLanguage:
    """The language a document is written in, from its letters (Kazakh's own letters, Ukrainian's) and py3langid."""
    sample = unicodedata.normalize("NFC", text[:20_000])
    cyrillic, latin, other = _letter_counts(sample)
    mixed = len(MIXED_WORD.findall(sample))
    if cyrillic + latin + other < MIN_DETECT_LETTERS:
        return TextLanguage("", 0.0, mixed)
    if other > max(cyrillic, latin):
        top, p = _identifier().classify(sample)
        return TextLanguage(top, p, mixed)
    if cyrillic >= latin:
        if sum(sample.count(ch) for ch in _OTHER_CYRILLIC_LETTERS) > cyrillic * 0.005:
            return TextLanguage("uk", 0.9, mixed)
        kazakh = sum(1 for ch in sample if ch in _KAZAKH_LETTERS) + mixed
        if kazakh > cyrillic * 0.01:
            return TextLanguage("kk", 1.0, mixed)
        language, p = _identifier(("kk", "ru")).classify(sample)
        return TextLanguage(language, p, mixed)
    top, p = _identifier().classify(sample)
    if top != "en" and p < SURE:
        return TextLanguage("en", 1 - p, mixed)
    return TextLanguage(top, p, mixed)


LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh"}


def document_language(doc) -> str:
    """A document's language as ingest settled it (its meta 'language'); English when it could not tell."""
    language = str(doc.meta.get("language") or "")
    return language if language in SUPPORTED else "en"


def settle_language(declared: str, found: TextLanguage) -> tuple[str, str]:
    """(the language to read a document in, where that came from) from sources.toml and the text itself.

    The text wins when detection is sure and disagrees: a document is read as what it is written in.
    """
    declared = (declared or "").strip().lower()
    sure = found.language and found.confidence >= SURE
    if declared and (not sure or found.language == declared):
        return declared, "sources.toml"
    if sure and declared:
        return found.language, f"detected; sources.toml says '{declared}'"
    if found.language:
        return found.language, "detected"
    return declared or "en", "sources.toml" if declared else "assumed (too little text to tell)"
