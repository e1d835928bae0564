"""A line that ends in a colon announces the items under it: "3. Предложить Президенту РСФСР дать поручение Совету
Министров РСФСР в течение двух месяцев:" over "а) разработать порядок выплаты компенсации ...". An item quoted alone
lacks its subject (who is to do it, by when), so it is quoted under the line that announces it; and a line chosen for
itself that announces items ("Верховный Совет РСФСР постановляет:") says what it announces only with them, so its first
items follow it while the answer stays short. The layout of a decree, a list or a set of instructions in any
language, not the wording of one text."""

from __future__ import annotations

import re
from dataclasses import replace

from .select import OVER_BUDGET

_ITEM = re.compile(r"\s*(?:[-*•·▪–—]|\d{1,3}[.)]|[^\W\d_][.)])\s")  # a bullet, "1." or "1)", "а)" or "b."
_LINE = re.compile(r"[^\n]+")
MAX_ITEMS = 12  # items between an item and the line announcing it (a longer run is no one list)
MAX_FOLLOWING = 3  # items quoted after a chosen line that announces them
WINDOW = 4000  # characters looked back for that line


def lead_in(text: str, start: int) -> tuple[int, int] | None:
    """The offsets of the line announcing the list item that opens its line at `start`: the nearest line above it
    that ends in a colon, past only other items of the list. None when the sentence at `start` is no list item or no
    line announces its list."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() or not _ITEM.match(text, line_start):
        return None
    base = max(0, line_start - WINDOW)
    lines = [(base + m.start(), base + m.end()) for m in _LINE.finditer(text, base, line_start)]
    for count, (a, b) in enumerate(reversed([(a, b) for a, b in lines if text[a:b].strip()])):
        line = text[a:b]
        if line.rstrip().endswith(":"):
            a += len(line) - len(line.lstrip())
            return a, a + len(line.strip())
        if count >= MAX_ITEMS or not _ITEM.match(line):
            return None
    return None


def items_after(text: str, end: int) -> list[tuple[int, int]]:
    """The offsets of the list items under a line that ends in a colon at `end`, in order ([] when the sentence does
    not end its line with a colon, or no item follows)."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[end:line_end].strip() or not text[:end].rstrip().endswith(":"):
        return []
    out = []
    for m in _LINE.finditer(text, line_end):
        line = m.group()
        if not line.strip():
            continue
        if not _ITEM.match(line) or len(out) >= MAX_ITEMS:
            break
        a = m.start() + len(line) - len(line.lstrip())
        out.append((a, a + len(line.strip())))
    return out


def with_lead_ins(chosen: list, documents: dict, hits, budget: int = 0) -> list:
    """The chosen sentences, each list item preceded by the line that announces its list, and each chosen line that
    announces items followed by its first ones while the answer stays within `OVER_BUDGET` times the answer's length
    `budget` (0: none), as a runner-up nearly tied with the best may. Once
    each, and only where a retrieved passage holds it, so that it can be cited. Each is a `select.Candidate`."""
    out, quoted = [], {(c.doc_id, c.start) for c in chosen}
    held = lambda c, a, b: any(h.chunk.doc_id == c.doc_id and h.chunk.start <= a and b <= h.chunk.end for h in hits)  # noqa: E731
    length, budget = sum(len(c.text) for c in chosen), int(OVER_BUDGET * budget)
    for c in chosen:
        text = documents[c.doc_id].text
        span = lead_in(text, c.start)
        if span is not None and (c.doc_id, span[0]) not in quoted and held(c, *span):
            out.append(replace(c, start=span[0], end=span[1], text=text[span[0] : span[1]]))
            quoted.add((c.doc_id, span[0]))
        out.append(c)
        for a, b in items_after(text, c.end)[:MAX_FOLLOWING] if budget else ():
            if (c.doc_id, a) in quoted or length + b - a > budget or not held(c, a, b):
                break
            out.append(replace(c, start=a, end=b, text=text[a:b]))
            quoted.add((c.doc_id, a))
            length += b - a
    return out
