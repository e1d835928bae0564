"""Embedding throughput: locally, and on a Ray cluster of this machine with 1 and 2 workers.

The same texts (every text a build of the seed corpus embeds, for both models, `copies` times over
with a marker so none is cached) are embedded locally as an ingest does, then through
`assistant.index.ray_embed` with a fresh local cluster each time. The Ray figures include starting
the cluster and the actors loading their encoders. On a 2-core machine they show Ray's overhead
and two workers contending for the same cores, not scaling; a cluster adds cores per worker.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .children import run_child

if TYPE_CHECKING:
    from .run import Run


def measure_ray_ingest(bench: Run) -> dict:
    """Texts per second locally and with Ray (1 and 2 workers; --quick: 2 only), each in a fresh process."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return {"error": 'ray is not installed (pip install -e ".[cluster]")'}
    params = {"copies": 1 if bench.plan.quick else 4}
    out = {"local": run_child(embed_child, params | {"workers": 0}, bench.settings)}
    for workers in (2,) if bench.plan.quick else (1, 2):
        out[f"ray_{workers}"] = run_child(embed_child, params | {"workers": workers}, bench.settings)
    return out


def embed_child(params: dict) -> dict:
    """Embed the seed corpus's texts (`copies` times) locally (workers 0) or on Ray; seconds and texts/s."""
    from ..config import load_settings
    from ..embedding import Encoder
    from ..index.ray_embed import embed_on_ray, texts_to_embed

    settings = load_settings()
    encoder = Encoder.for_ingest(settings)
    wanted = texts_to_embed(settings, encoder)
    rows = [
        {"model": which, "hash": f"{k}-{i}", "text": text if k == 0 else f"{text} ({k})"}
        for k in range(params["copies"])
        for which, texts in wanted.items()
        for i, text in enumerate(dict.fromkeys(texts))
    ]
    started = time.perf_counter()
    if params["workers"] == 0:
        encoders = {"ingest": encoder, "multilingual": Encoder.for_multilingual(settings)}
        for which in wanted:
            encoders[which].encode([r["text"] for r in rows if r["model"] == which])
        timing = {}
    else:
        timing: dict = {}
        embed_on_ray(settings, "auto", params["workers"], rows, timing)
    seconds = time.perf_counter() - started
    return {
        "texts": len(rows),
        "seconds": round(seconds, 2),
        "texts_per_s": round(len(rows) / seconds, 1),
        **{k: round(v, 2) for k, v in timing.items()},
    }
