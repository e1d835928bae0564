"""How one benchmark figure reads in a report cell, and the table and lookup helpers the report sections share."""

from __future__ import annotations

from ..evaluation.formatting import markdown_table


def get(tree, *keys):
    """tree[k1][k2]..., or None where any step is missing (a part that did not run)."""
    for key in keys:
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree


def table(header: list[str], rows: list[list]) -> list[str]:
    """A Markdown table and the blank line after it, as report lines."""
    return [markdown_table(header, rows), ""]


def scored_kinds(note: dict | None) -> str:
    """The sentence saying which gold items a section's accuracy counts (`queries.scored_note`)."""
    if not note:
        return "Accuracy counts every gold item of every kind (a run from before it counted the base kinds only)."
    return (
        f"Accuracy counts the {' and '.join(note['kinds'])} items only ({note['items']} of {note['of']} gold items), "
        "the kinds `assistant eval`'s overall figures are taken over, so it stays comparable with earlier runs; "
        "`assistant eval` scores the other kinds (lists, overviews, multi-part questions, small talk...) by kind."
    )


def ms(v) -> str:
    return "-" if v is None else f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"


def secs(v) -> str:
    return "-" if v is None else f"{v:.2f} s"


def pct(v) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def num(v, digits=0) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


def failed(part) -> list[str]:
    """What a section says when its part did not run or failed; [] when it has figures."""
    if part is None:
        return ["Not measured in this run.", ""]
    if "error" in part:
        return [f"Failed: {part['error']}", ""]
    return []
