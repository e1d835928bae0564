"""Word-level text helpers shared by lexical search and sentence selection."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours out over own same she should so
    some such than that the their theirs them then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours
    tell me please know anything much many did does there s t whose according whats exactly actually
    really even just""".split()
)


# Small function-word lists: enough to keep "когда", "қашан" and the like out of term overlap.
STOPWORDS_BY_LANGUAGE = {
    "en": STOPWORDS,
    "ru": frozenset(
        """а и в во на не ни но да же ли бы был была было были быть есть это этот эта эти тот та те то
        как так что чтобы кто кого кому чей чья чьё чьи где куда откуда когда почему зачем сколько какой
        какая какое какие каком каких который которая которое которые он она оно они его её ее их ему ей им
        них ним я мы вы ты мне нам вам меня нас вас себя свой своя своё свои с со к ко о об от до по при
        для из у за над под про без через между после перед или либо ещё еще уже только также тоже вот
        там тут здесь тогда потом году год годах годы лет""".split()
    ),
    "kk": frozenset(
        """және мен бен пен да де та те ма ме ба бе па пе ол олар оның оны оған олардың біз сіз сен мен
        бұл осы сол мына ана не кім қашан қайда қанша неше неге неліктен қандай қай қалай үшін деп дейін
        кейін бойынша туралы арқылы бар жоқ еді болды болған болып ғой ғана тек әлі енді да жылы жыл
        жылдары жылғы""".split()
    ),
}

# Kazakh has no Snowball stemmer; strip one case ending, then one plural ending, while at least
# three letters remain, so "Қазақстанда", "Қазақстанның" and "Қазақстанға" all meet at "қазақстан".
# The order matters: the short locative "да" before "нда", or "Қазақстанда" would lose its "н".
_KK_CASE = tuple(
    """ның нің дың дің тың тің дан ден тан тен нан нен ға ге қа ке да де та те нда нде
    ды ді ты ті ны ні мен бен пен на не""".split()
)
_KK_PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")


def stem_kazakh(word: str) -> str:
    """A light Kazakh stem: one case ending, then one plural ending, stripped."""
    for endings in (_KK_CASE, _KK_PLURAL):
        for suffix in endings:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
    return word


@lru_cache(maxsize=4)
def _stemmer(language: str = "en"):
    import Stemmer

    return Stemmer.Stemmer({"ru": "russian"}.get(language, "english"))


def words(text: str) -> list[str]:
    """Lower-cased words, apostrophes folded (Stalin's -> stalin)."""
    out = []
    for w in _WORD.findall(text.lower()):
        out.append(re.split(r"[’']", w)[0])
    return out


def terms(text: str, language: str = "en") -> list[str]:
    """Stemmed content words, the unit of BM25 and of term overlap, stemmed as the text's language wants."""
    return terms_of(words(text), language)


def terms_of(tokens, language: str = "en") -> list[str]:
    """Stemmed content words of already-split words (see `words`)."""
    stop = STOPWORDS_BY_LANGUAGE.get(language, STOPWORDS)
    kept = [w for w in tokens if w not in stop]
    if not kept:
        return []
    if language == "kk":
        return [stem_kazakh(w) for w in kept]
    return _stemmer(language).stemWords(kept)


def plain_text(text: str) -> str:
    """Text safe for every later stage: lone surrogates (from broken JSON) replaced, spaces collapsed."""
    return " ".join(text.encode("utf-8", "replace").decode("utf-8").split())
