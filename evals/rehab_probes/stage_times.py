"""Where `Assistant.ask()` spends its time, stage by stage, for two or more checkouts (or settings) side by side.

Usage: PYTHONPATH=evals python -m rehab_probes.stage_times [--repeat 3] [--gold evals/gold.jsonl]
           LABEL=CHECKOUT[:SETTING=VALUE,...] [LABEL=CHECKOUT ...]

e.g. `before=/work/wt/old after=. after-no-related=.:rules_off=related_words`. Each label runs in a child
process of its own that imports `assistant` from CHECKOUT (PYTHONPATH) and loads CHECKOUT/index with the settings
given (as ASSISTANT_* variables); the children take turns item by item, so a loaded shared machine slows all of
them alike. Every gold question is asked once (the first pass: new to the process, as a visitor's question is),
then `--repeat` times more (caches warm), each with its conversation's earlier turns (and that child's own answers
to them) as history; the two are reported apart. Per ask and per stage the child records wall
time (perf_counter) and CPU time (process_time: every thread of the child, onnxruntime's included) through the
documented stage hooks (assistant/hooks.py); a stage a checkout does not name is simply absent. Figures are
p50/p95 per language, with the load average beside them; nothing here asserts a threshold.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .common import GOLD


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("trees", nargs="*", help="LABEL=CHECKOUT[:SETTING=VALUE,...]")
    p.add_argument("--repeat", type=int, default=3, help="timed passes over the questions (default 3)")
    p.add_argument("--gold", type=Path, default=GOLD, help="questions to ask (default evals/gold.jsonl)")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


# --- the child: one checkout, asked over stdin/stdout --------------------------------------------------------


def worker(gold: Path) -> int:
    """Load the checkout's assistant, then answer "ask <i>" lines with one JSON line of timings each."""
    from assistant import Assistant
    from assistant.conversation import add_turn
    from assistant.evaluation.gold import load_gold

    items = load_gold(gold)
    stages: dict[str, list[float]] = {}

    @contextmanager
    def hook(stage: str):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            got = stages.setdefault(stage, [0.0, 0.0])
            got[0] += time.perf_counter() - wall
            got[1] += time.process_time() - cpu

    assistant = Assistant.load("index").with_hook(hook)
    histories = []
    for item in items:
        history: list[dict] = []
        for q in item["history"]:
            history = add_turn(history, q, assistant.ask(q, history=list(history)).text)
        histories.append(history)
    print(json.dumps({"ready": len(items)}), flush=True)
    for line in sys.stdin:
        i = int(line.split()[1])
        stages.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        assistant.ask(items[i]["question"], history=list(histories[i]))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        out = {"ask": [wall * 1000, cpu * 1000], **{k: [v[0] * 1000, v[1] * 1000] for k, v in stages.items()}}
        print(json.dumps(out), flush=True)
    return 0


# --- the parent: children taking turns ---------------------------------------------------------------------


def start(spec: str, gold: Path) -> tuple[str, subprocess.Popen]:
    label, _, rest = spec.partition("=")
    checkout, _, overrides = rest.partition(":")
    checkout = str(Path(checkout).resolve())
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1", TOKENIZERS_PARALLELISM="false")
    env["PYTHONPATH"] = os.pathsep.join([checkout, str(Path(__file__).resolve().parents[1])])
    for pair in filter(None, overrides.split(",")):
        key, _, value = pair.partition("=")
        env[f"ASSISTANT_{key.upper()}"] = value
    cmd = [sys.executable, "-m", "rehab_probes.stage_times", "--worker", "--gold", str(gold.resolve())]
    child = subprocess.Popen(cmd, cwd=checkout, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return label, child


PASSES = (
    ("first", "first pass (each question new to the process, as a visitor's is)"),
    ("again", "later passes (the same questions again: per-question caches warm)"),
)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args.gold)
    if not args.trees:
        print("name at least one LABEL=CHECKOUT", file=sys.stderr)
        return 2
    from assistant.evaluation.gold import load_gold

    items = load_gold(args.gold)
    children = dict(start(spec, args.gold) for spec in args.trees)
    for label, child in children.items():
        ready = json.loads(child.stdout.readline())
        print(f"{label}: loaded, {ready['ready']} questions", flush=True)
    # times[label][language][stage] -> [(wall, cpu), ...]
    times: dict = {label: {} for label in children}
    loads = [os.getloadavg()[0]]
    labels = list(children)
    for n in range(args.repeat + 1):
        for i, item in enumerate(items):
            order = labels[i % len(labels) :] + labels[: i % len(labels)]  # who goes first rotates
            for label in order:
                child = children[label]
                child.stdin.write(f"ask {i}\n")
                child.stdin.flush()
                got = json.loads(child.stdout.readline())
                passes = times[label].setdefault("first" if n == 0 else "again", {})
                for stage, pair in got.items():
                    passes.setdefault(item["language"], {}).setdefault(stage, []).append(pair)
        loads.append(os.getloadavg()[0])
    for child in children.values():
        child.stdin.close()
        child.wait()
    print(f"\nload average (1 min) during the run: {min(loads):.1f}-{max(loads):.1f}; "
          f"1 + {args.repeat} passes over {len(items)} questions; ms, p50 / p95\n")  # fmt: skip
    stages = sorted({s for by in times.values() for p in by.values() for lang in p.values() for s in lang} - {"ask"})
    header = f"{'':<22}{'':<4}" + "".join(f"{s:>22}" for s in ["ask", *stages])
    for (passes, title), (kind, at) in itertools.product(PASSES, (("wall", 0), ("cpu", 1))):
        print(f"{kind} time, {title}\n{header}")
        for label in labels:
            for language in ("en", "ru", "kk"):
                row = times[label].get(passes, {}).get(language, {})
                cells = []
                for s in ["ask", *stages]:
                    v = [p[at] for p in row.get(s, [])]
                    cells.append(f"{statistics.median(v):9.1f} /{percentile(v, 95):8.1f}  " if v else f"{'-':>22}")
                print(f"{label:<22}{language:<4}" + "".join(f"{c:>22}" for c in cells))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
