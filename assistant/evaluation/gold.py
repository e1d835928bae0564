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


# What each item asks for, and so how it is scored (evals/README.md, "Kinds"). The first two are the kinds the
# set had before issue 13; the overall figures (and the floors) are taken over them alone, so they stay comparable.
BASE_KINDS = ("factoid", "unanswerable")
KINDS = (
    *BASE_KINDS,
    "near_topic_unanswerable",
    "list",
    "overview",
    "multipart",
    "partly_answerable",
    "how_why",
    "negation",
    "followup_why",
    "smalltalk",
)
UNANSWERABLE_KINDS = ("unanswerable", "near_topic_unanswerable")


def item_kind(item: dict) -> str:
    """The item's kind; items written before the field existed are factoids, or unanswerable when not answerable."""
    return item.get("kind") or ("factoid" if item.get("answerable", True) else "unanswerable")
