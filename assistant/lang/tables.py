"""Language tables that are not word lists of one language: abbreviations by language, letters across scripts.

`table(name)` reads `data/<name>.toml` once, on first use (not at import). Each table says in its `fact` lines
which fact of the languages it records, never a fact of the texts in the corpus.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@cache
def table(name: str) -> dict:
    """The parsed `data/<name>.toml`."""
    with open(DATA / f"{name}.toml", "rb") as f:
        return tomllib.load(f)
