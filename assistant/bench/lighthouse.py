"""Lighthouse on the chat pages: performance, largest contentful paint, layout shift, blocking time.

Lighthouse 12.2.3 (npm, pinned by tools/lighthouse/package-lock.json; `make lighthouse`) drives Debian's
chromium (CHROME_PATH) with its default mobile emulation and simulated throttling. The student page,
the kiosk and a plain `gr.ChatInterface` (what Gradio gives with nothing added, the baseline) are
each loaded `runs` times, interleaved, so that a busy machine weighs on all three alike. Layout
shift varies from load to load, so it is judged on the worst load; the other figures are medians.
Lighthouse's blocking time multiplies the wall-clock time of the main thread's tasks by 4, so on a
shared machine it mostly measures the other processes; each run also reports the same arithmetic
on the tasks' CPU time, read from Lighthouse's own trace (`cpu_blocking_ms`).
Used by `assistant bench` (the `pages` part) and by tests/test_lighthouse.py.

    python -m assistant.bench.lighthouse --plain-chat PORT    # serve the baseline page alone
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from .children import StepFailed, child_env, log
from .serving import ServerNotReady, free_port, stop_server, wait_for_server

if TYPE_CHECKING:
    from .run import Run

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
APP = ROOT / "app.py"
# Headless in a container with no GPU and no sandbox, and nothing fetched in the background on a closed network.
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
METRICS = {  # our name: Lighthouse's audit
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "cls": "cumulative-layout-shift",
    "tbt_ms": "total-blocking-time",
    "si_ms": "speed-index",
    "tti_ms": "interactive",
}
CHECKS = {
    "compression": "uses-text-compression",
    "cache": "uses-long-cache-ttl",
    "meta_description": "meta-description",
}
PAGES = ("student", "kiosk", "chatinterface")
APP_FLAGS = {"student": [], "kiosk": ["--kiosk"]}
TASKS = ("RunTask", "ThreadControllerImpl::RunTask")  # a main-thread task in Chromium's trace


def lighthouse_missing() -> str | None:
    """What is missing to run Lighthouse here, naming the fix; None when nothing is."""
    if not LIGHTHOUSE.exists():
        return f"{LIGHTHOUSE.relative_to(ROOT)} is missing: run `make lighthouse` (npm ci --prefix tools/lighthouse)"
    if not CHROMIUM.exists():
        return f"Debian's chromium is missing at {CHROMIUM}: run `make browser`"
    return None


def run_lighthouse(url: str, folder: Path, timeout: float = 300, max_wait_ms: int | None = None) -> dict:
    """One Lighthouse run (performance and SEO categories) on `url`: its figures, and the report kept in `folder`.

    Lighthouse waits for the network to fall quiet, which a Gradio page never does (its heartbeat request stays
    open), so every run waits out `--max-wait-for-load` (45 s unless `max_wait_ms` says otherwise) after the load.
    """
    out = Path(folder) / f"lighthouse-{time.time_ns()}.json"
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
        "--only-categories=performance,seo", "--save-assets", f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        *([f"--max-wait-for-load={max_wait_ms}"] if max_wait_ms else []),
    ]  # fmt: skip
    env = os.environ | {"CHROME_PATH": str(CHROMIUM)}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise StepFailed(f"Lighthouse did not finish on {url} within {timeout:.0f} s") from None
    if done.returncode or not out.is_file():
        raise StepFailed(f"Lighthouse failed on {url} (exit {done.returncode}): {done.stderr.strip()[-400:]}")
    trace, log = out.with_name(f"{out.stem}-0.trace.json"), out.with_name(f"{out.stem}-0.devtoolslog.json")
    cpu = cpu_blocking(json.loads(trace.read_text(encoding="utf-8"))) if trace.is_file() else {}
    trace.unlink(missing_ok=True)  # tens of MB each
    log.unlink(missing_ok=True)
    return figures(json.loads(out.read_text(encoding="utf-8"))) | cpu | {"report": str(out)}


def cpu_blocking(trace) -> dict:
    """Lighthouse's blocking arithmetic (each task x4, less 50 ms) on the page's main thread's CPU time, not its
    wall-clock time: what the page's own work costs, whatever else the machine is doing."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    threads = Counter(
        (e["pid"], e["tid"]) for e in events if e.get("name") in ("ParseHTML", "Layout", "UpdateLayoutTree")
    )
    if not threads:
        return {}
    main = threads.most_common(1)[0][0]
    tasks = [
        e.get("tdur", e.get("dur", 0)) / 1000
        for e in events
        if (e.get("pid"), e.get("tid")) == main and e.get("ph") == "X" and e.get("name") in TASKS
    ]
    return {
        "cpu_blocking_ms": round(sum(max(0.0, 4 * t - 50) for t in tasks)),
        "cpu_busy_ms": round(sum(tasks)),
        "cpu_longest_task_ms": round(max(tasks, default=0), 1),
    }


