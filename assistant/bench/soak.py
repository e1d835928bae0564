"""The soak: one serving process under many clients for a long time, its memory sampled as it goes.

One `app.py` (rate limits lifted, the JSON API on) serves `clients` threads asking the gold questions
in all three languages in turn, every answer checked against a reference, for `minutes`. The process's
resident memory is read every few seconds; the figure is the least-squares slope in MB per minute over
the second half of the run (the first half holds the warm-up: caches filling, allocator arenas
growing). Alone: `python -m assistant.bench.soak --index index --minutes 20`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .api_load import reference_answers, run_load
from .children import child_env, log
from .http_api import APP
from .serving import free_port, stop_server, wait_for_server
from .stats import rss_mb

if TYPE_CHECKING:
    from .run import Run

CLIENTS = 30
SAMPLE_S = 5.0


def measure_soak(bench: Run) -> dict:
    """The soak on the bench's seed index, as long as the plan says."""
    questions = [it["question"] for it in bench.items if not it["history"]]
    return soak(bench.settings, bench.seed_index, questions, bench.plan.soak_minutes, bench.work / "soak.log")


def soak(
    settings, index_dir: Path, questions: list[str], minutes: float, log_path: Path, clients: int = CLIENTS
) -> dict:
    """Memory of one app.py over `minutes` under `clients` clients: samples, slope over the last half, answers."""
    if minutes <= 0:
        return {"skipped": "soak_minutes is 0"}
    port = free_port()
    env = child_env(settings, index_dir=index_dir, port=port) | {
        "ASSISTANT_API_RATE_LIMIT_PER_MINUTE": "0",
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",
        "ASSISTANT_API": "on",
        "ASSISTANT_REPLICA": "true",
    }
    with open(log_path, "w") as server_log:
        proc = subprocess.Popen(
            [sys.executable, str(APP), "--port", str(port)], env=env, stdin=subprocess.DEVNULL, stdout=server_log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_server(f"{url}/api/v1/health", proc, log_path)
            reference = reference_answers(url, questions)
            samples: list[tuple[float, float]] = []
            outcome: dict = {}
            load = threading.Thread(
                target=lambda: outcome.update(run_load(url, reference, clients, seconds=minutes * 60).summary()),
                daemon=True,
            )
            begun = time.perf_counter()
            load.start()
            while load.is_alive():
                samples.append(((time.perf_counter() - begun) / 60, rss_mb(proc.pid)))
                load.join(SAMPLE_S)
            samples.append(((time.perf_counter() - begun) / 60, rss_mb(proc.pid)))
        finally:
            stop_server(proc)
    return {"clients": clients, "minutes": minutes, "questions": len(questions), **summarise(samples), "load": outcome}


def summarise(samples: list[tuple[float, float]]) -> dict:
    """Start, peak and end memory, and the slope (MB per minute) of a least-squares line over the last half."""
    minutes, mb = np.array(samples, dtype=float).T
    late = minutes >= minutes[-1] / 2
    slope = float(np.polyfit(minutes[late], mb[late], 1)[0]) if late.sum() >= 3 else None
    return {
        "rss_mb_start": float(mb[0]),
        "rss_mb_peak": float(mb.max()),
        "rss_mb_end": float(mb[-1]),
        "slope_mb_per_min_last_half": slope,
        "late_spread_mb": float(mb[late].max() - mb[late].min()),
        "samples": [[round(m, 3), round(r, 1)] for m, r in samples],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the soak alone against an index and print its figures."""
    import json

    from ..config import load_settings
    from ..evaluation.gold import load_gold

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", type=Path, default=Path("index"))
    p.add_argument("--minutes", type=float, default=20)
    p.add_argument("--clients", type=int, default=CLIENTS)
    p.add_argument("--gold", type=Path, default=Path("evals/gold.jsonl"))
    p.add_argument("--out", type=Path, help="write the figures as JSON here too")
    args = p.parse_args(argv)
    questions = [it["question"] for it in load_gold(args.gold) if not it["history"]]
    log(f"soak: {args.clients} clients, {args.minutes:g} min, {len(questions)} questions, index {args.index}")
    result = soak(load_settings(), args.index, questions, args.minutes, Path("soak-server.log"), args.clients)
    text = json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1)
    print(text)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
