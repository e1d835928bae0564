"""How long `Assistant.ask()` takes once loaded: median and p95 over the gold questions, per query encoder.

Usage: python -m rehab_probes.ask_latency [--index index] [--repeat 5] [--encoders torch,onnx,onnx-int8] [--torch-threads N]
                                          [--gold evals/gold.jsonl]

Every gold question is asked `--repeat` times after one untimed warm-up pass; a conversation's final
question is asked with its earlier turns (and the assistant's real answers to them) as history, so
follow-up resolution is part of what is timed. With several encoders, each backend is loaded once and
they take turns pass by pass, so a busy machine slows all alike. Not question by question: onnxruntime's
worker threads keep spinning for a moment after each call, and torch run right after them measured up to
3x slower. The machine's load average is printed beside the figures: on a shared machine they are upper
bounds. Nothing here asserts a threshold.
If the index folder holds no index yet, it is built first (as `assistant ingest` would) and you are told.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from .common import GOLD


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", type=Path, default=None, help="index folder (default: the configured one, index/)")
    p.add_argument("--repeat", type=int, default=5, help="timed passes over the gold set (default 5)")
    p.add_argument("--encoders", default=None, help="comma-separated query encoders, e.g. torch,onnx,onnx-int8")
    p.add_argument("--torch-threads", type=int, default=None, help="torch.set_num_threads for the torch encoder")
    p.add_argument("--gold", type=Path, default=GOLD, help="gold set (default evals/gold.jsonl)")
    return p.parse_args(argv)


def ensure_index(settings) -> None:
    """Build the index if there is none, saying so; warn (but go on) if it is stale."""
    from assistant.index.build import build_index
    from assistant.index.status import index_status

    status = index_status(settings)
    if not status.exists:
        print(
            f"No index in {settings.index_dir}/: building it now (the same as `assistant ingest --index {settings.index_dir}`)."
        )
        build_index(settings, progress=True)
    elif status.stale:
        print(
            f"warning: {settings.index_dir}/ is stale ({status.reason}); run `assistant ingest` to update it.",
            file=sys.stderr,
        )


def conversation(assistant, turns: list[str]) -> list[dict]:
    """The history a final question sees: earlier questions with the assistant's real answers."""
    from assistant.conversation import add_turn

    history: list[dict] = []
    for q in turns:
        history = add_turn(history, q, assistant.ask(q, history=list(history)).text)
    return history


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def summary(label: str, ms: list[float]) -> str:
    return (
        f"{label:<12} n={len(ms):<5} median {statistics.median(ms):7.1f} ms   p95 {percentile(ms, 95):7.1f} ms   "
        f"mean {statistics.fmean(ms):7.1f} ms   max {max(ms):7.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from assistant.config import load_settings, set_offline_environment

    set_offline_environment()
    from assistant import Assistant, AssistantError
    from assistant.evaluation.gold import load_gold

    if args.torch_threads:
        # On a busy 2-core machine torch's default 2 threads measured ~10x slower per query than 1.
        import torch

        torch.set_num_threads(args.torch_threads)

    try:
        settings = load_settings(index_dir=args.index)
        items = load_gold(args.gold)
        names = [n.strip() for n in (args.encoders or settings.encoder).split(",") if n.strip()]
        ensure_index(settings)
        started = time.perf_counter()
        assistants = {n: Assistant.load(settings.index_dir, settings.with_overrides(encoder=n)) for n in names}
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    threads = f"; torch threads {args.torch_threads}" if args.torch_threads else ""
    print(f"loaded {', '.join(names)} in {time.perf_counter() - started:.1f} s; index {settings.index_dir}/{threads}")

    histories = {n: [conversation(a, item["history"]) for item in items] for n, a in assistants.items()}
    for name, a in assistants.items():  # warm-up pass, untimed
        for item, history in zip(items, histories[name], strict=True):
            a.ask(item["question"], history=list(history))

    load_before = os.getloadavg()
    times: dict[str, list[float]] = {n: [] for n in names}
    slowest: list[tuple[float, str, str]] = []
    for _ in range(args.repeat):
        for name, a in assistants.items():
            for item, history in zip(items, histories[name], strict=True):
                turns = list(history)  # a fresh list, as a caller would pass
                t0 = time.perf_counter()
                a.ask(item["question"], history=turns)
                ms = (time.perf_counter() - t0) * 1000
                times[name].append(ms)
                slowest.append((ms, name, item["id"]))
    load_after = os.getloadavg()

    conversations = sum(1 for item in items if item["history"])
    print(
        f"ask() latency: {len(items)} gold questions ({conversations} with history) x {args.repeat} passes, "
        f"after a warm-up pass; {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print(summary("all", [ms for values in times.values() for ms in values]))
    if len(names) > 1:
        for name in names:
            print(summary(name, times[name]))
    print(
        "slowest: " + ", ".join(f"{item} ({name}) {ms:.0f} ms" for ms, name, item in sorted(slowest, reverse=True)[:5])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
