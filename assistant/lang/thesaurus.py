"""English verbs that can stand for one another, from Princeton WordNet as Debian ships it (`wordnet-base`).

"When did the court turn down ..." is answered by "... was rejected by the court in 2013", "Who killed ...?" by
"... was shot by ...". e5 cannot tell such pairs from opposites at the word level (pick/choose 0.89, open/close
0.90, measured on these machines), so a question's verb meets a sentence's through WordNet instead: the words of
the verb's first synset (WordNet orders a word's senses by frequency) and of that synset's direct hyponyms, the
more specific verbs ("shoot" and "execute" are ways to kill or murder). Not its hypernyms, the more general verbs:
"headed" is not answered by "continued", nor "succeeded" by "following" (both regressed near-topic refusals on the
seed test split when allowed, as did the rarer senses). Read from `/usr/share/wordnet` (index.verb, data.verb,
verb.exc) once, on first use (about 0.25 s); without the package English verbs are matched by their forms and e5
relatives alone (`make run` installs it).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

WORDNET_DIR = Path("/usr/share/wordnet")  # Debian's wordnet-base
PARTICLES = frozenset("down up off out away over back in on".split())  # a phrasal verb's second word ("turn down")


class Thesaurus:
    """WordNet's verb synsets: each lemma's synsets, and each synset's words and direct hypernyms (read the other
    way round, as each synset's hyponyms)."""

    def __init__(self, senses: dict[str, tuple[str, ...]], synsets: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
                 exceptions: dict[str, str]):
        self.senses = senses  # lemma -> synset offsets
        self.synsets = synsets  # offset -> (words, hypernym offsets)
        self.exceptions = exceptions  # irregular form -> lemma ("brought" -> "bring")
        self.hyponyms: dict[str, list[str]] = {}
        for offset, (_, hypernyms) in synsets.items():
            for h in hypernyms:
                self.hyponyms.setdefault(h, []).append(offset)

    def relatives(self, verb: str, particle: str = "") -> frozenset[str]:
        """The single-word verbs that can stand for `verb` (a lemma or an irregular form; with `particle`, the
        phrasal verb when WordNet has it): the words of its most frequent sense and of that sense's direct
        hyponyms."""
        lemma = self.exceptions.get(verb, verb)
        offsets = self.senses.get(f"{lemma}_{particle}", ()) if particle else ()
        offsets = (offsets or self.senses.get(lemma, ()))[:1]  # its most frequent sense
        near = set(offsets)
        for o in offsets:
            near.update(self.hyponyms.get(o, ()))
        words = {w for o in near for w in self.synsets[o][0] if "_" not in w}
        return frozenset(words - {lemma})


def read_wordnet(folder: Path = WORDNET_DIR) -> Thesaurus | None:
    """WordNet's verbs from Debian's files, or None (logged once) when they are not installed."""
    try:
        return _read(folder)
    except OSError as e:
        log.warning("WordNet not found in %s (%s): English verbs are matched without it; apt-get install wordnet-base", folder, e)
        return None


def _read(folder: Path) -> Thesaurus:
    senses: dict[str, tuple[str, ...]] = {}
    for line in (folder / "index.verb").read_text(encoding="utf-8").splitlines():
        if line.startswith(" ") or not line:
            continue  # the licence header
        f = line.split()
        count = int(f[2])
        senses[f[0]] = tuple(f[-count:])
    synsets: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for line in (folder / "data.verb").read_text(encoding="utf-8").splitlines():
        if line.startswith(" ") or not line:
            continue
        f = line.split(" | ", 1)[0].split()
        count = int(f[3], 16)
        words = tuple(f[4 + 2 * i].lower() for i in range(count))
        at = 4 + 2 * count
        pointers = int(f[at])
        hypernyms = tuple(
            f[at + 2 + 4 * k] for k in range(pointers) if f[at + 1 + 4 * k] == "@" and f[at + 3 + 4 * k] == "v"
        )
        synsets[f[0]] = (words, hypernyms)
    exceptions = {}
    for line in (folder / "verb.exc").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            exceptions[parts[0]] = parts[1]
    return Thesaurus(senses, synsets, exceptions)


@lru_cache(maxsize=4)
def thesaurus(folder: Path = WORDNET_DIR) -> Thesaurus | None:
    """The process's WordNet, read on first use (about 0.25 s)."""
    return read_wordnet(folder)
