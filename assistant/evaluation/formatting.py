"""How figures read in the measurement reports: one number format, one rounding, one Markdown table."""

from __future__ import annotations


def fmt(v) -> str:
    """A metric for a table cell: "-" when undefined, whole numbers as they are, else 3 decimals (1 from 10 up)."""
    if v is None:
        return "-"
    return str(v) if isinstance(v, int) else f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"


def rounded(tree):
    """Floats rounded to 4 places throughout a nested dict, for the JSON reports."""
    if isinstance(tree, dict):
        return {k: rounded(v) for k, v in tree.items()}
    return round(tree, 4) if isinstance(tree, float) else tree


def markdown_table(header: list[str], rows: list[list]) -> str:
    """A Markdown table; a None cell shows as "-"."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join("-" if c is None else str(c) for c in row) + " |" for row in rows])
