"""What the engine knows about each language it serves (English, Russian, Kazakh), in one room.

`data/<language>.toml` holds every word list and pattern the rules read: question words, negation, small talk,
follow-up words, stopwords, endings. Each entry has a `fact` line saying which fact of the language it records,
never a fact of the texts in the corpus. `lexicon(language)` reads one file, once, on first use (not at import).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "ru", "kk")
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Lexicon:
    """One language's entries: name -> {fact, and words | phrases | pattern (| the entries of a table)}."""

    language: str
    entries: dict
    _memo: dict = field(default_factory=dict, compare=False, repr=False)  # (method, name) -> value, computed once

    def _remember(self, key: tuple, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def entry(self, name: str) -> dict:
        try:
            return self.entries[name]
        except KeyError:
            raise KeyError(f"{DATA / self.language}.toml has no entry [{name}]") from None

    def words(self, name: str) -> frozenset[str]:
        """A list of single words, lower-case."""
        return self._remember(("words", name), lambda: frozenset(self.entry(name)["words"].split()))

    def ordered(self, name: str) -> tuple[str, ...]:
        """A list of words or phrases in the order written (where the order matters: endings tried first)."""
        e = self.entry(name)
        return self._remember(
            ("ordered", name), lambda: tuple(e["phrases"]) if "phrases" in e else tuple(e["words"].split())
        )

    def pattern(self, name: str, key: str = "pattern") -> str:
        """A regular expression's text (`key` names one of a table's patterns)."""
        return self.entry(name)[key]

    def table(self, name: str) -> dict[str, str]:
        """A table's named patterns, in the order written (its `fact` left out)."""
        return {k: v for k, v in self.entry(name).items() if k != "fact"}

    def compiled(self, name: str) -> re.Pattern:
        """`pattern(name)` compiled, case-insensitively unless the entry says `case_sensitive`."""
        e = self.entry(name)
        return self._remember(
            ("compiled", name), lambda: re.compile(e["pattern"], 0 if e.get("case_sensitive") else re.I)
        )


@cache
def lexicon(language: str) -> Lexicon:
    """The lexicon of "en", "ru" or "kk" (English for any other code)."""
    language = language if language in LANGUAGES else "en"
    with open(DATA / f"{language}.toml", "rb") as f:
        return Lexicon(language, tomllib.load(f))


def alternation(words) -> str:
    """Words or phrases as one regular expression matching any of them whole, in the order given."""
    return "|".join(words)
