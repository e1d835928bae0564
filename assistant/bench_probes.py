"""What runs inside the benchmark's measured processes: ingest, scaled-index builds, index queries.

Each `child_*` function takes a JSON-able dict and returns one; `child_main` is the entry point
(`python -c "from assistant.bench_probes import child_main; child_main()" NAME JSON`) and adds
the process's peak memory. Settings arrive through `ASSISTANT_*` variables, as for any process.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

RESULT = "@@RESULT "


def child_main() -> None:
    """Entry point of a measuring child: `python -c ... NAME JSON`; prints its figures as one line."""
    from .config import set_offline_environment

    set_offline_environment()
    name, params = sys.argv[1], json.loads(sys.argv[2])
    result = CHILDREN[name](params)
    result["peak_rss_mb"] = peak_rss_mb()
    print(RESULT + json.dumps(result), flush=True)


def peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kilobytes on Linux


def rss_mb(pid: int | None = None) -> float:
    import psutil

    return round(psutil.Process(pid or os.getpid()).memory_info().rss / 2**20, 1)


def stats(values) -> dict:
    """n, median, p95, mean and max of a list of numbers (None when empty)."""
    from .metrics import mean, percentile

    values = [float(v) for v in values]
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "mean": mean(values),
        "max": max(values) if values else None,
    }


def child_ingest(p: dict) -> dict:
    """Ingest timings in one process with the models already loaded (model load reported apart)."""
    from .baseline import Baseline
    from .config import load_settings
    from .corpus import load_corpus
    from .embedding import Encoder
    from .index import build_index, chunk_limit

    settings = load_settings()
    corpus, work = Path(p["corpus"]), Path(p["work"])
    started = time.perf_counter()
    encoder = Encoder.for_ingest(settings)
    encoder.encode(["warm up"])
    model_load_s = time.perf_counter() - started
    torch_model = encoder.model if encoder.backend == "torch" else Encoder(settings.model).model
    torch_model.encode(["warm up"])
    documents, _ = load_corpus(corpus)
    source_tokens = sum(encoder.count_tokens(d.text) for d in documents)
    ours, base, ours_embed, base_embed, ours_report, baseline = [], [], [], [], None, None
    # One untimed build of each first, so lazy imports and first-call setup (the text splitter, BM25, the
    # encoder's thread pool) are not charged to whichever run comes first.
    warm = work / "ingest-warm-up"
    build_index(
        settings.with_overrides(index_dir=warm / "index", cache_dir=warm / "cache"), rebuild=True, encoder=encoder
    )
    shutil.rmtree(warm, ignore_errors=True)
    Baseline.build(corpus, torch_model)
    for r in range(p["repeats"]):
        for who in ("ours", "baseline") if r % 2 == 0 else ("baseline", "ours"):
            if who == "ours":
                scratch = work / f"ingest-{r}"
                with encode_timer(encoder) as embed_times:
                    ours_report = build_index(
                        settings.with_overrides(index_dir=scratch / "index", cache_dir=scratch / "cache"),
                        rebuild=True,
                        encoder=encoder,
                    )
                ours.append(ours_report.seconds)
                ours_embed.append(sum(embed_times))
                shutil.rmtree(scratch, ignore_errors=True)
            else:
                baseline = Baseline.build(corpus, torch_model)
                base.append(baseline.seconds)
                base_embed.append(baseline.embed_seconds)
    candidates = {}
    for size in p["sizes"]:
        s = settings.with_overrides(
            chunk_tokens=size, index_dir=work / f"index-{size}", cache_dir=work / f"cache-{size}"
        )
        report = build_index(s, rebuild=True, encoder=encoder)
        candidates[str(size)] = {
            "seconds": report.seconds,
            "chunks": report.chunks,
            "sentences": report.sentences,
            "effective_tokens": chunk_limit(s, encoder),
            "embedded_tokens": _embedded_tokens(s.index_dir, encoder),
        }
    default = settings.with_overrides(
        index_dir=work / f"index-{settings.chunk_tokens}", cache_dir=work / f"cache-{settings.chunk_tokens}"
    )
    reingest = [build_index(default, encoder=encoder) for _ in range(p["repeats"])]
    return {
        "encoder": encoder.backend,
        "model_load_s": model_load_s,
        "documents": len(documents),
        "source_tokens": source_tokens,
        "ours_s": stats(ours),
        "ours_embed_s": stats(ours_embed),
        "baseline_embed_s": stats(base_embed),
        "ours_chunks": ours_report.chunks,
        "ours_sentences": ours_report.sentences,
        "ours_embedded_tokens": candidates[str(settings.chunk_tokens)]["embedded_tokens"],
        "baseline_s": stats(base),
        "baseline_chunks": len(baseline.chunks),
        "baseline_embedded_tokens": sum(
            min(encoder.count_tokens(c) + 2, encoder.max_seq_length) for c in baseline.chunks
        ),
        "candidates": candidates,
        "reingest_s": stats(r.seconds for r in reingest),
        "reingest_up_to_date": all(r.up_to_date for r in reingest),
    }


def _embedded_tokens(index_dir: Path, encoder) -> int:
    """Word pieces the model read for an index: every chunk (with its section prefix) and sentence."""
    from .index import embedded_text, load_index

    index = load_index(index_dir)
    texts = [embedded_text(c) for c in index.chunks] + [s.text for c in index.chunks for s in c.sentences]
    return sum(min(encoder.count_tokens(t) + 2, encoder.max_seq_length) for t in texts)


@contextmanager
def timing_calls(owner, name: str, record):
    """Wrap `owner.<name>` so every call's seconds go to `record`, until the block ends.

    On a module the original is put back; on an instance the wrapper shadows the method for that
    instance only and is deleted afterwards.
    """
    original, own = getattr(owner, name), name in vars(owner)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            record(time.perf_counter() - started)

    setattr(owner, name, timed)
    try:
        yield
    finally:
        if own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)


@contextmanager
def encode_timer(encoder):
    """Seconds of every `encoder.encode` call while the block runs (the embedding share of an ingest)."""
    times = []
    with timing_calls(encoder, "encode", times.append):
        yield times


def encode_threads(encoder, questions: list[str]) -> dict:
    """Query-encoding ms with torch's default thread count and with one thread, alternating (a contention check)."""
    if encoder.backend != "torch":
        return {}
    import torch

    default = torch.get_num_threads()
    times = {default: [], 1: []}
    try:
        for i, question in enumerate(questions):
            for n in (default, 1) if i % 2 == 0 else (1, default):
                torch.set_num_threads(n)
                started = time.perf_counter()
                encoder.encode_query(question)
                times[n].append((time.perf_counter() - started) * 1000)
    finally:
        torch.set_num_threads(default)
    return {str(n): stats(v) for n, v in times.items()}


