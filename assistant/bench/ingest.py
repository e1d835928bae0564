"""Ingest timings: full rebuilds, ours against the baseline's, chunk-size candidates, re-ingest.

`measure_ingest` runs in the benchmark's process; `child_ingest` is the measured child, which
loads the models once and then times whole builds of every document of the corpus (originals and
their translations, aligned), each stage taken from the index builder's stage hooks ("embed" covers
both encoders). Builds of the originals alone (no multilingual model) alternate with them, so the
cost of the translations shows as the difference; the alignment itself is also timed on its own.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .children import StepFailed, child_env, run_child
from .stats import stats

if TYPE_CHECKING:
    from .run import Run


def measure_ingest(bench: Run) -> dict:
    """Full rebuilds with an empty embedding cache (ours and the baseline's), candidates, re-ingest."""
    params = {
        "corpus": str(bench.settings.corpus_dir),
        "work": str(bench.work),
        "repeats": bench.plan.repeats,
        "sizes": list(bench.plan.chunk_sizes),
    }
    result = run_child(child_ingest, params, bench.settings)
    result["reingest_cli_s"] = stats(_reingest_cli(bench) for _ in range(bench.plan.repeats))
    return result


def _reingest_cli(bench: Run) -> float:
    """Wall time of `assistant ingest` on an unchanged corpus, from process start to exit."""
    size = bench.settings.chunk_tokens
    env = child_env(bench.settings, cache_dir=bench.work / f"cache-{size}", index_dir=bench.seed_index)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", "--quiet"], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0 or "up to date" not in proc.stdout:
        raise StepFailed(f"re-ingest did not find the index up to date: {proc.stdout[-300:]} {proc.stderr[-300:]}")
    return seconds


def child_ingest(p: dict) -> dict:
    """Ingest timings in one process with the models already loaded (model load reported apart)."""
    from ..chunking import chunk_limit
    from ..config import load_settings
    from ..corpus import load_corpus
    from ..embedding import Encoder
    from ..hooks import no_hook
    from ..index.build import build_index
    from ..translations import split_originals
    from .baseline import Baseline

    settings = load_settings()
    corpus, work = Path(p["corpus"]), Path(p["work"])
    started = time.perf_counter()
    encoder = Encoder.for_ingest(settings)
    encoder.encode(["warm up"])
    model_load_s = time.perf_counter() - started
    e5_load_s = None
    if settings.multilingual_model:  # each build loads its own e5 engine; this times one load on its own
        started = time.perf_counter()
        Encoder.for_multilingual(settings).encode(["warm up"])
        e5_load_s = time.perf_counter() - started
    torch_model = encoder.model if encoder.backend == "torch" else Encoder(settings.model).model
    torch_model.encode(["warm up"])
    documents, _ = load_corpus(corpus)
    originals, translations, _ = split_originals(documents)
    source_tokens = sum(encoder.count_tokens(d.text) for d in documents)

    def build(s, rebuild=True, hook=no_hook):
        return build_index(s, rebuild=rebuild, encoder=encoder, hook=hook)

    def scratch_settings(folder: Path, **overrides):
        return settings.with_overrides(index_dir=folder / "index", cache_dir=folder / "cache", **overrides)

    # One untimed build of each first, so lazy imports and first-call setup (the text splitter, BM25, the
    # encoder's thread pool) are not charged to whichever run comes first.
    build(scratch_settings(work / "ingest-warm-up"))
    shutil.rmtree(work / "ingest-warm-up", ignore_errors=True)
    Baseline.build(corpus, torch_model)
    ours, base, ours_embed, base_embed, ours_report, baseline = [], [], [], [], None, None
    ours_stages: dict[str, list[float]] = {}
    originals_only, alignment = [], {}
    plain = settings.with_overrides(multilingual_model="")  # the originals alone: no e5, no translations
    order = ("ours", "originals", "baseline")
    for r in range(p["repeats"]):
        for who in order[r % 3 :] + order[: r % 3]:
            if who == "ours":
                hook, stage_times = _stage_recorder()
                folder = work / f"ingest-{r}"
                ours_report = build(scratch_settings(folder), hook=hook)
                ours.append(ours_report.seconds)
                ours_embed.append(sum(stage_times.get("embed", [])))
                for stage, times in stage_times.items():
                    ours_stages.setdefault(stage, []).append(sum(times))
                if settings.multilingual_model and translations:
                    alignment = _alignment_timing(scratch_settings(folder), documents)
                shutil.rmtree(folder, ignore_errors=True)
            elif who == "originals":
                folder = work / f"ingest-originals-{r}"
                s = plain.with_overrides(index_dir=folder / "index", cache_dir=folder / "cache")
                originals_only.append(build(s).seconds)
                shutil.rmtree(folder, ignore_errors=True)
            else:
                baseline = Baseline.build(corpus, torch_model)
                base.append(baseline.seconds)
                base_embed.append(baseline.embed_seconds)
    candidates = {}
    for size in p["sizes"]:
        s = settings.with_overrides(
            chunk_tokens=size, index_dir=work / f"index-{size}", cache_dir=work / f"cache-{size}"
        )
        report = build(s)
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
    reingest = [build(default, rebuild=False) for _ in range(p["repeats"])]
    return {
        "encoder": encoder.backend,
        "multilingual_model": settings.multilingual_model,
        "model_load_s": model_load_s,
        "e5_load_s": e5_load_s,
        "documents": len(documents),
        "originals": len(originals),
        "translations": len(translations),
        "source_tokens": source_tokens,
        "ours_s": stats(ours),
        "ours_vectors_embedded": ours_report.embedded,
        "ours_stages_s": {stage: stats(v) for stage, v in ours_stages.items()},
        "originals_only_s": stats(originals_only),
        "alignments": [vars(a) | {"flagged": len(a.flagged)} for a in ours_report.alignments],
        "alignment": alignment,
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


def _stage_recorder():
    """A build hook and the seconds of every stage it sees, by stage ("embed": every encoder call, both encoders)."""
    from ..hooks import timing_hook

    seconds: dict[str, list[float]] = {}
    return timing_hook(lambda stage, s: seconds.setdefault(stage, []).append(s)), seconds


def _alignment_timing(settings, documents) -> dict:
    """Seconds to align each translation with its original, the e5 vectors taken from the build's own cache."""
    from ..embedding import EmbeddingCache, Encoder, embed_with_cache
    from ..translations import align_translation, sentence_spans, split_originals

    encoder = Encoder.for_multilingual(settings)
    _, translations, _ = split_originals(documents)
    by_id = {d.id: d for d in documents}
    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite")
    out, embedded = {}, 0
    try:
        for translation in translations:
            original = by_id[translation.meta["translation_of"]]
            vectors = []
            for doc in (original, translation):
                texts = [doc.text[a:b] for a, b in sentence_spans(doc)]
                found, reused = embed_with_cache(encoder, texts, cache)
                embedded += len(texts) - reused
                vectors.append(found)
            started = time.perf_counter()
            _, summary = align_translation(original, translation, *vectors)
            out[translation.id] = {
                "language": summary.language,
                "original": original.id,
                "ms": (time.perf_counter() - started) * 1000,
                "aligned": summary.aligned,
                "translated_sentences": summary.translated_sentences,
                "original_sentences": summary.original_sentences,
                "flagged": len(summary.flagged),
            }
    finally:
        cache.close()
    return {"by_translation": out, "embedded_outside_the_build": embedded}


def _embedded_tokens(index_dir: Path, encoder) -> int:
    """Word pieces the model read for an index: every chunk (with its section prefix) and sentence."""
    from ..chunking import embedded_sentence, embedded_text
    from ..index.read import load_index

    index = load_index(index_dir)
    texts = [embedded_text(c) for c in index.chunks] + [
        embedded_sentence(c, s) for c in index.chunks for s in c.sentences
    ]
    return sum(min(encoder.count_tokens(t) + 2, encoder.max_seq_length) for t in texts)
