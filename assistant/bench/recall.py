"""How well the dense index finds what exact search finds: recall@10 on real query vectors, by efSearch."""

from __future__ import annotations

import time

from .stats import stats


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
