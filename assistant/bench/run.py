"""`assistant bench`: speed, memory and scale, against the LangChain-tutorial baseline, in one run.

Parts, in order: ingest (ours and the baseline's, interleaved; every chunk-size candidate;
re-ingest of an unchanged corpus), cold start (fresh processes), ask() latency and gold-set
accuracy (ours and the baseline's, question by question), the two multilingual engines side by
side, the app's HTTP API, synthetic corpora of growing size, the soak (memory of a serving
process under 30 clients), and Lighthouse on the pages. Heavy parts run in child processes so
their peak memory is their own.
After each part the Markdown report (and its JSON figures) is rewritten, so a long run that
dies late still leaves what it measured. Timing is printed, never asserted; the goals it is
judged by come from evals/goals.json.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AssistantError
from ..evaluation.gold import load_gold
from .children import StepFailed, log
from .cold_start import measure_cold_start
from .encoders import measure_encoders
from .goals import load_goals
from .http_api import measure_http
from .ingest import measure_ingest
from .lighthouse import measure_lighthouse
from .machine import describe_machine
from .plan import Plan, make_plan
from .queries import measure_chunk_sizes, measure_queries
from .ray_ingest import measure_ray_ingest
from .replica_load import measure_replicas
from .report import format_summary, write_report
from .scale import measure_scale
from .serving_api import measure_serving
from .soak import measure_soak

STEPS = (
    ("ingest", measure_ingest),
    ("cold_start", measure_cold_start),
    ("queries", measure_queries),
    ("encoders", measure_encoders),
    ("chunk_sizes", measure_chunk_sizes),
    ("http", measure_http),
    ("serving", measure_serving),
    ("replicas", measure_replicas),
    ("ray_ingest", measure_ray_ingest),
    ("scale", measure_scale),
    ("soak", measure_soak),
    ("pages", measure_lighthouse),
)


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
        write_report(self.results, self.paths)

    def index_for(self, size: int) -> Path:
        return self.work / f"index-{size}"

    @property
    def seed_index(self) -> Path:
        return self.index_for(self.settings.chunk_tokens)


def run(args, settings) -> int:
    """The `assistant bench` command."""
    plan = make_plan(args, settings)
    items = load_gold(plan.gold)
    if not items:
        raise AssistantError(f"{plan.gold} holds no gold items.")
    bench = Run(plan, settings, items, Path(tempfile.mkdtemp(prefix="assistant-bench-")))
    bench.results = first_results(plan, settings, items)
    bench.paths = report_paths(plan, bench.results["created"])
    try:
        for name, step in STEPS:
            log(f"== {name}")
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
            log(f"scratch folder kept: {bench.work}")
        else:
            shutil.rmtree(bench.work, ignore_errors=True)
    print(format_summary(bench.results))
    print("report: " + ", ".join(str(p) for p in bench.paths))
    return 0


def first_results(plan: Plan, settings, items: list[dict]) -> dict:
    """What the report knows before anything is measured: the run, the machine, the settings, the goals."""
    return {
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if plan.quick else "full",
        "command": "assistant " + " ".join(sys.argv[1:])
        if sys.argv[0].endswith(("assistant", "cli.py"))
        else " ".join(sys.argv),
        "machine": describe_machine(),
        "settings": settings.summary(),
        "goals": load_goals(plan.goals),
        "plan": {
            "scale": list(plan.scale),
            "repeats": plan.repeats,
            "cold_runs": plan.cold_runs,
            "chunk_sizes": list(plan.chunk_sizes),
            "gold": str(plan.gold),
            "gold_items": len(items),
            "threads": plan.threads,
            "soak_minutes": plan.soak_minutes,
        },
    }


def report_paths(plan: Plan, created: str) -> list[Path]:
    """bench-<date>[-quick].md and .json under the plan's report folder."""
    stem = f"bench-{created[:10]}" + ("-quick" if plan.quick else "")
    return [plan.out / f"{stem}.md", plan.out / f"{stem}.json"]
