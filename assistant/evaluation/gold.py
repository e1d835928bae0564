"""The gold set: the one reader of a gold JSON-lines file (its format is in evals/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import AssistantError


def gold_lines(path: Path) -> list[tuple[int, dict | None]]:
    """(line number, item) for every line of the file, None for a blank line; the first bad line raises."""
    path = Path(path)
    if not path.is_file():
        raise AssistantError(f"No gold set at {path}; pass --gold PATH (the format is in evals/README.md).")
    lines = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            lines.append((lineno, json.loads(line) if line.strip() else None))
        except json.JSONDecodeError as exc:
            raise AssistantError(
                f"{path}:{lineno} is not valid JSON ({exc}); check it with `python -m assistant.evaluation.check_gold`."
            ) from None
    return lines


def load_gold(path: Path, split: str = "all", language: str = "all") -> list[dict]:
    """Gold items of a split ("all", "tune" or "test") and a language ("all", "en", "ru", "kk"), in file order."""
    items = [item for _, item in gold_lines(path) if item is not None]
    return [
        it
        for it in items
        if (split == "all" or it["split"] == split) and (language == "all" or item_language(it) == language)
    ]


def item_language(item: dict) -> str:
    """The language of an item's question (items written before the field existed are English)."""
    return item.get("language") or "en"
