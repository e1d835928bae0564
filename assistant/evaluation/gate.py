"""The gate: the default configuration's figures held to floors that never move, and to the last accepted run.

Two checks, both on every split and every language's split ("ru:test") that ran:
- **floors** (the "floors" of evals/goals.json): minimum figures chosen by hand, per split and per
  language; a figure below its floor fails, whatever the last run did. `--update-expected` never
  writes them.
- **regressions** (evals/expected.json, written by `assistant eval --update-expected`): a gated
  metric more than the tolerance below the last accepted figure fails.

A missing expected.json or floors file is an error that names the fix, never a silent pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AssistantError
from .configs import DEFAULT_CONFIG
from .formatting import fmt, rounded

GATED = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "ndcg@10",
    "accuracy",
    "f1",
    "overall_accuracy",
    "citation_correctness",
    "refusal_precision",
    "refusal_recall",
)
TOLERANCE = 0.02  # absolute; latency and length are reported, never gated
EPSILON = 1e-9  # figures are rounded to 4 places in the files


def read_expected(path: Path) -> dict:
    """The expected figures; a missing or unreadable file is an error that says how to write one."""
    path = Path(path)
    if not path.is_file():
        raise AssistantError(
            f"No expected figures at {path}: the regression gate needs them. Write them from the current code with "
            "`assistant eval --update-expected` (and commit the file), or pass --expected PATH."
        )
    try:
        expected = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(expected.get("splits"), dict):
            raise ValueError("no 'splits'")
    except (ValueError, AttributeError) as exc:
        raise AssistantError(
            f"{path} is not an expected-figures file ({exc}); rewrite it with `assistant eval --update-expected`."
        ) from None
    return expected


def read_floors(path: Path) -> dict[str, dict[str, float]]:
    """The floors, {split: {metric: minimum}}, from the "floors" of a goals file; missing is an error."""
    path = Path(path)
    if not path.is_file():
        raise AssistantError(
            f"No goals file at {path}: the gate's floors live in its \"floors\" (the repository's is evals/goals.json); "
            "pass --goals PATH."
        )
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))["floors"]
        bad = [f"{s} {k}" for s, figures in floors.items() for k, v in figures.items() if k not in GATED or not isinstance(v, (int, float))]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AssistantError(
            f"{path} has no readable \"floors\" ({type(exc).__name__}: {exc}); see evals/goals.json for the format."
        ) from None
    if bad:
        raise AssistantError(f"{path}: floors must be numbers for gated metrics ({', '.join(GATED)}); not: {', '.join(bad)}.")
    return floors


def regressions(expected: dict, actual: dict[str, dict], complete: bool = False) -> list[str]:
    """Gated metrics that fell more than the tolerance below the expected figures.

    A split that did not run is not judged, unless `complete` (a run of every item) says it should have.
    """
    tol = expected.get("tolerance", TOLERANCE)
    out = []
    for split, figures in expected.get("splits", {}).items():
        if split not in actual:
            if complete:
                out.append(f"{split}: not measured (the gold set has no such items), expected figures for it")
            continue
        for name in expected.get("gated", GATED):
            want, got = figures.get(name), actual[split].get(name)
            if want is not None and (got is None or got < want - tol - EPSILON):
                out.append(f"{split} {name}: {fmt(got)} < expected {want:.3f} - {tol}")
    return out


def below_floors(floors: dict[str, dict[str, float]], actual: dict[str, dict], complete: bool = False) -> list[str]:
    """Figures below their floor (or undefined where a floor is set)."""
    out = []
    for split, figures in floors.items():
        if split not in actual:
            if complete:
                out.append(f"{split}: not measured (the gold set has no such items), floors set for it")
            continue
        for name, floor in figures.items():
            got = actual[split].get(name)
            if got is None or got < floor - EPSILON:
                out.append(f"{split} {name}: {fmt(got)} < floor {floor:.3f}")
    return out


@dataclass
class GateResult:
    """What the gate found: figures below their floors, regressions against the expected figures."""

    floors_path: Path
    expected_path: Path | None  # None when not compared (--update-expected)
    floors_judged: int = 0
    below: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)
    tolerance: float = TOLERANCE

    @property
    def failed(self) -> bool:
        return bool(self.below or self.regressed)

    def lines(self) -> list[str]:
        """One line per failure, naming the file that holds the figure it failed."""
        return [f"below floor ({self.floors_path}): {b}" for b in self.below] + [
            f"regression ({self.expected_path}): {r}" for r in self.regressed
        ]

    def summary(self) -> str:
        """One line for the terminal and the report."""
        if self.failed:
            parts = []
            if self.below:
                parts.append(f"{len(self.below)} figure(s) below their floor in {self.floors_path}")
            if self.regressed:
                parts.append(f"{len(self.regressed)} regression(s) against {self.expected_path}")
            return "GATE FAILED: " + "; ".join(parts)
        held = f"{self.floors_judged} figures at or above their floors in {self.floors_path}"
        if self.expected_path is None:
            return f"gate: {held}"
        return f"gate: {held}; every gated metric within {self.tolerance} of {self.expected_path}"


def judge(
    actual: dict[str, dict], floors: dict, floors_path: Path, expected: dict | None, expected_path: Path | None,
    complete: bool = False,
) -> GateResult:
    """Both checks on one run's gated figures (per split and per language's split)."""
    judged = sum(len(figures) for split, figures in floors.items() if split in actual)
    result = GateResult(floors_path, expected_path if expected is not None else None, judged)
    result.below = below_floors(floors, actual, complete)
    if expected is not None:
        result.regressed = regressions(expected, actual, complete)
        result.tolerance = expected.get("tolerance", TOLERANCE)
    return result


def expected_figures(split_metrics: dict[str, dict], settings) -> dict:
    """The content of evals/expected.json for the default configuration."""
    return {
        "command": "assistant eval --update-expected",
        "config": DEFAULT_CONFIG,
        "tolerance": TOLERANCE,
        "gated": list(GATED),
        "note": "Figures of the default configuration on the seed index, per split and per language and split ('ru:test') over "
        "the factoid and unanswerable items, and per kind ('kind:list:test', 'kind:how_why:ru:test'; accuracy as the kind "
        "scores it). "
        "Update only with the change that moved them, saying why in the commit. The floors that never move with a run "
        "are in evals/goals.json.",
        "settings": settings.summary(),
        "splits": {s: rounded({k: v[k] for k in ("n", *GATED) if k in v}) for s, v in split_metrics.items()},
    }


def write_expected(path: Path, split_metrics: dict[str, dict], settings) -> None:
    """Write the default configuration's figures as the new expected figures."""
    Path(path).write_text(json.dumps(expected_figures(split_metrics, settings), indent=2) + "\n", encoding="utf-8")


