"""`assistant bench`: speed, memory and scale, against the LangChain-tutorial baseline, in one run.

Parts, in order: ingest (ours and the baseline's, interleaved; every chunk-size candidate;
re-ingest of an unchanged corpus), cold start (fresh processes), ask() latency and gold-set
accuracy (ours and the baseline's, question by question), the app's HTTP API, and synthetic
corpora of growing size. Heavy parts run in child processes so their peak memory is their own.
After each part the Markdown report (and its JSON figures) is rewritten, so a long run that
dies late still leaves what it measured. Timing is printed, never asserted.
Module-level imports stay light: the CLI imports this file to build its parser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

from .bench_probes import RESULT, encode_threads, rss_mb, stage_timer, stats
from .errors import AssistantError

FULL_SCALE = (10_000, 100_000, 1_000_000)
QUICK_SCALE = (10_000,)
CHUNK_SIZES = (96, 128, 192, 256)
COLD_QUESTION = "When was Leon Trotsky rehabilitated?"
DEFAULT_GOLD = Path("evals/gold.jsonl")
DEFAULT_OUT = Path("evals/reports")
APP = Path(__file__).resolve().parents[1] / "app.py"
ANSWERED = "@@ANSWERED"
HTTP_RATE_LIMIT = 1_000_000  # per minute, for the app under the benchmark's load


class StepFailed(RuntimeError):
    """A measured child process failed; the report records it and the run goes on."""


@dataclass
class Plan:
    """What one run measures."""

    quick: bool
    scale: tuple[int, ...]
    repeats: int
    cold_runs: int
    chunk_sizes: tuple[int, ...]
    gold: Path
    out: Path
    threads: int
    http_requests: int
    keep: bool = False


@dataclass
class Run:
    """A benchmark in progress: its plan, settings, gold items, scratch folder and results so far."""

    plan: Plan
    settings: object
    items: list[dict]
    work: Path
    results: dict = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)  # the report files, rewritten after every part

    def save(self) -> None:
        from .bench_report import write_report

        write_report(self.results, self.paths)

    def index_for(self, size: int) -> Path:
        return self.work / f"index-{size}"

    @property
    def seed_index(self) -> Path:
        return self.index_for(self.settings.chunk_tokens)


# --- command line ----------------------------------------------------------------------


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--quick", action="store_true", help="a short run (about a minute): one repeat, one chunk size, 10 000 chunks"
    )
    p.add_argument(
        "--scale",
        help="synthetic corpus sizes in chunks, comma-separated (default 10000,100000,1000000; quick 10000; 0 for none)",
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report folder (default {DEFAULT_OUT})")
    p.add_argument("--repeats", type=int, help="passes over the gold questions and ingest repeats (default 3; quick 1)")
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=f"gold set (default {DEFAULT_GOLD})")
    p.add_argument(
        "--chunk-sizes",
        help="chunk-size candidates in model tokens (default 96,128,192,256; quick: the configured one)",
    )
    p.add_argument("--threads", type=int, help="concurrent HTTP clients (default 4; quick 2)")
    p.add_argument("--keep", action="store_true", help="keep the scratch folder of indexes (its path is printed)")


def make_plan(args, settings) -> Plan:
    quick = bool(getattr(args, "quick", False))
    scale = _ints(args.scale) if args.scale else (QUICK_SCALE if quick else FULL_SCALE)
    sizes = (
        _ints(args.chunk_sizes)
        if getattr(args, "chunk_sizes", None)
        else ((settings.chunk_tokens,) if quick else CHUNK_SIZES)
    )
    if settings.chunk_tokens not in sizes:
        sizes = (*sizes, settings.chunk_tokens)
    repeats = args.repeats or (1 if quick else 3)
    threads = args.threads or (2 if quick else 4)
    return Plan(
        quick,
        tuple(s for s in scale if s > 0),
        repeats,
        2 if quick else 5,
        tuple(sizes),
        Path(args.gold),
        Path(args.out),
        threads,
        16 if quick else 0,
        getattr(args, "keep", False),
    )


def _ints(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v.replace("_", "")) for v in str(text).split(",") if v.strip())
    except ValueError:
        raise AssistantError(f"Expected comma-separated whole numbers (e.g. 10000,100000), got {text!r}.") from None


def run(args, settings) -> int:
    """The `assistant bench` command."""
    from .evaluation import load_gold

    plan = make_plan(args, settings)
    items = load_gold(plan.gold)
    if not items:
        raise AssistantError(f"{plan.gold} holds no gold items.")
    work = Path(tempfile.mkdtemp(prefix="assistant-bench-"))
    bench = Run(plan, settings, items, work)
    bench.results = {
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if plan.quick else "full",
        "command": "assistant " + " ".join(sys.argv[1:])
        if sys.argv[0].endswith(("assistant", "cli.py"))
        else " ".join(sys.argv),
        "machine": describe_machine(),
        "settings": _settings_summary(settings),
        "plan": {
            "scale": list(plan.scale),
            "repeats": plan.repeats,
            "cold_runs": plan.cold_runs,
            "chunk_sizes": list(plan.chunk_sizes),
            "gold": str(plan.gold),
            "gold_items": len(items),
            "threads": plan.threads,
        },
    }
    bench.paths = paths = report_paths(plan, bench.results["created"])
    steps = [
        ("ingest", measure_ingest),
        ("cold_start", measure_cold_start),
        ("queries", measure_queries),
        ("chunk_sizes", measure_chunk_sizes),
        ("http", measure_http),
        ("scale", measure_scale),
    ]
    try:
        for name, step in steps:
            _log(f"== {name}")
            started = time.perf_counter()
            try:
                bench.results[name] = step(bench)
            except StepFailed as exc:
                bench.results[name] = {"error": str(exc)}
            bench.results.setdefault("step_seconds", {})[name] = round(time.perf_counter() - started, 1)
            bench.save()
        bench.results["machine"]["load_average_end"] = list(os.getloadavg())
        bench.save()
    finally:
        if plan.keep:
            _log(f"scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    from .bench_report import format_summary

    print(format_summary(bench.results))
    print("report: " + ", ".join(str(p) for p in paths))
    return 0


def report_paths(plan: Plan, created: str) -> list[Path]:
    stem = f"bench-{created[:10]}" + ("-quick" if plan.quick else "")
    return [plan.out / f"{stem}.md", plan.out / f"{stem}.json"]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the machine -----------------------------------------------------------------------


def describe_machine() -> dict:
    """CPU, cores, memory and the versions of the libraries that set the speed."""
    import platform
    from importlib import metadata

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
        with open("/proc/meminfo", encoding="utf-8") as f:
            ram_kb = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        ram_kb = 0
    versions = {}
    for pkg in (
        "torch",
        "faiss-cpu",
        "onnxruntime",
        "sentence-transformers",
        "transformers",
        "bm25s",
        "gradio",
        "numpy",
    ):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(ram_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_start": list(os.getloadavg()),
        "versions": versions,
    }


def _settings_summary(settings) -> dict:
    names = (
        "model",
        "encoder",
        "ingest_encoder",
        "chunk_tokens",
        "chunk_overlap",
        "embed_batch_size",
        "approx_min_vectors",
        "hnsw_m",
        "hnsw_ef_search",
        "top_k",
        "retrieval_mode",
    )
    return {n: getattr(settings, n) for n in names if hasattr(settings, n)}


# --- child processes -------------------------------------------------------------------


def child_env(settings, **overrides) -> dict:
    """The environment that gives a child process these settings (every field as ASSISTANT_<NAME>)."""
    from .config import set_offline_environment

    set_offline_environment()
    env = dict(os.environ)
    settings = settings.with_overrides(**overrides)
    for f in fields(settings):
        env[f"ASSISTANT_{f.name.upper()}"] = str(getattr(settings, f.name))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_child(name: str, params: dict, settings, **overrides) -> dict:
    """Run one measuring function in a fresh interpreter; its stderr passes through, its figures come back."""
    code = "from assistant.bench_probes import child_main; child_main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, name, json.dumps(params)],
        env=child_env(settings, **overrides),
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    raise StepFailed(f"{name} exited with code {proc.returncode} before reporting (see its messages on stderr)")


# --- ingest ----------------------------------------------------------------------------


def measure_ingest(bench: Run) -> dict:
    """Full rebuilds with an empty embedding cache (ours and the baseline's), candidates, re-ingest."""
    params = {
        "corpus": str(bench.settings.corpus_dir),
        "work": str(bench.work),
        "repeats": bench.plan.repeats,
        "sizes": list(bench.plan.chunk_sizes),
    }
    result = run_child("ingest", params, bench.settings)
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


# --- cold start ------------------------------------------------------------------------

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
        [sys.executable, "-c", IMPORT_CODE, ",".join(HEAVY_MODULES)],
        capture_output=True,
        text=True,
        env=child_env_plain(),
    )
    if proc.returncode != 0:
        raise StepFailed(f"timing imports failed: {proc.stderr[-300:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child_env_plain() -> dict:
    from .config import set_offline_environment

    set_offline_environment()
    return dict(os.environ)


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


# --- ask() latency and accuracy, ours against the baseline -----------------------------


def measure_queries(bench: Run) -> dict:
    """Ours and the baseline on every gold question, alternating which goes first, `repeats` passes."""
    from . import Assistant
    from .baseline import Baseline
    from .embedding import Encoder
    from .evaluation import add_ranking, ask_item, by_split, score_item, summarize
    from .metrics import contains_answer, mean

    assistant = Assistant.load(bench.seed_index, bench.settings)
    baseline = Baseline.build(bench.settings.corpus_dir, Encoder(bench.settings.model).model)
    ours_ms, base_ms, ours_results, base_correct = [], [], [], []
    with stage_timer(assistant) as stages:
        for rep in range(bench.plan.repeats):
            for i, item in enumerate(bench.items):
                for who in ("ours", "baseline") if (i + rep) % 2 == 0 else ("baseline", "ours"):
                    if who == "ours":
                        answer, hits, ms = ask_item(assistant, item)
                        ours_ms.append(ms)
                        if rep == 0:
                            ours_results.append(score_item(item, answer, hits, ms))
                    else:
                        started = time.perf_counter()
                        text = baseline.ask(item["question"])
                        base_ms.append((time.perf_counter() - started) * 1000)
                        if rep == 0:
                            base_correct.append(
                                {
                                    "split": item["split"],
                                    "answerable": item["answerable"],
                                    "correct": item["answerable"] and contains_answer(text, item["answers"]),
                                }
                            )
    ours_results = add_ranking(ours_results, bench.items, assistant.index.chunks)
    threads = encode_threads(assistant.encoder, [it["question"] for it in bench.items])

    def base_scores(rows):
        return {
            "overall_accuracy": mean(float(r["correct"]) for r in rows),
            "accuracy": mean(float(r["correct"]) for r in rows if r["answerable"]),
            "n": len(rows),
        }

    keep = ("n", "hit@5", "accuracy", "overall_accuracy", "f1", "refusal_precision", "refusal_recall")
    ours_all = summarize(ours_results)
    return {
        "ours_ms": stats(ours_ms),
        "baseline_ms": stats(base_ms),
        "stages_ms": {k: stats(v) for k, v in stages.items()},
        "encode_threads_ms": threads,
        "ours": {
            "all": {k: ours_all.get(k) for k in keep},
            **{s: {k: v.get(k) for k in keep} for s, v in by_split(ours_results).items()},
        },
        "baseline": {
            "all": base_scores(base_correct),
            **{
                s: base_scores([r for r in base_correct if r["split"] == s])
                for s in ("tune", "test")
                if any(r["split"] == s for r in base_correct)
            },
        },
        "baseline_chunks": len(baseline.chunks),
        "correct_ids": [r.id for r in ours_results if r.correct],
    }


def measure_chunk_sizes(bench: Run) -> dict:
    """Gold-set scores of every chunk-size candidate; the tune split picks the size."""
    from . import Assistant
    from .evaluation import by_split, evaluate_items, summarize

    keep = ("hit@5", "accuracy", "overall_accuracy", "f1")
    out = {}
    for size in bench.plan.chunk_sizes:
        queries = bench.results.get("queries", {})
        if size == bench.settings.chunk_tokens and "ours" in queries:  # already scored on this index
            out[str(size)] = {s: {k: v.get(k) for k in keep} for s, v in queries["ours"].items()}
            continue
        settings = bench.settings.with_overrides(chunk_tokens=size)
        results = evaluate_items(Assistant.load(bench.index_for(size), settings), bench.items)
        splits = {"all": summarize(results), **by_split(results)}
        out[str(size)] = {s: {k: v.get(k) for k in keep} for s, v in splits.items()}
    pick_split = "tune" if all("tune" in v for v in out.values()) else "all"
    best = max(
        out, key=lambda s: (out[s][pick_split]["overall_accuracy"] or 0, out[s][pick_split]["hit@5"] or 0, -int(s))
    )
    return {"by_size": out, "picked_on": pick_split, "best": int(best), "configured": bench.settings.chunk_tokens}


# --- the HTTP API ----------------------------------------------------------------------


def measure_http(bench: Run) -> dict:
    """Latency through the running app's /ask endpoint from several concurrent gradio clients."""
    if not APP.is_file():
        raise StepFailed(f"{APP} not found")
    port = _free_port()
    # The per-visitor rate limit would turn a benchmark client into "slow down" replies.
    env = child_env(bench.settings, index_dir=bench.seed_index, port=port, rate_limit_per_minute=HTTP_RATE_LIMIT)
    log = open(bench.work / "app.log", "w")
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
        _wait_for(url, proc, bench.work / "app.log")
        ready_s = time.perf_counter() - started
        figures = _hammer(url, bench)
        figures.update(ready_s=ready_s, server_rss_mb=rss_mb(proc.pid))
        return figures
    finally:
        _stop(proc)
        log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc, log: Path, timeout: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StepFailed(f"app.py exited with code {proc.returncode}: {log.read_text()[-500:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise StepFailed(f"app.py did not answer on {url} within {timeout:.0f} s")


def _stop(proc) -> None:
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


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


# --- scale -----------------------------------------------------------------------------


def measure_scale(bench: Run) -> dict:
    """For the seed index and each synthetic size: build, load, ask the gold set, HNSW recall."""
    import numpy as np

    from .embedding import Encoder
    from .synthetic import pool_size, sentence_pool

    out = bench.results["scale"] = {"rows": {}}  # filled in place, saved after every size
    seed_row = run_child("query_index", _query_params(bench, bench.seed_index), bench.settings)
    out["rows"]["seed"] = seed_row
    if not bench.plan.scale:
        return out
    forbidden = sorted({a for it in bench.items for a in it["answers"]})
    started = time.perf_counter()
    pool = sentence_pool(pool_size(max(bench.plan.scale)), forbidden)
    s = bench.settings
    vectors = Encoder.for_ingest(s).encode(pool)
    out["pool"] = {"sentences": len(pool), "embed_s": time.perf_counter() - started, "example": pool[0]}
    (bench.work / "pool.json").write_text(json.dumps(pool), encoding="utf-8")
    np.save(bench.work / "pool.npy", vectors)
    for size in bench.plan.scale:
        _log(f"== scale {size:,}")
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
    build = run_child("build_scaled", params, bench.settings, index_dir=index_dir)
    build["disk_mb"] = round(sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 2**20, 1)
    query = run_child("query_index", _query_params(bench, index_dir), bench.settings)
    return {"build": build, **query}


def _query_params(bench: Run, index_dir: Path) -> dict:
    return {"index_dir": str(index_dir), "gold": str(bench.plan.gold), "repeats": bench.plan.repeats}
