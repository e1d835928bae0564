"""Related words: the corpus words that e5 places close to a question word ("start" -> began, founded; "kill" ->
shot, murdered; "закрыть" -> закрыли), measured, not listed.

At ingest every content word of the corpus (its dictionary forms) is embedded once, as e5 embeds a query, and
kept in the index (`words.jsonl`, `words.npy`). A question word the corpus also uses is looked up there; one it
does not use is embedded when asked (remembered, at most `MAX_NEW_WORDS` a question). Two words are related when
their cosine reaches `related_word_similarity` (a setting, tuned on the unseen tune set: single words sit in a
narrow, high band of e5 cosines, 0.85-0.96 on pairs we checked by hand).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np

MIN_LETTERS = 3
MAX_NEW_WORDS = 2  # question words the corpus never uses, embedded per question at most (each costs an e5 run)


def embed_words(words: list[str], encoder, cache) -> np.ndarray:
    """The words' e5 vectors as queries, one row each, from the embedding cache where it has them."""
    from ..embedding import text_hash

    if not words:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    key = f"{encoder.model_id}|{encoder.backend}|query"
    hashes = [text_hash(w) for w in words]
    known = cache.get_many(key, hashes) if cache else {}
    fresh = {h: encoder.encode_query(w) for h, w in zip(hashes, words, strict=True) if h not in known}
    if fresh and cache:
        cache.put_many(key, fresh)
    known.update(fresh)
    return np.stack([known[h] for h in hashes]).astype(np.float32)


def table_words(records: Iterable[dict]) -> list[str]:
    """The words a related-words table holds: every dictionary form of every content word of the facts records."""
    found: set[str] = set()
    for r in records:
        for _, _, text, lemmas, _, tags in r["w"]:
            if "stop" in tags.split("|") or text[:1].isdigit():
                continue
            forms = set(lemmas.split("|"))
            forms = (forms - {text.lower()}) or forms  # its dictionary forms; the word as written when it is one
            found.update(f for f in forms if len(f) >= MIN_LETTERS and f.isalpha())
    return sorted(found)


class WordVectors:
    """The corpus words' e5 vectors, and the corpus words related to a question's word forms."""

    def __init__(self, words: list[str], vectors: np.ndarray, encode: Callable | None = None):
        self.words = words
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.row = {w: i for i, w in enumerate(words)}
        self._encode = lru_cache(maxsize=4096)(encode) if encode is not None else None

    def related(self, forms: Iterable[str], threshold: float, budget: list[int] | None = None) -> frozenset[str]:
        """Corpus words whose cosine with one of these forms reaches the threshold (the forms themselves excluded).

        A form the table lacks is embedded only while `budget` (a one-item list counting down) allows."""
        forms = [f for f in forms if len(f) >= MIN_LETTERS and f.isalpha()]
        rows = [self.row[f] for f in forms if f in self.row]
        if rows:
            vectors = self.vectors[rows]
        elif forms and self._encode is not None and (budget is None or budget[0] > 0):
            if budget is not None:
                budget[0] -= 1
            vectors = np.stack([self._encode(min(forms, key=len))])
        else:
            return frozenset()
        close = np.nonzero((self.vectors @ vectors.T).max(axis=1) >= threshold)[0]
        return frozenset(self.words[i] for i in close) - set(forms)