def read_kind_goals(path: Path) -> dict[str, dict[str, float]]:
    """The reported targets, {figure key: {metric: target}}, from the "kind_goals" of a goals file ({} when absent).

    "kind:*:test" stands for every kind's test figure. These are never gated: the report marks each met or missed.
    """
    try:
        goals = json.loads(Path(path).read_text(encoding="utf-8")).get("kind_goals", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {k: v for k, v in goals.items() if isinstance(v, dict) and not k.startswith("_")}


def goal_status(goals: dict[str, dict[str, float]], actual: dict[str, dict]) -> list[dict]:
    """Each target with the figure it got and whether it is met (a missing figure is missed)."""
    out = []
    for key, targets in goals.items():
        if "*" in key:
            prefix, _, suffix = key.partition("*")
            keys = sorted(k for k in actual if k.startswith(prefix) and k.endswith(suffix) and k.count(":") == key.count(":"))
        else:
            keys = [key]
        for k in keys:
            for name, target in targets.items():
                got = actual.get(k, {}).get(name)
                out.append({"figure": k, "metric": name, "target": target, "got": got,
                            "met": got is not None and got >= target - EPSILON, "goal": key})
    return out


def goal_lines(status: list[dict]) -> list[str]:
    """One line per target: met or MISSED, with the figure."""
    return [
        f"{'met   ' if s['met'] else 'MISSED'} {s['figure']} {s['metric']}: {fmt(s['got'])} (goal >= {s['target']:.2f})"
        for s in status
    ]
