"""`assistant eval --sweep SETTING=V1,V2,...`: the default configuration's metrics per value of one setting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..errors import AssistantError
from . import metrics as m
from .configs import CONFIGS, DEFAULT_CONFIG
from .formatting import fmt, rounded
from .gate import GATED
from .gold import item_language
from .run import evaluate
from .summary import base, by_kind, summarize


def sweep(
    assistant, items: list[dict], setting_name: str, values, split: str = "tune", progress: bool = False,
    language: str = "all",
) -> dict:
    """Metrics of the default configuration on one split (and language) for each value of one setting (for tuning)."""
    chosen = [
        it
        for it in items
        if (split == "all" or it["split"] == split) and (language == "all" or item_language(it) == language)
    ]
    if not chosen:
        raise AssistantError(f"No gold items in split '{split}' and language '{language}' to sweep over.")
    configs = {str(v): {**CONFIGS[DEFAULT_CONFIG], setting_name: v} for v in values}
    return {value: sweep_figures(results) for value, results in evaluate(assistant, chosen, configs, progress).items()}


def sweep_figures(results) -> dict:
    """The overall metrics (factoid and unanswerable items, as the gate takes them) and each kind's accuracy."""
    kinds = {f"{kind} accuracy": m.mean(float(r.correct) for r in results if r.kind == kind) for kind in by_kind(results)}
    return summarize(base(results)) | kinds


def parse_sweep(text: str, settings) -> tuple[str, list]:
    """SETTING=V1,V2,... as the setting's name and its values, each coerced as the setting would be."""
    name, _, values = text.partition("=")
    name = name.strip()
    if not name or not values.strip():
        raise AssistantError(f"--sweep needs SETTING=V1,V2,... (e.g. min_answer_score=0.3,0.4), got {text!r}.")
    return name, [getattr(settings.with_overrides(**{name: v.strip()}), name) for v in values.split(",") if v.strip()]


def run_sweep(
    assistant, items: list[dict], name: str, values: list, split: str, out: Path, progress: bool, language: str = "all"
) -> int:
    """Print the metrics per value and write sweep-<setting>[-<language>]-<date>.json under `out`."""
    found = sweep(assistant, items, name, values, split, progress=progress, language=language)
    kinds = [k for k in next(iter(found.values()), {}) if k.endswith(" accuracy")]
    rows = ("n", *GATED, "false_refusals", "missed_refusals", "answer_chars_median", *kinds)
    which = f"split {split}" + ("" if language == "all" else f", language {language}")
    print(f"sweep of {name} on {which} ({DEFAULT_CONFIG})")
    print(f"{'metric':<33}" + "".join(f"{v:>9}" for v in found))
    for row in rows:
        print(f"{row:<33}" + "".join(f"{fmt(metrics.get(row)):>9}" for metrics in found.values()))
    out.mkdir(parents=True, exist_ok=True)
    stem = f"sweep-{name}" + ("" if language == "all" else f"-{language}")
    path = out / f"{stem}-{dt.date.today().isoformat()}.json"
    record = {"setting": name, "split": split, "language": language, "results": rounded(found)}
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"report: {path}")
    return 0
