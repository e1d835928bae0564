"""Scale: the seed index and synthetic corpora of growing size, each built, loaded and asked the gold set.

`measure_scale` runs in the benchmark's process and embeds the synthetic sentence pool once;
`child_build_scaled` and `child_query_index` are the measured children (see children.py).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .children import StepFailed, log, run_child
from .stats import rss_mb, stage_recorder, stats

if TYPE_CHECKING:
    from .run import Run


def measure_scale(bench: Run) -> dict:
    """For the seed index and each synthetic size: build, load, ask the gold set, HNSW recall."""
    import numpy as np

    from ..embedding import Encoder
    from .synthetic import pool_size, sentence_pool

    out = bench.results["scale"] = {"rows": {}}  # filled in place, saved after every size
    out["rows"]["seed"] = run_child(child_query_index, _query_params(bench, bench.seed_index), bench.settings)
    if not bench.plan.scale:
        return out
    forbidden = sorted({a for it in bench.items for a in it["answers"]})
    started = time.perf_counter()
    pool = sentence_pool(pool_size(max(bench.plan.scale)), forbidden)
    vectors = Encoder.for_ingest(bench.settings).encode(pool)
    out["pool"] = {"sentences": len(pool), "embed_s": time.perf_counter() - started, "example": pool[0]}
    (bench.work / "pool.json").write_text(json.dumps(pool), encoding="utf-8")
    np.save(bench.work / "pool.npy", vectors)
    for size in bench.plan.scale:
        log(f"== scale {size:,}")
        try:
            out["rows"][str(size)] = _scale_row(bench, size)
        except StepFailed as exc:
            out["rows"][str(size)] = {"error": str(exc)}
        finally:
            shutil.rmtree(bench.work / f"scale-{size}", ignore_errors=True)
        bench.save()
    return out


def _scale_row(bench: Run, size: int) -> dict:
    index_dir = bench.work / f"scale-{size}"
    params = {
        "total": size,
        "seed_index": str(bench.seed_index),
        "pool": str(bench.work / "pool.json"),
        "vectors": str(bench.work / "pool.npy"),
    }
    build = run_child(child_build_scaled, params, bench.settings, index_dir=index_dir)
    build["disk_mb"] = round(sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 2**20, 1)
    query = run_child(child_query_index, _query_params(bench, index_dir), bench.settings)
    return {"build": build, **query}


def _query_params(bench: Run, index_dir: Path) -> dict:
    return {"index_dir": str(index_dir), "gold": str(bench.plan.gold), "repeats": bench.plan.repeats}


def child_build_scaled(p: dict) -> dict:
    """Write a synthetic index of p["total"] chunks around the seed index's real ones; its timings."""
    import numpy as np

    from ..config import load_settings
    from .synthetic import write_scaled_index

    settings = load_settings()
    pool = json.loads(Path(p["pool"]).read_text(encoding="utf-8"))
    vectors = np.load(p["vectors"])
    return write_scaled_index(settings, p["total"], Path(p["seed_index"]), pool, vectors)


def child_query_index(p: dict) -> dict:
    """Load an index as the app would, ask the gold set `repeats` times, measure recall and exact search.

    Every question is timed; accuracy is over the eval's overall kinds alone (queries.scored_items).
    """
    from .. import Assistant
    from ..config import load_settings
    from ..evaluation.gold import item_kind, load_gold
    from ..evaluation.run import ask_item, score_item
    from .recall import dense_recall

    settings = load_settings()
    items = load_gold(Path(p["gold"]))
    started = time.perf_counter()
    assistant = Assistant.load(p["index_dir"], settings)
    load_s = time.perf_counter() - started
    loaded_rss = rss_mb()
    hook, stages = stage_recorder()
    timed = assistant.with_hook(hook)
    latencies, results, answers = [], [], []
    for rep in range(p["repeats"]):
        for item in items:
            answer, hits, ms = ask_item(timed, item)
            latencies.append(ms)
            answers.append((item_kind(item), ms, len(answer.text), len(answer.citations)))
            if rep == 0:
                results.append(score_item(item, answer, hits, ms))
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
        "kinds": per_kind(answers),
        **accuracy_of(results, items),
        **dense_recall(assistant, [it["question"] for it in items]),
    }


def per_kind(answers: list[tuple[str, float, int, int]]) -> dict:
    """ask() milliseconds and answer length by gold kind, from (kind, ms, characters, citations) per answer.

    Every repeat counts: its latency, and the longest answer and most citations seen (an answer can differ
    between repeats only through caches, so the maxima are over every answer given).
    """
    by_kind: dict[str, list[tuple]] = {}
    for row in answers:
        by_kind.setdefault(row[0], []).append(row)
    return {
        kind: {
            "n": len(rows),
            "ask_ms": stats([r[1] for r in rows]),
            "max_chars": max(r[2] for r in rows),
            "max_citations": max(r[3] for r in rows),
        }
        for kind, rows in sorted(by_kind.items())
    }


def accuracy_of(results: list, items: list[dict]) -> dict:
    """Overall and answer accuracy and the ids answered rightly, over the eval's overall kinds alone.

    The other kinds (lists, overviews, multi-part, small talk...) are asked and timed but not counted here,
    as `assistant eval`'s overall figures leave them out (evaluation.summary.base).
    """
    from ..evaluation.summary import base
    from .queries import scored_note

    core = base(results)
    answerable = [r for r in core if r.answerable]
    return {
        "overall_accuracy": sum(r.correct for r in core) / len(core) if core else None,
        "accuracy": sum(r.correct for r in answerable) / len(answerable) if answerable else None,
        "scored": scored_note(items),
        "correct_ids": [r.id for r in core if r.correct],
    }
