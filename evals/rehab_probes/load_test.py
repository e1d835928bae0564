"""Bounded load test of the running app's `/ask` API: many clients, real questions, checked answers.

Starts the app (`python app.py`) on 127.0.0.1 at a free port (or drives one already running on loopback with
`--url` and `--pid`), then N concurrent clients each cycle through gold questions whose accepted
answers are known, for a fixed time, and stop by themselves. Every answer is checked: it must equal
the answer the same question got alone before the load began, and contain an accepted string (or
abstain, for a question the sources do not answer). Refusals by Gradio's bounded queue (HTTP 503)
are counted apart from failures. The server's resident memory is sampled every second (psutil).

    python -m rehab_probes.load_test [--seconds 120] [--clients 50] [--quick] [--index DIR] [--no-report] [--json PATH]

The questions are English, Russian and Kazakh gold questions alike (as many of each as answer rightly alone).

Passes (exit 0) with no failed request, no wrong answer and resident memory growing less than 10%
from the first to the last minute (in a run shorter than two minutes: the first and last third).
A full run writes its figures to the "load" section of evals/reports/reliability.md.
The per-session rate limit is turned off for the server it starts (ASSISTANT_RATE_LIMIT_PER_MINUTE=0):
this measures the engine and the queue, not the limiter.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .common import GOLD, ROOT, say
from .report import update_section

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REQUEST_TIMEOUT = 180.0


@dataclass(frozen=True)
class Probe:
    """A gold question and what counts as its right answer."""

    id: str
    question: str
    accepted: tuple[str, ...]  # empty: the assistant must abstain
    reference: tuple = ()  # the answer it got alone, before the load
    language: str = "en"  # the gold item's language


@dataclass
class Tally:
    ok: int = 0
    wrong: int = 0
    failed: int = 0
    refused: int = 0  # HTTP 503 from the bounded queue
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, kind: str, text: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(f"{kind}: {text}")


def answer_key(result: dict) -> tuple:
    return result["text"], result["abstained"], tuple((c["doc_id"], c["start"], c["end"]) for c in result["citations"])


def is_right(probe: Probe, result: dict) -> bool:
    if "error" in result:
        return False
    if not probe.accepted:
        return result["abstained"]
    # A translated quote is judged with its original beside it, as the page shows it and as `assistant eval`
    # scores it: the accepted answers are in the originals' words.
    originals = [c.get("original_quote") or "" for c in result["citations"] if c.get("translation")]
    text = " ".join([result["text"], *originals]).lower()
    return not result["abstained"] and any(a.lower() in text for a in probe.accepted)


def candidate_probes(limit_answerable: int = 8, limit_unanswerable: int = 2, gold: Path = GOLD) -> list[Probe]:
    """Standalone factoid gold questions of varied types in every language, plus a few the sources do not answer.

    Only the kinds the eval's overall figures are taken over (gold.BASE_KINDS): answerable factoids, judged by
    their accepted strings, and plain unanswerables; lists, overviews, multi-part questions and small talk are
    scored otherwise (assistant.evaluation.kinds) and are not probes. Languages take turns (en, ru, kk, en, ...),
    so a short run asks each of them.
    """
    from assistant.evaluation.gold import item_kind, item_language, load_gold

    items = load_gold(gold)
    standalone = [i for i in items if not i["history"]]
    answerable, unanswerable, seen_types = {}, {}, set()
    for item in standalone:
        language, kind = item_language(item), item_kind(item)
        if kind == "factoid" and item["answerable"] and item["answers"]:
            probe = Probe(item["id"], item["question"], tuple(item["answers"]), (), language)
        elif kind == "unanswerable" and not item["answerable"]:
            probe = Probe(item["id"], item["question"], (), (), language)
        else:
            continue
        if not probe.accepted:
            unanswerable.setdefault(language, []).append(probe)
        elif (key := (language, item["type"], item["style"])) not in seen_types:
            seen_types.add(key)
            answerable.setdefault(language, []).append(probe)
    return _by_turns(answerable)[: limit_answerable * 2] + _by_turns(unanswerable)[: limit_unanswerable * 2]


def _by_turns(groups: dict[str, list[Probe]]) -> list[Probe]:
    """One of each group in turn, then the next of each, and so on."""
    lists = list(groups.values())
    return [lst[i] for i in range(max(map(len, lists), default=0)) for lst in lists if i < len(lst)]


# --- talking to the server -------------------------------------------------------------


async def ask(http, question: str, language: str = "en") -> tuple[str, dict | None, str]:
    """("ok", result, "") or ("refused", None, why) or ("failed", None, why), via Gradio's /call API.

    /ask takes the question, the earlier turns and the page's language (a visitor on the page of the
    question's language).
    """
    try:
        posted = await http.post("/gradio_api/call/ask", json={"data": [question, [], language]})
        if posted.status_code == 503:
            return "refused", None, posted.text[:200]
        if posted.status_code != 200:
            return "failed", None, f"POST {posted.status_code}: {posted.text[:200]}"
        event_id = posted.json()["event_id"]
        stream = await http.get(f"/gradio_api/call/ask/{event_id}")
        kind, data = None, None
        for line in stream.text.splitlines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                data = line.split(":", 1)[1].strip()
        if kind != "complete" or data is None:
            return "failed", None, f"stream ended with {kind}: {(data or '')[:200]}"
        (result,) = json.loads(data)
        return "ok", result, ""
    except Exception as exc:  # noqa: BLE001 - every transport error is a failed request
        return "failed", None, f"{type(exc).__name__}: {exc}"


async def calibrate(base: str, candidates: list[Probe], want: int = 6) -> list[Probe]:
    """Ask each candidate alone; keep those answered rightly, with that answer as the reference."""
    import httpx

    kept = []
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        for probe in candidates:
            status, result, why = await ask(http, probe.question, probe.language)
            if status != "ok":
                raise RuntimeError(f"calibration request failed: {why}")
            if is_right(probe, result):
                kept.append(Probe(probe.id, probe.question, probe.accepted, answer_key(result), probe.language))
    answerable = _by_turns(_by_language(p for p in kept if p.accepted))[:want]  # every language that has one
    unanswerable = _by_turns(_by_language(p for p in kept if not p.accepted))[:2]
    return answerable + unanswerable


def _by_language(probes) -> dict[str, list[Probe]]:
    groups: dict[str, list[Probe]] = {}
    for probe in probes:
        groups.setdefault(probe.language, []).append(probe)
    return groups


async def client_loop(number: int, base: str, probes: list[Probe], deadline: float, tally: Tally, http) -> None:
    turn = number  # each client starts at a different question
    while time.monotonic() < deadline:
        probe = probes[turn % len(probes)]
        turn += 1
        started = time.perf_counter()
        status, result, why = await ask(http, probe.question, probe.language)
        elapsed = time.perf_counter() - started
        if status == "refused":
            tally.refused += 1
            await asyncio.sleep(0.5)  # a visitor would wait a moment and ask again
        elif status == "failed":
            tally.failed += 1
            tally.problem("failed", why)
        elif "error" in result:
            tally.failed += 1
            tally.problem("failed", f"{probe.id}: {result['error']}: {result['text'][:100]}")
        elif answer_key(result) != probe.reference or not is_right(probe, result):
            tally.wrong += 1
            tally.problem("wrong", f"{probe.id}: {result['text'][:120]!r}")
        else:
            tally.ok += 1
            tally.latencies.append(elapsed)


async def drive(base: str, probes: list[Probe], clients: int, seconds: float) -> Tally:
    import httpx

    tally = Tally()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as http:
        await asyncio.gather(*(client_loop(i, base, probes, deadline, tally, http) for i in range(clients)))
    return tally


# --- memory ----------------------------------------------------------------------------


class MemorySampler(threading.Thread):
    """Resident memory of the server process and its children, once a second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.samples: list[tuple[float, int]] = []
        self.started = time.monotonic()
        self.stopping = threading.Event()

    def rss(self) -> int:
        total = self.process.memory_info().rss
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # noqa: BLE001 - a child that ended has no memory to count
                pass
        return total

    def run(self) -> None:
        while not self.stopping.is_set():
            self.samples.append((time.monotonic() - self.started, self.rss()))
            self.stopping.wait(1.0)

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def memory_growth(samples: list[tuple[float, int]], seconds: float) -> dict:
    """Peak RSS in the first and in the last window (a minute, or a third of a run shorter than two minutes)."""
    window = 60.0 if seconds >= 120 else seconds / 3
    first = [rss for t, rss in samples if t < window]
    last = [rss for t, rss in samples if t >= seconds - window]
    first_peak, last_peak = max(first), max(last)
    return {
        "window_s": window,
        "first_mib": first_peak / 2**20,
        "last_mib": last_peak / 2**20,
        "growth_pct": 100.0 * (last_peak - first_peak) / first_peak,
        "start_mib": samples[0][1] / 2**20,
        "end_mib": samples[-1][1] / 2**20,
        "timeline": [(t, rss / 2**20) for t, rss in samples[:: max(1, len(samples) // 12)]],
    }


# --- the server ------------------------------------------------------------------------


def start_server(index: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """`python app.py` on a free loopback port, in a process group of its own, its output to log_path."""
    from assistant.bench.serving import free_port

    port = free_port()
    env = dict(
        os.environ,
        ASSISTANT_RATE_LIMIT_PER_MINUTE="0",
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        TOKENIZERS_PARALLELISM="false",
    )
    argv = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port), "--index", str(index)]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}"


def server_settings() -> dict:
    """The settings the report names, as the app started here reads them."""
    from assistant.config import load_settings

    summary = load_settings().summary()
    return {name: summary[name] for name in ("queue_concurrency", "queue_max_size", "encoder")}


# --- the run ---------------------------------------------------------------------------


def run(seconds: float, clients: int, index: Path, url: str | None = None, pid: int | None = None, log=say) -> dict:
    from assistant.bench.serving import stop_server, wait_for_server

    proc = server_log = None
    if url is None:
        server_log = Path(os.environ.get("TMPDIR", "/tmp")) / f"load-test-app-{os.getpid()}.log"
        proc, url = start_server(index, server_log)
        pid = proc.pid
        log(f"started the app (pid {pid}) at {url}; its log: {server_log}")
    elif urlparse(url).hostname not in LOOPBACK:
        raise SystemExit("--url must be a loopback address (127.0.0.1, localhost or ::1)")
    try:
        wait_for_server(url + "/config", proc, log=server_log, timeout=600)
        probes = asyncio.run(calibrate(url, candidate_probes()))
        if len([p for p in probes if p.accepted]) < 3:
            raise RuntimeError(f"only {len(probes)} gold questions were answered rightly alone; is the index built?")
        log(f"{len(probes)} probe questions: " + ", ".join(p.id for p in probes))
        sampler = MemorySampler(pid)
        load_before = os.getloadavg()
        sampler.start()
        started = time.monotonic()
        tally = asyncio.run(drive(url, probes, clients, seconds))
        wall = time.monotonic() - started
        sampler.stop()
        latencies = sorted(tally.latencies)
        q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
        return {
            "seconds": seconds,
            "wall_s": wall,
            "clients": clients,
            "probes": [p.id for p in probes],
            "languages": {p.id: p.language for p in probes},
            "unanswerable": [p.id for p in probes if not p.accepted],
            "ok": tally.ok,
            "wrong": tally.wrong,
            "failed": tally.failed,
            "refused": tally.refused,
            "requests": tally.ok + tally.wrong + tally.failed + tally.refused,
            "throughput": tally.ok / wall,
            "p50_ms": 1000 * q[49],
            "p95_ms": 1000 * q[94],
            "p99_ms": 1000 * q[98],
            "max_ms": 1000 * max(latencies) if latencies else float("nan"),
            "memory": memory_growth(sampler.samples, wall),
            "problems": tally.problems,
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
            "cpus": os.cpu_count(),
            "settings": server_settings(),
        }
    finally:
        if proc is not None:
            stop_server(proc, timeout=30)


def passed(f: dict) -> bool:
    return f["failed"] == 0 and f["wrong"] == 0 and f["ok"] > 0 and f["memory"]["growth_pct"] < 10.0


def markdown(f: dict, command: str) -> str:
    m = f["memory"]
    verdict = "passed" if passed(f) else "FAILED"
    lines = [
        "## Load",
        "",
        f"`{command}` ({time.strftime('%Y-%m-%d')}, {f['cpus']} CPU cores shared with other work: load average "
        f"{f['loadavg_before'][0]:.1f} before, {f['loadavg_after'][0]:.1f} after): {verdict}. "
        f"{f['clients']} concurrent clients on loopback for {f['seconds']:.0f} s, each cycling through "
        f"{len(f['probes'])} gold questions ({', '.join(f'{pid} {lang}' for pid, lang in f.get('languages', {}).items()) or ', '.join(f['probes'])}); every answer was checked against the answer "
        "the question got alone and against its accepted strings (or an abstention). The queue ran with "
        f"concurrency {f['settings']['queue_concurrency']} and at most {f['settings']['queue_max_size']} waiting; "
        "the per-session rate limit was off.",
        "",
        "| requests | answered right | wrong answers | failed | refused by the queue (503) | answers/s | p50 | p95 | p99 | max |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {f['requests']} | {f['ok']} | {f['wrong']} | {f['failed']} | {f['refused']} | {f['throughput']:.1f} | "
        f"{f['p50_ms']:.0f} ms | {f['p95_ms']:.0f} ms | {f['p99_ms']:.0f} ms | {f['max_ms']:.0f} ms |",
        "",
        "Latency is from the request to the complete answer, queueing included: with "
        f"{f['clients']} clients and {f['settings']['queue_concurrency']} answered at a time, most of it is waiting.",
        "",
        f"Resident memory of the server: {m['start_mib']:.0f} MiB at the start, peak {m['first_mib']:.0f} MiB in the "
        f"first {m['window_s']:.0f} s and {m['last_mib']:.0f} MiB in the last {m['window_s']:.0f} s: "
        f"growth {m['growth_pct']:+.1f}% (limit 10%); {m['end_mib']:.0f} MiB at the end. Over the run: "
        + ", ".join(f"{mib:.0f} MiB at {t:.0f} s" for t, mib in m["timeline"])
        + ".",
    ]
    if f["problems"]:
        lines += ["", "First problems seen:", "", *[f"- {p}" for p in f["problems"]]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the clients ask (default 120)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--quick", action="store_true", help="a 20 s run; does not touch the report")
    parser.add_argument("--index", type=Path, default=ROOT / "index", help="index folder for the app it starts")
    parser.add_argument("--url", help="drive an app already running on loopback instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, for memory sampling")
    parser.add_argument("--no-report", action="store_true", help="print only; leave evals/reports/reliability.md alone")
    parser.add_argument("--json", type=Path, help="also write the figures (and the verdict) to this JSON file")
    args = parser.parse_args(argv)
    if args.url and not args.pid:
        parser.error("--url needs --pid (the server process whose memory is sampled)")
    seconds = 20.0 if args.quick else args.seconds
    figures = run(seconds, args.clients, args.index, args.url, args.pid)
    command = (
        "python -m rehab_probes.load_test"
        + (f" --seconds {seconds:g}" if seconds != 120 else "")
        + (f" --clients {args.clients}" if args.clients != 50 else "")
    )
    text = markdown(figures, command)
    print("\n" + text)
    if args.json:
        args.json.write_text(json.dumps(figures | {"passed": passed(figures)}, indent=1) + "\n", encoding="utf-8")
    if not (args.quick or args.no_report):
        print(f"\nwrote {update_section('load', text)}")
    return 0 if passed(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