def figures(report: dict) -> dict:
    """What one Lighthouse report says: scores, metrics, and the audits the pages are held to."""
    audits = report["audits"]
    result = {
        "lighthouse": report.get("lighthouseVersion"),
        "performance": report["categories"]["performance"]["score"],
        "seo": (report["categories"].get("seo") or {}).get("score"),
        "warnings": report.get("runWarnings", []),
    }
    result |= {name: audits[key].get("numericValue") for name, key in METRICS.items()}
    result |= {name: audits[key].get("score") for name, key in CHECKS.items()}
    result["uncompressed"] = [item["url"] for item in _items(audits["uses-text-compression"])]
    result["short_cache"] = [
        [item["url"], round(item["cacheLifetimeMs"] / 86_400_000, 2)] for item in _items(audits["uses-long-cache-ttl"])
    ]
    result["bootup_ms"] = {
        item["url"]: round(item["total"]) for item in _items(audits.get("bootup-time", {}))[:6]
    }  # where the main thread's time went, by script
    return result


def _items(audit: dict) -> list[dict]:
    return (audit.get("details") or {}).get("items") or []


def summary(runs: list[dict]) -> dict:
    """The figures of several runs of one page: medians, and the worst layout shift."""

    def median(key):
        values = [r[key] for r in runs if r.get(key) is not None]
        return statistics.median(values) if values else None

    return {
        "runs": len(runs),
        "performance": median("performance"),
        "performance_all": [r["performance"] for r in runs],
        "fcp_ms": median("fcp_ms"),
        "lcp_ms": median("lcp_ms"),
        "si_ms": median("si_ms"),
        "tti_ms": median("tti_ms"),
        "tbt_ms": median("tbt_ms"),
        "tbt_all": [round(r["tbt_ms"]) for r in runs],
        "cpu_blocking_ms": median("cpu_blocking_ms"),
        "cpu_blocking_all": [r.get("cpu_blocking_ms") for r in runs],
        "cpu_busy_ms": median("cpu_busy_ms"),
        "cls_worst": max(r["cls"] for r in runs),
        "cls_all": [round(r["cls"], 4) for r in runs],
        "seo": median("seo"),
        **{name: min(r[name] for r in runs) for name in CHECKS},
        "uncompressed": sorted({u for r in runs for u in r["uncompressed"]}),
        "short_cache": sorted({tuple(i) for r in runs for i in r["short_cache"]}),
        "warnings": sorted({w for r in runs for w in r["warnings"]}),
        "bootup_ms": runs[len(runs) // 2]["bootup_ms"],
    }


def measure_pages(urls: dict[str, str], runs: int, folder: Path) -> dict:
    """Lighthouse `runs` times on each of `urls` ({page: url}), interleaved; the summary of each page."""
    results: dict[str, list[dict]] = {name: [] for name in urls}
    for i in range(runs):
        for name, url in urls.items():
            log(f"   lighthouse {name} {i + 1}/{runs}")
            results[name].append(run_lighthouse(url, folder))
    return {name: summary(found) for name, found in results.items()}


def measure_lighthouse(bench: Run) -> dict:
    """The `pages` part of `assistant bench`: both pages served by app.py, and the plain ChatInterface."""
    runs = bench.plan.page_loads
    if runs <= 0:
        return {"skipped": "page_loads is 0"}
    missing = lighthouse_missing()
    if missing:
        raise StepFailed(missing)
    servers = []
    try:
        urls = {}
        for name in PAGES:
            port = free_port()
            servers.append(
                start_page(name, port, bench.settings.with_overrides(index_dir=bench.seed_index), bench.work)
            )
            urls[name] = f"http://127.0.0.1:{port}/"
        for (name, url), (proc, log_path) in zip(urls.items(), servers, strict=True):
            try:
                wait_for_server(url, proc, log_path)
            except ServerNotReady as exc:
                raise StepFailed(f"the {name} page: {exc}") from None
        pages = measure_pages(urls, runs, bench.work)
    finally:
        for proc, _ in servers:
            stop_server(proc)
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    return {"lighthouse": version, "runs": runs, "chrome_flags": list(CHROME_FLAGS), "pages": pages}


def start_page(name: str, port: int, settings, folder: Path) -> tuple[subprocess.Popen, Path]:
    """app.py (student or kiosk) or the plain ChatInterface on 127.0.0.1:port, in its own process group."""
    if name == "chatinterface":
        command = [sys.executable, "-m", "assistant.bench.lighthouse", "--plain-chat", str(port)]
    else:
        command = [sys.executable, str(APP), *APP_FLAGS[name], "--port", str(port)]
    log_path = Path(folder) / f"page-{name}.log"
    with open(log_path, "w") as out:
        proc = subprocess.Popen(
            command, env=child_env(settings), cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    return proc, log_path


def serve_plain_chat(port: int) -> None:
    """A plain `gr.ChatInterface` that echoes, as Gradio serves it by default: the baseline page."""
    import gradio as gr

    demo = gr.ChatInterface(lambda message, history: message, analytics_enabled=False)
    demo.launch(server_name="127.0.0.1", server_port=port, quiet=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.bench.lighthouse", description=__doc__.split("\n")[0])
    parser.add_argument("--plain-chat", type=int, metavar="PORT", help="serve the baseline gr.ChatInterface on PORT")
    parser.add_argument("--url", action="append", default=[], metavar="NAME=URL", help="run Lighthouse on a page")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.plain_chat:
        serve_plain_chat(args.plain_chat)
        return 0
    urls = dict(u.split("=", 1) for u in args.url)
    print(json.dumps(measure_pages(urls, args.runs, Path(tempfile.mkdtemp(prefix="lighthouse-"))), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
