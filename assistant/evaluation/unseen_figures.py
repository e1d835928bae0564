"""Figures of an unseen set, by question language x document language and by kind, against issue 20's goals.

- answer accuracy per pair ("ru>en"): answerable items other than small talk, each scored as its kind asks;
- near-topic refusal: the share of near_topic_unanswerable items refused (off-topic refusals reported beside it);
- false refusals: answerable items other than small talk that were refused, as a share of them;
- small-talk accuracy: small-talk items answered with a reply that is neither a refusal nor cited.
The goals live in the "unseen" section of evals/goals.json; they are reported (met or MISSED), never gated.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import AssistantError
from . import metrics as m
from .formatting import fmt, markdown_table
from .gold import KINDS
from .summary import kind_summary


def pair_of(result, doc_languages: dict[str, str | None]) -> str:
    return f"{result.language}>{doc_languages.get(result.id) or '-'}"


def unseen_figures(results: list, items: list[dict]) -> dict:
    """Every figure of a set from its item results (run.ItemResult) and gold items."""
    doc_languages = {it["id"]: it.get("doc_language") for it in items}
    answerable = [r for r in results if r.answerable and r.kind != "smalltalk"]
    near = [r for r in results if r.kind == "near_topic_unanswerable"]
    pairs = sorted({pair_of(r, doc_languages) for r in answerable + near})
    refused = sum(r.abstained for r in answerable)
    return {
        "items": len(results),
        "answerable": len(answerable),
        "answer_accuracy": m.mean(float(r.correct) for r in answerable),
        "by_pair": {
            p: {
                "n": sum(pair_of(r, doc_languages) == p for r in answerable),
                "accuracy": m.mean(float(r.correct) for r in answerable if pair_of(r, doc_languages) == p),
                "near_topic_n": sum(pair_of(r, doc_languages) == p for r in near),
                "near_topic_refusal": m.mean(float(r.abstained) for r in near if pair_of(r, doc_languages) == p),
            }
            for p in pairs
        },
        "near_topic_refusal": m.mean(float(r.abstained) for r in near),
        "off_topic_refusal": m.mean(float(r.abstained) for r in results if r.kind == "unanswerable"),
        "false_refusals": refused,
        "false_refusal_share": refused / len(answerable) if answerable else None,
        "smalltalk_accuracy": m.mean(float(r.correct) for r in results if r.kind == "smalltalk"),
        "by_kind": {
            k: kind_summary([r for r in results if r.kind == k]) for k in KINDS if any(r.kind == k for r in results)
        },
        "by_question_language": {
            lang: m.mean(float(r.correct) for r in answerable if r.language == lang)
            for lang in sorted({r.language for r in answerable})
        },
    }


SEALED_MIN_GROUP = (
    5  # a sealed pair or kind with fewer items is folded into "other": a figure of one or two items is an item's result
)


def sealed_view(figures: dict) -> dict:
    """The figures with every pair and kind of fewer than SEALED_MIN_GROUP items folded into one "other" group,
    and the near-topic refusal given overall only (a pair holds one to three near-topic items)."""
    out = dict(figures)
    small = {p: f for p, f in figures["by_pair"].items() if f["n"] < SEALED_MIN_GROUP}
    out["by_pair"] = {p: f | {"near_topic_refusal": None} for p, f in figures["by_pair"].items() if p not in small}
    n = sum(f["n"] for f in small.values())
    if n:
        out["by_pair"]["other pairs"] = {
            "n": n,
            "accuracy": sum((f["accuracy"] or 0) * f["n"] for f in small.values()) / n,
            "near_topic_n": sum(f["near_topic_n"] for f in small.values()),
            "near_topic_refusal": None,
        }
    out["by_kind"] = {k: f for k, f in figures["by_kind"].items() if f["n"] >= SEALED_MIN_GROUP}
    out["folded_kinds"] = [k for k, f in figures["by_kind"].items() if f["n"] < SEALED_MIN_GROUP]
    return out


def read_unseen_goals(path: Path) -> dict:
    """The "unseen" section of the goals file: answer accuracy per pair ("*" for any other), and the three shares."""
    path = Path(path)
    try:
        goals = json.loads(path.read_text(encoding="utf-8"))["unseen"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AssistantError(f'{path} has no readable "unseen" goals ({exc}); pass --goals PATH.') from None
    return goals


def goal_status(figures: dict, goals: dict) -> list[dict]:
    """One row per goal: what, the figure, the goal, at least or at most, met."""
    rows = []
    per_pair = goals.get("answer_accuracy", {})
    for p, f in figures["by_pair"].items():
        if p.endswith(">-") or f["n"] == 0:
            continue
        goal = per_pair.get(p, per_pair.get("*"))  # "other pairs" (sealed) against every other pair's goal
        if goal is not None:
            rows.append(_row(f"answer accuracy {p}", f["accuracy"], goal, "min"))
    for name, key, how in (
        ("near-topic refusal", "near_topic_refusal", "min"),
        ("false refusals / answerable", "false_refusal_share", "max"),
        ("small talk", "smalltalk_accuracy", "min"),
    ):
        if key in goals and figures.get(key) is not None:
            rows.append(_row(name, figures[key], goals[key], how))
    return rows


def _row(name: str, figure, goal: float, how: str) -> dict:
    met = figure is not None and (figure >= goal if how == "min" else figure <= goal)
    return {"goal": name, "figure": figure, "target": goal, "how": how, "met": met}


def format_figures(figures: dict, goals: list[dict], title: str) -> str:
    """The set's figures as markdown tables: per pair, per kind, and the goals."""
    pair_rows = [
        [p, f["n"], fmt(f["accuracy"]), f["near_topic_n"], fmt(f["near_topic_refusal"])]
        for p, f in figures["by_pair"].items()
    ]
    kind_rows = [
        [k, f["n"], fmt(f["accuracy"]), fmt(f["refusal_rate"]), fmt(f["citations_mean"])]
        for k, f in figures["by_kind"].items()
    ]
    goal_rows = [
        [
            g["goal"],
            fmt(g["figure"]),
            ("≥ " if g["how"] == "min" else "≤ ") + fmt(g["target"]),
            "met" if g["met"] else "MISSED",
        ]
        for g in goals
    ]
    overall = (
        f"{figures['items']} items; answer accuracy {fmt(figures['answer_accuracy'])} over {figures['answerable']} answerable; "
        f"near-topic refusal {fmt(figures['near_topic_refusal'])}; off-topic refusal {fmt(figures['off_topic_refusal'])}; "
        f"false refusals {figures['false_refusals']} ({fmt(figures['false_refusal_share'])} of answerable); "
        f"small talk {fmt(figures['smalltalk_accuracy'])}"
    )
    return "\n\n".join(
        [
            f"## {title}",
            overall,
            "By question language > document language (`-`: no document, e.g. off-topic):\n\n"
            + markdown_table(["pair", "answerable", "accuracy", "near-topic", "refused"], pair_rows),
            "By kind:\n\n"
            + markdown_table(["kind", "n", "accuracy", "refusal rate", "citations"], kind_rows)
            + (
                f"\n\nKinds of fewer than {SEALED_MIN_GROUP} items, not shown (sealed): {', '.join(figures['folded_kinds'])}."
                if figures.get("folded_kinds")
                else ""
            ),
            'Goals (evals/goals.json "unseen"; reported, not gated):\n\n'
            + markdown_table(["goal", "figure", "target", ""], goal_rows),
        ]
    )
