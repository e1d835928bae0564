"""The JSON API against Gradio's /ask and against ask() itself, side by side in one run, on one app process.

One `app.py` (rate limits lifted) serves both ways in: `POST /api/v1/ask` over keep-alive HTTP and
the page's `/ask` through Gradio's queue with gradio_client. The same questions go through each
way one at a time (latency), then from 16 clients at once for a fixed time (answers per second);
ask() is timed in this process on the same index. The app's start is timed too: process start to
its health check answering (HTTP-ready) and to the first API answer.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

from ..serving.replicas import health
from .api_load import ApiClient, reference_answers, run_load
from .children import StepFailed, child_env
from .http_api import APP, HTTP_RATE_LIMIT
from .serving import free_port, stop_server
from .stats import rss_mb, stats

if TYPE_CHECKING:
    from .run import Run

CLIENTS = 16


def measure_serving(bench: Run) -> dict:
    """ask(), the API and Gradio's /ask: p50 one at a time, answers/s from 16 clients, and the app's ready times."""
    questions = [it["question"] for it in bench.items if not it["history"]][: 20 if bench.plan.quick else 60]
    seconds = 3 if bench.plan.quick else 15
    port = free_port()
    env = child_env(bench.settings, index_dir=bench.seed_index, port=port, rate_limit_per_minute=HTTP_RATE_LIMIT) | {
        "ASSISTANT_API_RATE_LIMIT_PER_MINUTE": "0",
        "ASSISTANT_API": "on",
        "ASSISTANT_REPLICA": "true",
    }
    log = open(bench.work / "serving.log", "w")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(APP), "--port", str(port)], env=env, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        ready = _wait_ready(url, proc, started)
        first = ApiClient(url)
        first.ask(questions[0])
        ready["first_api_answer_s"] = time.perf_counter() - started
        first.close()
        out = {"questions": len(questions), "clients": CLIENTS, "seconds": seconds, **ready}
        out["ask_ms"] = _time_ask(bench, questions)
        reference = reference_answers(url, questions)
        out["api_ms"] = _time_api(url, questions)
        out["gradio_ms"] = _time_gradio(url, questions)
        out["api_load"] = run_load(url, reference, CLIENTS, seconds=seconds).summary()
        out["gradio_load"] = _gradio_load(url, questions, CLIENTS, seconds)
        out["server_rss_mb"] = rss_mb(proc.pid)
        return out
    finally:
        stop_server(proc)
        log.close()


def _wait_ready(url: str, proc, started: float, timeout: float = 120) -> dict:
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise StepFailed(f"app.py exited with code {proc.returncode} before it was ready")
        status, _ = health(url, timeout=1)
        if status == 200:
            return {"http_ready_s": time.perf_counter() - started}
        time.sleep(0.02)
    raise StepFailed(f"app.py was not ready within {timeout:.0f} s")


def _time_ask(bench: Run, questions: list[str]) -> dict:
    from ..engine import Assistant

    assistant = Assistant.load(bench.seed_index, bench.settings)
    times = []
    for _ in range(2):
        for q in questions:
            t0 = time.perf_counter()
            assistant.ask(q)
            times.append((time.perf_counter() - t0) * 1000)
    return stats(times)


def _time_api(url: str, questions: list[str]) -> dict:
    client, times = ApiClient(url), []
    for _ in range(2):
        for q in questions:
            t0 = time.perf_counter()
            status, _ = client.ask(q)
            if status == 200:
                times.append((time.perf_counter() - t0) * 1000)
    client.close()
    return stats(times)


def _gradio_client(url: str):
    from gradio_client import Client

    return Client(url + "/", verbose=False, download_files=False, analytics_enabled=False)


def _time_gradio(url: str, questions: list[str]) -> dict:
    client, times = _gradio_client(url), []
    for _ in range(2):
        for q in questions:
            t0 = time.perf_counter()
            result = client.predict(q, api_name="/ask")
            if isinstance(result, dict) and not result.get("error"):
                times.append((time.perf_counter() - t0) * 1000)
    return stats(times)


def _gradio_load(url: str, questions: list[str], clients: int, seconds: float) -> dict:
    """Answers per second through Gradio's /ask from `clients` gradio_client threads for `seconds`."""
    counts, lock = {"answered": 0, "failed": 0}, threading.Lock()
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []

    def loop(n: int) -> None:
        client = _gradio_client(url)
        i = n
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                result = client.predict(questions[i % len(questions)], api_name="/ask")
                ok = isinstance(result, dict) and not result.get("error")
            except Exception:  # every failure is counted, none ends the run
                ok = False
            with lock:
                counts["answered" if ok else "failed"] += 1
                if ok:
                    latencies.append((time.perf_counter() - t0) * 1000)
            i += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {**counts, "seconds": round(wall, 2), "answers_per_s": round(counts["answered"] / wall, 1),
            "latency_ms": stats(latencies)}  # fmt: skip
