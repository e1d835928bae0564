"""Clients against the API through nginx and 2 replicas, every answer checked; memory before and after.

    python -m assistant.bench.replica_load [--clients 50] [--seconds 120] [--index index] [--json PATH]

The bench runs it briefly; `make load-test-replicas` runs the long one (50 clients, 2 minutes). It
also says what the second replica costs: the index is memory-mapped, so two replicas on one machine
share its pages; a replica's private memory (USS) is what it adds, its PSS what it is charged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..serving.replicas import start_cluster, stop_cluster
from .api_load import reference_answers, run_load

if TYPE_CHECKING:
    from .run import Run

QUESTIONS = 40  # the first standalone gold questions (all languages), asked in turn


def memory_mb(pid: int) -> dict:
    """RSS, PSS, private (USS) and shared memory of a process, from /proc/<pid>/smaps_rollup, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            fields[name] = int(value.split()[0]) / 1024
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    shared = fields.get("Shared_Clean", 0) + fields.get("Shared_Dirty", 0)
    return {k: round(v, 1) for k, v in
            {"rss": fields.get("Rss", 0), "pss": fields.get("Pss", 0), "uss": private, "shared": shared}.items()}  # fmt: skip


def index_mapped_mb(pid: int, index_dir: Path) -> float:
    """How much of the index folder's files the process has mapped (the pages replicas share)."""
    total, folder = 0, str(Path(index_dir).resolve())
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[5].startswith(folder):
            start, end = (int(x, 16) for x in parts[0].split("-"))
            total += end - start
    return round(total / 2**20, 1)


def load_replicas(index_dir: Path, questions: list[str], clients: int, seconds: float) -> dict:
    """2 replicas behind nginx: memory of each, then `clients` for `seconds` through nginx, then memory again."""
    cluster = start_cluster(index_dir, 2, env={"ASSISTANT_API_RATE_LIMIT_PER_MINUTE": "0"})
    try:
        reference = reference_answers(cluster.url, questions)
        pids = [r.proc.pid for r in cluster.replicas]
        before = [memory_mb(p) for p in pids]
        result = run_load(cluster.url, reference, clients, seconds=seconds)
        after = [memory_mb(p) for p in pids]
        return {
            "clients": clients,
            "questions": len(questions),
            "load": result.summary(),
            "memory_before_mb": before,
            "memory_after_mb": after,
            "rss_growth_mb": [round(a["rss"] - b["rss"], 1) for a, b in zip(after, before, strict=True)],
            "index_mapped_mb": [index_mapped_mb(p, index_dir) for p in pids],
        }
    finally:
        stop_cluster(cluster)


def measure_replicas(bench: Run) -> dict:
    """The bench's short run: 50 clients for 10 s (quick) or 60 s."""
    questions = [it["question"] for it in bench.items if not it["history"]][:QUESTIONS]
    return load_replicas(bench.seed_index, questions, 50, 10 if bench.plan.quick else 60)


def main(argv: list[str] | None = None) -> int:
    from ..config import set_offline_environment
    from ..evaluation.gold import load_gold

    parser = argparse.ArgumentParser(prog="python -m assistant.bench.replica_load", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--gold", type=Path, default=Path("evals/gold.jsonl"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    set_offline_environment()
    questions = [it["question"] for it in load_gold(args.gold) if not it["history"]][:QUESTIONS]
    figures = load_replicas(args.index, questions, args.clients, args.seconds)
    text = json.dumps(figures, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    load = figures["load"]
    return 0 if load["failed"] == 0 and load["wrong"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
