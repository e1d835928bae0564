"""The regression gate: the default configuration's figures held to evals/expected.json."""

from __future__ import annotations

import json
from pathlib import Path

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


def read_expected(path: Path) -> dict | None:
    """The expected figures, or None when there is no such file (then nothing is gated)."""
    path = Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def regressions(expected: dict, actual: dict[str, dict]) -> list[str]:
    """Gated metrics that fell more than the tolerance below the expected figures."""
    tol = expected.get("tolerance", TOLERANCE)
    out = []
    for split, figures in expected.get("splits", {}).items():
        if split not in actual:
            continue
        for name in expected.get("gated", GATED):
            want, got = figures.get(name), actual[split].get(name)
            if want is not None and (got is None or got < want - tol - 1e-9):
                out.append(f"{split} {name}: {fmt(got)} < expected {want:.3f} - {tol}")
    return out


def expected_figures(split_metrics: dict[str, dict], settings) -> dict:
    """The content of evals/expected.json for the default configuration."""
    return {
        "command": "assistant eval --update-expected",
        "config": DEFAULT_CONFIG,
        "tolerance": TOLERANCE,
        "gated": list(GATED),
        "note": "Figures of the default configuration on the seed index, per split and per language and split ('ru:test'). Update only with the change that moved them, saying why in the commit.",
        "settings": settings.summary(),
        "splits": {s: rounded({k: v[k] for k in ("n", *GATED)}) for s, v in split_metrics.items()},
    }


def write_expected(path: Path, split_metrics: dict[str, dict], settings) -> None:
    """Write the default configuration's figures as the new expected figures."""
    Path(path).write_text(json.dumps(expected_figures(split_metrics, settings), indent=2) + "\n", encoding="utf-8")
