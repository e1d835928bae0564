"""What one `assistant bench` run measures, from its flags and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import AssistantError
from ..evaluation.arguments import report_folder
from .arguments import CHUNK_SIZES, DEFAULT_GOALS, FULL_SCALE, QUICK_SCALE, SOAK_MINUTES, SOAK_MINUTES_QUICK


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
    goals: Path = DEFAULT_GOALS
    soak_minutes: float = 0
    page_loads: int = 0  # Lighthouse loads of each page


def make_plan(args, settings) -> Plan:
    """The plan of a full or --quick run, with any sizes, repeats or threads the flags set."""
    quick = bool(getattr(args, "quick", False))
    scale = _ints(args.scale) if args.scale else (QUICK_SCALE if quick else FULL_SCALE)
    sizes = (
        _ints(args.chunk_sizes)
        if getattr(args, "chunk_sizes", None)
        else ((settings.chunk_tokens,) if quick else CHUNK_SIZES)
    )
    if settings.chunk_tokens not in sizes:
        sizes = (*sizes, settings.chunk_tokens)
    return Plan(
        quick=quick,
        scale=tuple(s for s in scale if s > 0),
        repeats=args.repeats or (1 if quick else 3),
        cold_runs=2 if quick else 5,
        chunk_sizes=tuple(sizes),
        gold=Path(args.gold),
        out=report_folder(args),
        threads=args.threads or (2 if quick else 4),
        http_requests=16 if quick else 0,
        keep=getattr(args, "keep", False),
        goals=Path(getattr(args, "goals", None) or DEFAULT_GOALS),
        soak_minutes=_soak_minutes(args, quick),
        page_loads=_page_loads(args, quick),
    )


def _soak_minutes(args, quick: bool) -> float:
    minutes = getattr(args, "soak_minutes", None)
    return float(minutes) if minutes is not None else (SOAK_MINUTES_QUICK if quick else SOAK_MINUTES)


def _page_loads(args, quick: bool) -> int:
    loads = getattr(args, "page_loads", None)
    return loads if loads is not None else (2 if quick else 5)


def _ints(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v.replace("_", "")) for v in str(text).split(",") if v.strip())
    except ValueError:
        raise AssistantError(f"Expected comma-separated whole numbers (e.g. 10000,100000), got {text!r}.") from None
