"""Cold start: process start to first answer in fresh interpreters, and what importing costs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from .children import StepFailed, child_env
from .stats import stats

if TYPE_CHECKING:
    from .run import Run

COLD_QUESTION = "When was Leon Trotsky rehabilitated?"
ANSWERED = "@@ANSWERED"
COLD_CODE = """
import json, resource, sys, time
t0 = time.perf_counter()
from assistant import Assistant
a = Assistant.load(sys.argv[1])
t1 = time.perf_counter()
answer = a.ask(sys.argv[2])
t2 = time.perf_counter()
print("@@ANSWERED", flush=True)
print(json.dumps({"import_and_load_s": t1 - t0, "first_ask_ms": (t2 - t1) * 1000, "abstained": answer.abstained,
                  "text": answer.text, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "heavy_modules": [m for m in sys.argv[3].split(",") if m in sys.modules]}), flush=True)
"""
HEAVY_MODULES = ("numpy", "faiss", "bm25s", "onnxruntime", "torch", "transformers", "sentence_transformers")
IMPORT_CODE = """
import json, sys, time
took = {}
for name in sys.argv[1].split(","):
    started = time.perf_counter()
    __import__(name)
    took[name] = time.perf_counter() - started
print(json.dumps(took), flush=True)
"""


def measure_cold_start(bench: Run) -> dict:
    """Process start to first answer, in fresh interpreters, with a built index."""
    runs = [_cold_start_once(bench) for _ in range(bench.plan.cold_runs)]
    imports = [_import_costs() for _ in range(2)]
    return {
        "heavy_modules": runs[-1]["heavy_modules"],
        "import_s": {name: stats(i[name] for i in imports) for name in HEAVY_MODULES},
        "question": COLD_QUESTION,
        "total_s": stats(r["total_s"] for r in runs),
        "import_and_load_s": stats(r["import_and_load_s"] for r in runs),
        "first_ask_ms": stats(r["first_ask_ms"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "answer": runs[-1]["text"],
        "abstained": runs[-1]["abstained"],
    }


def _import_costs() -> dict:
    """Seconds to import each heavy library in a fresh interpreter, in order (each after the ones before)."""
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_CODE, ",".join(HEAVY_MODULES)], capture_output=True, text=True, env=child_env()
    )
    if proc.returncode != 0:
        raise StepFailed(f"timing imports failed: {proc.stderr[-300:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _cold_start_once(bench: Run) -> dict:
    env = child_env(bench.settings, index_dir=bench.seed_index)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", COLD_CODE, str(bench.seed_index), COLD_QUESTION, ",".join(HEAVY_MODULES)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    answered = None
    lines = []
    for line in proc.stdout:
        if line.startswith(ANSWERED) and answered is None:
            answered = time.perf_counter() - started
        lines.append(line)
    proc.wait()
    if answered is None or proc.returncode != 0:
        raise StepFailed(f"cold-start process failed with code {proc.returncode}")
    return {"total_s": answered, **json.loads(lines[-1])}
