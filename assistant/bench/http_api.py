"""Latency and throughput through the running app's /ask endpoint, from several concurrent clients."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .children import StepFailed, child_env
from .serving import ServerNotReady, free_port, stop_server, wait_for_server
from .stats import rss_mb, stats

if TYPE_CHECKING:
    from .run import Run

APP = Path(__file__).resolve().parents[2] / "app.py"
HTTP_RATE_LIMIT = 1_000_000  # per minute, for the app under the benchmark's load


def measure_http(bench: Run) -> dict:
    """Latency through the running app's /ask endpoint from several concurrent gradio clients."""
    if not APP.is_file():
        raise StepFailed(f"{APP} not found")
    port = free_port()
    # The per-visitor rate limit would turn a benchmark client into "slow down" replies.
    env = child_env(bench.settings, index_dir=bench.seed_index, port=port, rate_limit_per_minute=HTTP_RATE_LIMIT)
    log_path = bench.work / "app.log"
    log = open(log_path, "w")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(APP), "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_for_server(url, proc, log_path)
        except ServerNotReady as exc:
            raise StepFailed(f"app.py: {exc}") from None
        ready_s = time.perf_counter() - started
        figures = _hammer(url, bench)
        figures.update(ready_s=ready_s, server_rss_mb=rss_mb(proc.pid))
        return figures
    finally:
        stop_server(proc)
        log.close()


def _hammer(url: str, bench: Run) -> dict:
    """Send the standalone gold questions to /ask from `threads` clients at once."""
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    questions = [it["question"] for it in bench.items if not it["history"]]
    if bench.plan.http_requests:
        questions = (questions * (bench.plan.http_requests // max(1, len(questions)) + 1))[: bench.plan.http_requests]
    shares = [questions[i :: bench.plan.threads] for i in range(bench.plan.threads)]
    latencies, errors = [], []

    def client_run(share):
        client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
        for question in share:
            started = time.perf_counter()
            try:
                result = client.predict(question, api_name="/ask")
                latencies.append((time.perf_counter() - started) * 1000)
                if not isinstance(result, dict) or result.get("error"):
                    errors.append(
                        f"answered with error {result.get('error') if isinstance(result, dict) else type(result).__name__}"
                    )
            except Exception as exc:  # every failure is a finding, counted and shown
                errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(bench.plan.threads) as pool:
        list(pool.map(client_run, shares))
    wall = time.perf_counter() - started
    return {
        "threads": bench.plan.threads,
        "requests": len(questions),
        "queue_concurrency": bench.settings.queue_concurrency,
        "latency_ms": stats(latencies),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        "throughput_rps": len(latencies) / wall if wall else None,
    }
