"""English verbs that can stand for one another, from Princeton WordNet as Debian ships it (`wordnet-base`).

"When did the court turn down ..." is answered by "... was rejected by the court in 2013", "Who killed ...?" by
"... was shot by ...". e5 cannot tell such pairs from opposites at the word level (pick/choose 0.89, open/close
0.90, measured on these machines), so a question's verb meets a sentence's through WordNet instead: the words of
the verb's first synset (WordNet orders a word's senses by frequency) and of that synset's direct hyponyms, the
more specific verbs ("shoot" and "execute" are ways to kill or murder). Of its hypernyms, the more general verbs,
only the words whose own most frequent sense that hypernym is ("picked" is answered by "chosen": pick's first sense
is a way to choose, and choose's first sense is that one): all its hypernyms' words let "headed" be answered by
"continued" and "succeeded" by "following" (both regressed near-topic refusals on the seed test split, as did the
rarer senses). Nouns too, for the noun a how-many question counts: "how
many works" is answered by "140 publications", a more specific noun of one of its senses. Read from
`/usr/share/wordnet` (index.verb and verb.exc on first use, a lemma's line of the index and each synset's line of
data.verb when asked); without the package English verbs are matched by their forms and e5 relatives alone (`make
run` installs it).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from ..text import terms_of
from . import lexicon
from .words import read_words

log = logging.getLogger(__name__)

WORDNET_DIR = Path("/usr/share/wordnet")  # Debian's wordnet-base
PARTICLES = frozenset("down up off out away over back in on".split())  # a phrasal verb's second word ("turn down")


class Thesaurus:
    """WordNet's verbs (or nouns, `pos` "noun"): each lemma's synsets (from index.verb), each synset's words and
    direct hyponyms read from data.verb when asked (a synset's offset is where its line starts in that file),
    remembered per synset."""

    def __init__(
        self, folder: Path, senses: _Index | dict[str, tuple[str, ...]], exceptions: dict[str, str], pos: str = "verb"
    ):
        self.data = folder / f"data.{pos}"
        self.pointer_pos = pos[0]  # "v", "n": a hyponym pointer's part of speech
        self.senses = senses  # lemma -> synset offsets, most frequent sense first
        self.exceptions = exceptions  # irregular form -> lemma ("brought" -> "bring")
        self._synset = lru_cache(maxsize=4096)(self._read_synset)

    def relatives(self, verb: str, particle: str = "", senses: int = 1) -> frozenset[str]:
        """The single words that can stand for `verb` (a lemma or an irregular form; with `particle`, the
        phrasal verb when WordNet has it): the words of its most frequent sense (of its first `senses` senses)
        and of that sense's direct hyponyms."""
        lemma = self.exceptions.get(verb, verb)
        offsets = self.senses.get(f"{lemma}_{particle}", ()) if particle else ()
        offsets = (offsets or self.senses.get(lemma, ()))[:senses]  # its most frequent senses
        words: set[str] = set()
        for o in offsets:
            own, hyponyms, hypernyms = self._synset(o)
            words.update(own)
            for h in hyponyms:
                words.update(self._synset(h)[0])
            if self.pointer_pos == "v":  # a verb's more general verb, when that is its own most frequent sense
                for h in hypernyms:
                    words.update(w for w in self._synset(h)[0] if self.senses.get(w, ())[:1] == (h,))
        return frozenset(w for w in words if "_" not in w) - {lemma}

    def _read_synset(self, offset: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """(its words, its direct hyponyms' offsets, its direct hypernyms') from the synset's line of data.verb."""
        with self.data.open("rb") as f:
            f.seek(int(offset))
            fields = f.readline().decode("utf-8").split(" | ", 1)[0].split()
        count = int(fields[3], 16)
        words = tuple(fields[4 + 2 * i].lower() for i in range(count))
        at = 4 + 2 * count
        pointers = [fields[at + 1 + 4 * k : at + 5 + 4 * k] for k in range(int(fields[at]))]
        linked = lambda mark: tuple(t for symbol, t, pos, _ in pointers if symbol == mark and pos == self.pointer_pos)  # noqa: E731
        return words, linked("~"), linked("@")


def read_wordnet(folder: Path = WORDNET_DIR, pos: str = "verb") -> Thesaurus | None:
    """WordNet's verbs (or nouns) from Debian's files, or None (logged once) when they are not installed."""
    try:
        return _read(folder, pos)
    except OSError as e:
        log.warning(
            "WordNet not found in %s (%s): English verbs are matched without it; apt-get install wordnet-base",
            folder,
            e,
        )
        return None


def _read(folder: Path, pos: str = "verb") -> Thesaurus:
    if not (folder / f"data.{pos}").is_file():
        raise FileNotFoundError(folder / f"data.{pos}")
    senses = _Index((folder / f"index.{pos}").read_bytes())
    exceptions = {}
    for line in (folder / f"{pos}.exc").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            exceptions[parts[0]] = parts[1]
    return Thesaurus(folder, senses, exceptions, pos)


class _Index:
    """index.verb (or index.noun) as read from disk: a lemma's synset offsets, most frequent sense first, found
    when asked (its line starts with the lemma and a space) rather than parsing all 117,000 nouns up front."""

    def __init__(self, text: bytes):
        self.text = text
        self.get = lru_cache(maxsize=4096)(self._get)

    def _get(self, lemma: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        key = b"\n" + lemma.encode("utf-8") + b" "
        at = self.text.find(key)
        if at < 0:
            return default
        fields = self.text[at + 1 : self.text.index(b"\n", at + 1)].decode("utf-8").split()
        return tuple(fields[-int(fields[2]) :])


POS = ("noun", "verb", "adj", "adv")


def english_word(word: str, folder: Path = WORDNET_DIR) -> bool | None:
    """Whether WordNet holds an English word in some form ("hairdressers", "reorganised"): a word of the language,
    not a typo or a string of keys ("asdfgh"). None when WordNet is not installed."""
    books = [thesaurus(folder, pos) for pos in POS]  # the same lemma indexes the verb and noun relatives read
    if any(b is None for b in books):
        return None
    from lemminflect import getAllLemmas, getAllLemmasOOV

    low = word.lower()
    forms = {low}
    for found in (getAllLemmas(low), getAllLemmasOOV(low, "NOUN"), getAllLemmasOOV(low, "VERB")):
        forms.update(lemma for lemmas in found.values() for lemma in lemmas)
    return any(b.senses.get(f) for b in books for f in forms)


@lru_cache(maxsize=4)
def thesaurus(folder: Path = WORDNET_DIR, pos: str = "verb") -> Thesaurus | None:
    """The process's WordNet verbs (or nouns), its index read on first use (a few hundredths of a second)."""
    return read_wordnet(folder, pos)


def verb_relatives(text: str, verbs: set[str], thesaurus) -> dict[str, frozenset[str]]:
    """Each asked-about verb term of an English question -> the verbs WordNet says can stand for it (a phrasal verb
    read with its particle: "turn down" -> reject), less light verbs ("be", "have"), which say no event."""
    light = lexicon("en").words("light") | lexicon("en").words("auxiliaries")
    found = read_words(text, "en")
    out: dict[str, frozenset[str]] = {}
    for i, w in enumerate(found):
        stem = terms_of([w.text.lower()], "en")
        if not stem or stem[0] not in verbs:
            continue
        after = found[i + 1].text.lower() if i + 1 < len(found) else ""
        particle = after if after in PARTICLES else ""
        near = frozenset().union(*(thesaurus.relatives(lemma, particle) for lemma in w.lemmas or {w.text.lower()}))
        out[stem[0]] = out.get(stem[0], frozenset()) | (near - light)
    return out
