"""`assistant eval --sweep SETTING=V1,V2,...`: the default configuration's metrics per value of one setting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..errors import AssistantError
from .configs import CONFIGS, DEFAULT_CONFIG
from .formatting import fmt, rounded
from .gate import GATED
from .run import evaluate
from .summary import summarize


def sweep(assistant, items: list[dict], setting_name: str, values, split: str = "tune", progress: bool = False) -> dict:
    """Metrics of the default configuration on one split for each value of one setting (for tuning)."""
    chosen = [it for it in items if split == "all" or it["split"] == split]
    configs = {str(v): {**CONFIGS[DEFAULT_CONFIG], setting_name: v} for v in values}
    return {value: summarize(results) for value, results in evaluate(assistant, chosen, configs, progress).items()}


def parse_sweep(text: str, settings) -> tuple[str, list]:
    """SETTING=V1,V2,... as the setting's name and its values, each coerced as the setting would be."""
    name, _, values = text.partition("=")
    name = name.strip()
    if not name or not values.strip():
        raise AssistantError(f"--sweep needs SETTING=V1,V2,... (e.g. min_answer_score=0.3,0.4), got {text!r}.")
    return name, [getattr(settings.with_overrides(**{name: v.strip()}), name) for v in values.split(",") if v.strip()]


def run_sweep(assistant, items: list[dict], name: str, values: list, split: str, out: Path, progress: bool) -> int:
    """Print the metrics per value and write sweep-<setting>-<date>.json under `out`."""
    found = sweep(assistant, items, name, values, split, progress=progress)
    rows = ("n", *GATED, "false_refusals", "missed_refusals", "answer_chars_median")
    print(f"sweep of {name} on split {split} ({DEFAULT_CONFIG})")
    print(f"{'metric':<22}" + "".join(f"{v:>9}" for v in found))
    for row in rows:
        print(f"{row:<22}" + "".join(f"{fmt(metrics.get(row)):>9}" for metrics in found.values()))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"sweep-{name}-{dt.date.today().isoformat()}.json"
    path.write_text(
        json.dumps({"setting": name, "split": split, "results": rounded(found)}, indent=1) + "\n", encoding="utf-8"
    )
    print(f"report: {path}")
    return 0
