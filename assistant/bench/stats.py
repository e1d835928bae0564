"""Figures of repeated measurements: percentiles of a list, the memory of a process, stage timings."""

from __future__ import annotations

import os

from ..evaluation.metrics import mean, percentile
from ..hooks import StageHook, timing_hook


def stats(values) -> dict:
    """n, median, p95, mean and max of a list of numbers (None when empty)."""
    values = [float(v) for v in values]
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "mean": mean(values),
        "max": max(values) if values else None,
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory so far."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kilobytes on Linux


def rss_mb(pid: int | None = None) -> float:
    """A process's resident memory now (psutil, from the eval extra)."""
    import psutil

    return round(psutil.Process(pid or os.getpid()).memory_info().rss / 2**20, 1)


def stage_recorder(stages: tuple[str, ...] = ("encode", "dense", "lexical", "select")) -> tuple[StageHook, dict]:
    """A timing hook and the per-call milliseconds it collects for each of `stages`."""
    times: dict[str, list[float]] = {stage: [] for stage in stages}

    def record(stage: str, seconds: float) -> None:
        if stage in times:
            times[stage].append(seconds * 1000)

    return timing_hook(record), times
