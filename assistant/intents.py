"""Small talk and off-topic requests recognised by meaning, in English, Russian and Kazakh.

`smalltalk.py` catches the common wordings ("hello", "спасибо", "сау бол") before anything is encoded. A message it
misses ("cheers, that was really useful", "а ты вообще что умеешь?", "посоветуй фильм на вечер") is read here by the
vector the question is encoded into anyway (MiniLM for English, e5 for Russian and Kazakh: no model run of its own
per question). That vector is compared with a few examples of each intent per language
(`lang/data/intents/<language>.toml`: greeting, thanks, about, goodbye, offtopic, and `topic`, questions about the
subject of the sources). A message is the intent whose closest examples are closest to it on average, when its
closest example reaches `intent_similarity` (`multilingual_intent_similarity` for e5) and beats the closest `topic`
example by `intent_margin`; never when the message names something the corpus names (a name it uses),
which makes it a question about the sources.

The examples are encoded once, when the assistant loads, through the embedding cache when it can be opened.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "lang" / "data" / "intents"
LANGUAGES = ("en", "ru", "kk")
TOPIC = "topic"
SMALLTALK = ("greeting", "thanks", "about", "goodbye")  # each answered by messages.py's smalltalk_<kind>
OFF_TOPIC = "offtopic"  # answered by messages.py's off_topic, as a refusal with no further reading

VOTES = 2  # a kind's closest examples whose mean decides between kinds (one example near by chance decides nothing)
MAX_INTENT_CHARS = 200  # a longer message is read as a question (or a pasted text), never as small talk


@cache
def examples(language: str) -> dict[str, tuple[str, ...]]:
    """One language's intent examples: intent -> phrases (its `fact` line left out)."""
    with open(DATA / f"{language}.toml", "rb") as f:
        table = tomllib.load(f)
    return {k: tuple(v) for k, v in table.items() if k != "fact"}


@dataclass(frozen=True)
class Intent:
    """The closest intent of a message, how close, and how much closer than the closest topic question."""

    kind: str
    similarity: float
    margin: float


@dataclass(frozen=True)
class IntentSpace:
    """The examples of the languages one encoder reads, as unit vectors in its space."""

    kinds: tuple[str, ...]  # one per row of `vectors`
    vectors: np.ndarray

    def closest(self, vector: np.ndarray) -> Intent:
        """The non-topic kind whose `VOTES` closest examples are closest on average, with the similarity of its closest
        example and that example's margin over the closest topic example."""
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        rows = self._rows
        topic = sims[rows[TOPIC]].max() if TOPIC in rows else -1.0
        kinds = sorted(set(rows) - {TOPIC})
        near = {k: np.sort(sims[rows[k]])[::-1][:VOTES] for k in kinds}  # float32, summed as float32 in this order
        kind = max(kinds, key=lambda k: sum(near[k]) / len(near[k]))
        return Intent(kind, float(near[kind][0]), float(near[kind][0] - topic))

    @cached_property
    def _rows(self) -> dict[str, np.ndarray]:
        """Each kind's rows of `vectors`, worked out once (a question read them in Python loops: 0.2 ms of its time)."""
        rows: dict[str, list[int]] = {}
        for i, k in enumerate(self.kinds):
            rows.setdefault(k, []).append(i)
        return {k: np.asarray(v, dtype=np.int64) for k, v in rows.items()}


def space(languages, encode, cache=None, key: str = "") -> IntentSpace:
    """The examples of these languages encoded by `encode(list of texts) -> unit vectors`, read from the embedding
    cache (under `key`) where it holds them."""
    kinds, texts = [], []
    for language in languages:
        for kind, phrases in examples(language).items():
            kinds += [kind] * len(phrases)
            texts += list(phrases)
    return IntentSpace(tuple(kinds), _encoded(texts, encode, cache, key))


def spaces(encoder, multilingual, cache_path: Path | None = None) -> dict[bool, IntentSpace]:
    """The intent examples in each encoder's space: {False: English (all three languages without e5), True: e5}."""
    from .embedding import EmbeddingCache
    from .errors import AssistantError

    cache = None
    if cache_path is not None and cache_path.is_file():  # made by ingest; never created here
        try:
            cache = EmbeddingCache(cache_path)
        except AssistantError:
            cache = None
    try:
        english = ("en",) if multilingual is not None else LANGUAGES
        out = {False: space(english, encoder.encode, cache, f"{encoder.model_id}|{encoder.backend}")}
        if multilingual is not None:
            key = f"{multilingual.model_id}|{multilingual.backend}|query"  # e5 reads the examples as queries
            out[True] = space(("ru", "kk"), lambda ts: [multilingual.encode_query(t) for t in ts], cache, key)
        return out
    finally:
        if cache is not None:
            cache.close()


def _encoded(texts: list[str], encode, cache, key: str) -> np.ndarray:
    from .embedding import text_hash
    from .errors import AssistantError

    hashes = [text_hash(t) for t in texts]
    try:
        known = cache.get_many(key, hashes) if cache else {}
    except AssistantError:
        cache, known = None, {}
    missing = [(h, t) for h, t in zip(hashes, texts, strict=True) if h not in known]
    if missing:
        fresh = {
            h: np.asarray(v, dtype=np.float32)
            for (h, _), v in zip(missing, encode([t for _, t in missing]), strict=True)
        }
        known.update(fresh)
        if cache:
            try:
                cache.put_many(key, fresh)
            except AssistantError:
                pass  # a read-only or full disk: the examples are encoded again at the next start
    return np.stack([known[h] for h in hashes]).astype(np.float32)


def readable_message(text: str) -> bool:
    """A message short enough to be small talk or a request, with at least one word of letters (not "0000...")."""
    return len(text) <= MAX_INTENT_CHARS and bool(re.search(r"[^\W\d_]{2}", text))


def recognised(intent: Intent | None, threshold: float, margin: float) -> str:
    """The intent's kind when it is small talk or an off-topic request by these thresholds, else ""."""
    if intent is None or intent.kind == TOPIC:
        return ""
    return intent.kind if intent.similarity >= threshold and intent.margin >= margin else ""


def intent_of(q, vector: np.ndarray, space: IntentSpace, multilingual: bool, settings) -> str:
    """The kind of small talk, or "offtopic", that a question's own vector says it is ("" for a question).

    `space` holds the examples in the space of the encoder that made `vector` (e5 when `multilingual`). Only a
    message read on its own: a follow-up's vector holds the earlier turns it leans on. Keyboard mash ("asdfghjkl")
    is off-topic whatever its vector is near."""
    from .lang.served import has_served_word, holds_english_word, keyboard_mash
    from .rules import enabled

    s = settings
    if keyboard_mash(q.plain) and enabled(s, "keyboard_mash"):
        return OFF_TOPIC
    if q.query != q.plain or not readable_message(q.plain) or not enabled(s, "intents"):
        return ""
    if multilingual:
        intent = recognised(space.closest(vector), s.multilingual_intent_similarity, s.multilingual_intent_margin)
    else:
        intent = recognised(space.closest(vector), s.intent_similarity, s.intent_margin)
        intent = intent if intent and holds_english_word(q.plain, s.wordnet_dir) else ""
    # noise ("Р𝔗") may sit near "hello" in a vector, but is no greeting (checked only when an intent is found)
    return intent if intent and has_served_word(q.plain) else ""
