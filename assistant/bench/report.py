"""The `assistant bench` report: the Markdown frame, the machine, the goals, memory; the terminal summary.

Pure formatting over the results dict that `assistant.bench.run` fills part by part; a part that
is missing or failed shows as such, so a report written half-way through a run still reads well.
The other sections live in report_ingest.py, report_queries.py and report_scale.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from .cells import get, table
from .goals import goals
from .report_encoders import encoders_section, soak_section
from .report_ingest import chunk_sizes_section, cold_start_section, ingest_section
from .report_pages import pages_section
from .report_queries import http_section, queries_section
from .report_scale import scale_section
from .report_serving import serving_section

NO_GOALS = "No goals were judged: no goals file was read (pass --goals PATH; the repository's is evals/goals.json)."


def write_report(results: dict, paths: list[Path]) -> None:
    """The Markdown report and the raw figures beside it."""
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    paths[0].write_text(format_markdown(results), encoding="utf-8")
    paths[1].write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def format_markdown(r: dict) -> str:
    """The whole Markdown report of a run, part by part."""
    out = [
        f"# Benchmark {r['created']} ({r['mode']})",
        "",
        f"Command: `{r['command']}`. Written by `assistant bench`; "
        "figures are medians (p50) and 95th percentiles over the runs shown; the raw figures are in the JSON file beside this one.",
        "",
    ]
    out += (
        _machine(r)
        + _goals(r)
        + ingest_section(r)
        + chunk_sizes_section(r)
        + cold_start_section(r)
        + queries_section(r)
        + encoders_section(r)
        + http_section(r)
        + serving_section(r)
        + _memory(r)
        + scale_section(r)
        + soak_section(r)
        + pages_section(r)
    )
    return "\n".join(out) + "\n"


def _machine(r):
    m = r["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    load = m.get("load_average_start")
    end = m.get("load_average_end")
    return [
        "## Machine",
        "",
        *table(
            ["", ""],
            [
                ["CPU", m["cpu"]],
                ["cores", f"{m['cores']} ({m['usable_cores']} usable)"],
                ["RAM", f"{m['ram_gb']} GB"],
                ["Python", m["python"]],
                ["OS", m["os"]],
                ["libraries", versions],
                [
                    "load average (1/5/15 min)",
                    f"start {' / '.join(f'{x:.2f}' for x in load)}"
                    + (f"; end {' / '.join(f'{x:.2f}' for x in end)}" if end else ""),
                ],
                ["settings", ", ".join(f"{k}={v}" for k, v in r["settings"].items())],
                ["gold set", f"{r['plan']['gold']} ({r['plan']['gold_items']} items), {r['plan']['repeats']} pass(es)"],
            ],
        ),
    ]


def _goals(r):
    rows = [
        [g["goal"], g["target"], g["measured"], {True: "yes", False: "**no**", None: "-"}[g["met"]], g["held_back"]]
        for g in goals(r)
    ]
    if not rows:
        return ["## Goals", "", NO_GOALS, ""]
    return [
        "## Goals",
        "",
        *table(["goal", "target", "measured", "met", "where the time goes / what holds it back"], rows),
    ]


def _memory(r):
    rows = []
    for label, value in (
        ("ingest process (models + full rebuilds)", get(r, "ingest", "peak_rss_mb")),
        ("cold-start process (load + one answer)", get(r, "cold_start", "peak_rss_mb")),
        ("ask process, seed index (load + whole gold set)", get(r, "scale", "rows", "seed", "peak_rss_mb")),
        ("app server (RSS after the HTTP run)", get(r, "http", "server_rss_mb")),
    ):
        rows.append([label, "-" if value is None else f"{value:,.0f} MB"])
    return [
        "## Peak memory",
        "",
        *table(["process", "peak RSS"], rows),
        "Scale rows below give the memory of each size.",
        "",
    ]


def format_summary(r: dict) -> str:
    """The goals table for the terminal."""
    if not r.get("goals"):
        return NO_GOALS
    lines = ["goal                                              target        measured"]
    for g in goals(r):
        mark = {True: "ok  ", False: "MISS", None: "    "}[g["met"]]
        lines.append(f"{mark} {g['goal'][:45]:<45} {g['target']:<13} {g['measured']}")
    return "\n".join(lines)