@contextmanager
def stage_timer(assistant):
    """Per-call milliseconds of query encoding, dense search and BM25 while the block runs."""
    from . import retrieval

    times = {"encode": [], "dense": [], "lexical": []}

    def in_ms(stage):
        return lambda seconds: times[stage].append(seconds * 1000)

    with (
        timing_calls(retrieval, "dense_search", in_ms("dense")),
        timing_calls(retrieval, "lexical_search", in_ms("lexical")),
        timing_calls(assistant.encoder, "encode_query", in_ms("encode")),
    ):
        yield times


def child_build_scaled(p: dict) -> dict:
    import numpy as np

    from .config import load_settings
    from .synthetic import write_scaled_index

    settings = load_settings()
    pool = json.loads(Path(p["pool"]).read_text(encoding="utf-8"))
    vectors = np.load(p["vectors"])
    return write_scaled_index(settings, p["total"], Path(p["seed_index"]), pool, vectors)


def child_query_index(p: dict) -> dict:
    """Load an index as the app would, ask the gold set `repeats` times, measure recall and exact search."""
    from . import Assistant
    from .config import load_settings
    from .evaluation import ask_item, load_gold, score_item

    settings = load_settings()
    items = load_gold(Path(p["gold"]))
    started = time.perf_counter()
    assistant = Assistant.load(p["index_dir"], settings)
    load_s = time.perf_counter() - started
    loaded_rss = rss_mb()
    latencies, results = [], []
    with stage_timer(assistant) as stages:
        for rep in range(p["repeats"]):
            for item in items:
                answer, hits, ms = ask_item(assistant, item)
                latencies.append(ms)
                if rep == 0:
                    results.append(score_item(item, answer, hits, ms))
    answerable = [r for r in results if r.answerable]
    manifest = assistant.index.manifest
    synthetic = {d.id for d in assistant.index.documents.values() if d.meta.get("synthetic")}
    return {
        "answers_citing_synthetic": sum(any(c["doc_id"] in synthetic for c in r.citations) for r in results),
        "questions_retrieving_synthetic": sum(any(h["doc_id"] in synthetic for h in r.retrieved) for r in results),
        "chunks": len(assistant.index.chunks),
        "vocabulary": len(assistant.index.bm25.vocab_dict),
        "dense": manifest.get("index", {}).get("dense"),
        "load_s": load_s,
        "rss_after_load_mb": loaded_rss,
        "ask_ms": stats(latencies),
        "stages_ms": {k: stats(v) for k, v in stages.items()},
        "overall_accuracy": sum(r.correct for r in results) / len(results),
        "accuracy": sum(r.correct for r in answerable) / len(answerable) if answerable else None,
        "correct_ids": [r.id for r in results if r.correct],
        **dense_recall(assistant, [it["question"] for it in items]),
    }


