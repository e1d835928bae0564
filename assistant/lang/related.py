"""Related words: the corpus words that e5 places close to a question word ("start" -> began, founded; "kill" ->
shot, murdered; "закрыть" -> закрыли), measured, not listed.

At ingest every content word of the corpus (its dictionary forms) is embedded once, as e5 embeds a query, and
kept in the index (`words.jsonl`, `words.npy`). A question word the corpus also uses is looked up there; one it
does not use is embedded when asked (at most `MAX_NEW_WORDS` distinct words a question, each an e5 run of a few
milliseconds, so only for the words a sentence check reads: see `answer.evidence.question_events`). Two words
are related when their cosine reaches `related_word_similarity` (a setting, tuned on the unseen tune set: single
words sit in a narrow, high band of e5 cosines, 0.85-0.96 on pairs we checked by hand). What a word is close to
is worked out once per word and threshold and remembered for the process's later questions.

Measured and left (2026-12-07, unseen tune set; accuracy 0.606, near-topic refusal 0.867, 56 false refusals):
- words in context: e5's layer-7 states of a question word and of a sentence's word in another language, each read in
  its own text (as SimAlign aligns words), are far closer for translations than single words are ("remember" ~
  "еске" 0.76, "victims" ~ "құрбандарын" 0.80), but any verb sits near the other text's verb ("жабылды" 'closed' ~
  "operated" 0.58, "жобалады" 'designed' ~ "планируют" 0.61), and in the int8 export "shot" ~ "Расстреляна" was
  0.41. As a held word for sentences in another language: 0.631 and 37 false refusals but near-topic 0.578 at a
  cosine of 0.5, 0.616 / 0.800 at 0.6, 0.606-0.609 / 0.867 at 0.65-0.7.
- the asked verb's share of the question's e5 vector (its cosine with a sentence minus that of the question without
  the verb): "shot" +0.017 with "Расстреляна ..." against -0.013 with "Родилась ...", but Kazakh verbs no better
  than chance; as a held verb for English questions: one item more at a margin of 0.015, and a near-topic refusal
  lost at 0.01.
- single words cannot tell translations from neighbours: 0.826-0.938 for translations, 0.842-0.872 for
  non-translations ("shot" ~ "расстреляна" 0.860, "shot" ~ "born" 0.867).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from threading import Lock

import numpy as np

MIN_LETTERS = 3
MAX_NEW_WORDS = 2  # question words the corpus never uses, embedded per question at most (each costs an e5 run)
SIMILARITIES = 64  # words whose cosines with the whole table are kept (a question's words, while it is read)
MEMORY = 8192  # words (with their thresholds) whose relatives a process remembers, and new words' vectors


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


class NewWords:
    """The words one question may embed: at most `limit` distinct ones (the same word at two thresholds is one)."""

    def __init__(self, limit: int = MAX_NEW_WORDS):
        self.limit = limit
        self.taken: set[str] = set()

    def allow(self, word: str) -> bool:
        if word not in self.taken and len(self.taken) < self.limit:
            self.taken.add(word)
        return word in self.taken


class WordVectors:
    """The corpus words' e5 vectors, and the corpus words related to a question's word forms.

    Each lookup is one matrix-vector product over the table, on the calling thread (a matrix-matrix product went
    to OpenBLAS's own threads, which on a loaded 2-core machine waited milliseconds for a core), remembered per
    word and threshold."""

    def __init__(self, words: list[str], vectors: np.ndarray, encode: Callable | None = None):
        self.words = words
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.row = {w: i for i, w in enumerate(words)}
        self._encode = encode
        self._new: dict[str, np.ndarray] = {}  # vectors of words the table lacks, oldest first
        self._lock = Lock()
        self._close = lru_cache(maxsize=MEMORY)(self._close_to)  # (word, threshold) -> the corpus words close to it
        self._across = lru_cache(maxsize=MEMORY)(
            self._across_to
        )  # (word, threshold, rank) -> its words across languages
        self._by_alphabet: dict[str, np.ndarray] | None = None
        self._vectors_by_alphabet: dict[str, np.ndarray] = {}
        self._similarity = lru_cache(maxsize=SIMILARITIES)(self._similarity_of)  # word -> its cosines with the table
        self._nearest_bound = lru_cache(maxsize=MEMORY)(self._nearest_bound_of)  # (row, alphabet, rank) -> cosine

    def related(self, forms: Iterable[str], threshold: float, allowance: NewWords | None = None) -> frozenset[str]:
        """Corpus words whose cosine with one of these forms reaches the threshold (the forms themselves excluded).

        Forms the table holds are looked up there. When it holds none, the shortest form (the first alphabetically
        among equals, so every process picks the same) is embedded, if `allowance` allows (None: always). Whether
        a word gets its relatives depends on the question alone, never on what the process was asked before."""
        forms, known = self._looked_up(forms, allowance)
        return frozenset().union(*(self._close(f, threshold) for f in known)) - set(forms)

    def across(
        self, forms: Iterable[str], threshold: float, rank: int, allowance: NewWords | None = None
    ) -> frozenset[str]:
        """Corpus words in another alphabet than a form's (Latin, Russian Cyrillic, Kazakh Cyrillic) that e5 places
        close to it across languages ("die" -> смерть, қайтыс; "war" -> война, соғыс): within its `rank` nearest
        words of that alphabet at a cosine of at least `threshold`, and the form within theirs (mutual neighbours:
        a word e5 places near everything, such as "белгілі" 'known', is nobody's translation). Forms are chosen
        as `related` chooses them."""
        forms, known = self._looked_up(forms, allowance)
        return frozenset().union(*(self._across(f, threshold, rank) for f in known)) - set(forms)

    def _looked_up(self, forms: Iterable[str], allowance: NewWords | None) -> tuple[list[str], list[str]]:
        """(the forms worth reading, the ones to look up): those the table holds, else the shortest form to embed
        (the first alphabetically among equals), if `allowance` allows (None: always); none without an encoder."""
        forms = sorted({f for f in forms if len(f) >= MIN_LETTERS and f.isalpha()})
        known = [f for f in forms if f in self.row]
        if known or not forms or self._encode is None:
            return forms, known
        new = min(forms, key=len)
        return forms, [new] if allowance is None or allowance.allow(new) else []

    def _across_to(self, word: str, threshold: float, rank: int) -> frozenset[str]:
        from ..crosslang import alphabet

        similarity = self._similarity(word)
        alphabets = self._alphabets()
        own = alphabet(word)
        found = set()
        for kind, rows in alphabets.items():
            if kind == own:
                continue
            close = rows[similarity[rows] >= threshold]
            if rank > 0 and len(close) > rank:  # its `rank` nearest of that alphabet, of those at the threshold
                close = close[np.argpartition(-similarity[close], rank - 1)[:rank]]
            for i in close:
                # mutual: the form is among the word's `rank` nearest of the form's alphabet
                if rank <= 0 or similarity[i] + 1e-6 >= self._nearest_bound(int(i), own, rank):
                    found.add(self.words[i])
        return frozenset(found)

    def _nearest_bound_of(self, row: int, kind: str, rank: int) -> float:
        """The cosine of a table word with its `rank`-th nearest word of an alphabet (remembered: the same common
        words come back across questions)."""
        rows = self._alphabets().get(kind)
        if rows is None or not len(rows):
            return -1.0
        similarity = self._alphabet_vectors(kind) @ self.vectors[row]
        k = min(rank, len(similarity))
        return float(np.partition(similarity, len(similarity) - k)[len(similarity) - k])

    def _alphabet_vectors(self, kind: str) -> np.ndarray:
        if kind not in self._vectors_by_alphabet:
            self._vectors_by_alphabet[kind] = np.ascontiguousarray(self.vectors[self._alphabets()[kind]])
        return self._vectors_by_alphabet[kind]

    def _alphabets(self) -> dict[str, np.ndarray]:
        """The table's rows by alphabet, worked out once."""
        if self._by_alphabet is None:
            from ..crosslang import alphabet

            kinds: dict[str, list[int]] = {}
            for i, w in enumerate(self.words):
                kinds.setdefault(alphabet(w), []).append(i)
            self._by_alphabet = {k: np.asarray(v, dtype=np.int64) for k, v in kinds.items()}
        return self._by_alphabet

    def _close_to(self, word: str, threshold: float) -> frozenset[str]:
        return frozenset(self.words[i] for i in np.flatnonzero(self._similarity(word) >= threshold))

    def _similarity_of(self, word: str) -> np.ndarray:
        """A word's cosine with every word of the table (one product, shared by both thresholds and `across`)."""
        vector = self.vectors[self.row[word]] if word in self.row else self._vector(word)
        return self.vectors @ vector

    def _vector(self, word: str) -> np.ndarray:
        """A word the table lacks, embedded once (both thresholds' lookups share the run)."""
        with self._lock:
            vector = self._new.get(word)
        if vector is None:
            vector = np.asarray(self._encode(word), dtype=np.float32)
            with self._lock:
                self._new[word] = vector
                while len(self._new) > MEMORY:
                    del self._new[next(iter(self._new))]
        return vector