def dense_recall(assistant, questions: list[str], k: int = 10, timed: int = 30) -> dict:
    """recall@k of the dense index against exact search on real query vectors, at a few efSearch values.

    Also the recall of the real (non-synthetic) chunks among the exact top k, and how close the
    approximate top k's scores come to the exact ones (near-ties make plain recall look worse
    than the answers are).
    """
    import faiss
    import numpy as np

    dense = assistant.index.dense
    exact = faiss.downcast_index(dense.storage) if hasattr(dense, "storage") else dense
    queries = np.ascontiguousarray(assistant.encoder.encode(questions), dtype=np.float32)
    want_scores, want = exact.search(queries, k)
    real = np.array([not assistant.index.documents[c.doc_id].meta.get("synthetic") for c in assistant.index.chunks])

    def per_query_ms(index):
        times = []
        for q in queries[:timed]:
            started = time.perf_counter()
            index.search(q.reshape(1, -1), k)
            times.append((time.perf_counter() - started) * 1000)
        return stats(times)

    def measure(index) -> dict:
        got_scores, got = index.search(queries, k)
        pairs = list(zip(got.tolist(), want.tolist(), strict=True))
        real_pairs = [(set(g), {w for w in ws if real[w]}) for g, ws in pairs]
        real_pairs = [(g, w) for g, w in real_pairs if w]
        return {
            "recall_at_10": float(np.mean([len(set(g) & set(w)) / len(w) for g, w in pairs])),
            "real_recall_at_10": float(np.mean([len(g & w) / len(w) for g, w in real_pairs])) if real_pairs else None,
            "score_ratio": float(np.mean(got_scores.sum(axis=1) / want_scores.sum(axis=1))),
            "ms": per_query_ms(index),
        }

    out = {"exact_search_ms": per_query_ms(exact), "real_chunks": int(real.sum())}
    hnsw = getattr(dense, "hnsw", None)
    if hnsw is None:
        first = measure(dense)
        return out | {"recall_at_10": first["recall_at_10"], "dense_search_ms": first["ms"], "ef_search": None}
    configured = hnsw.efSearch
    sweep = {}
    for ef in sorted({max(1, configured // 4), max(1, configured // 2), configured, 2 * configured}):
        hnsw.efSearch = ef
        sweep[str(ef)] = measure(dense)
    hnsw.efSearch = configured
    first = sweep[str(configured)]
    return out | {
        "recall_at_10": first["recall_at_10"],
        "real_recall_at_10": first["real_recall_at_10"],
        "score_ratio": first["score_ratio"],
        "dense_search_ms": first["ms"],
        "ef_search": configured,
        "ef_sweep": sweep,
    }


CHILDREN = {"ingest": child_ingest, "build_scaled": child_build_scaled, "query_index": child_query_index}
