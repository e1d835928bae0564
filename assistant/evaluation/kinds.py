"""Scoring an answer as its gold item's kind asks (evals/README.md, "Kinds"), on plain values.

A factoid-like item (factoid, how_why, negation, followup_why) needs an accepted string in the answer; an
unanswerable one needs a refusal; a list needs every member quoted; an overview enough key points and
citations; a multi-part question each answerable part quoted and each unanswerable part named as not
answered; small talk a reply that is neither a refusal nor cited (and, when the item names its `reply`, that
reply). The answer's quoted text is every citation's quote with the original beside a translated one, as the
page shows it. Fields the engine may not have yet (`unanswered`, `kind`) are read with getattr, so scoring
works before they exist.
"""

from __future__ import annotations

import re

from . import metrics as m
from .gold import item_kind

FACTOID_KINDS = ("factoid", "how_why", "negation", "followup_why")
PART_KINDS = ("multipart", "partly_answerable")
_WORD = re.compile(r"\w+")


def quoted_text(answer) -> str:
    """Every cited quote, with a translated quote's original beside it."""
    parts = []
    for c in answer.citations:
        parts.append(c.quote)
        if getattr(c, "translation", False):
            parts.append(getattr(c, "original_quote", "") or "")
    return " ".join(parts)


def _has_any(text: str, spellings) -> bool:
    return m.contains_answer(text, spellings)


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def part_named(part: str, unanswered) -> bool:
    """Whether a part of a question is among the answer's unanswered parts (normalised substring either way)."""
    want = _words(part)
    if not want:
        return False
    for named in unanswered or ():
        got = _words(str(named))
        if got and (want in got or got in want):
            return True
    return False


def kind_problems(item: dict, answer, previous=None) -> list[str]:
    """What is wrong with an answer to a gold item as its kind asks ([] when it is right).

    `previous` is the answer to the conversation's last earlier turn: a follow-up "why?" / "how?" that quotes
    exactly what that answer quoted repeats it instead of giving the reason or manner.
    """
    kind = item_kind(item)
    quoted = quoted_text(answer)
    citations = tuple(answer.citations)
    if kind in ("unanswerable", "near_topic_unanswerable"):
        return [] if answer.abstained else ["missed refusal"]
    if kind == "smalltalk":
        out = (["refused small talk"] if answer.abstained else []) + (["cited small talk"] if citations else [])
        return out + _wrong_reply(item, answer)
    if answer.abstained and kind != "smalltalk" and not (kind in PART_KINDS and not _any_answerable(item)):
        return ["false refusal"]
    if kind == "list":
        missing = [spellings[0] for spellings in item["members"] if not _has_any(quoted, spellings)]
        return [f"list misses {', '.join(missing)}"] if missing else []
    if kind == "overview":
        found = sum(1 for spellings in item["key_points"] if _has_any(quoted, spellings))
        out = []
        if found < item.get("min_key_points", 2):
            out.append(f"overview has {found} of {item.get('min_key_points', 2)} key points")
        if len(citations) < item.get("min_citations", 2):
            out.append(f"overview cites {len(citations)} of {item.get('min_citations', 2)} sentences")
        return out
    if kind in PART_KINDS:
        unanswered = tuple(getattr(answer, "unanswered", ()) or ())
        out = []
        for part in item["parts"]:
            if part["answerable"] and not _has_any(quoted, part["answers"]):
                out.append(f"part unanswered: {part['question']}")
            elif not part["answerable"] and not part_named(part["question"], unanswered):
                out.append(f"part not named as unanswered: {part['question']}")
        return out
    # factoid-like kinds
    out = [] if _has_any(quoted, item["answers"]) else ["wrong answer"]
    if kind == "followup_why" and previous is not None and citations and _quotes(answer) == _quotes(previous):
        out.append("repeats the previous answer")
    return out


def _wrong_reply(item: dict, answer) -> list[str]:
    """A small-talk item's `reply` (greeting, thanks, about, goodbye), when it names one: the message that kind is
    answered by, in the answer's language ("next" on a first turn asks what comes now, and a goodbye is wrong)."""
    from ..messages import message

    reply = item.get("reply")
    if not reply or answer.abstained or answer.text == message(f"smalltalk_{reply}", answer.language):
        return []
    return [f"not the {reply} reply"]


def _quotes(answer) -> set[str]:
    return {c.quote for c in answer.citations}


def wanted(item: dict) -> str:
    """What an item of a kind without `answers` asks for, in one line for the failure list ("" for the others)."""
    kind = item_kind(item)
    if kind == "list":
        return "every member: " + "; ".join(" | ".join(spellings) for spellings in item["members"])
    if kind == "overview":
        points = "; ".join(" | ".join(spellings) for spellings in item["key_points"])
        return (
            f"{item.get('min_key_points', 2)} of the key points ({points}), {item.get('min_citations', 2)}+ citations"
        )
    if kind in PART_KINDS:
        return "; ".join(
            f"{p['question']}: {' | '.join(p['answers'])}"
            if p["answerable"]
            else f"{p['question']}: (named as unanswered)"
            for p in item["parts"]
        )
    if kind == "smalltalk":
        reply = f"the {item['reply']} reply" if item.get("reply") else "a reply"
        return f"({reply}: not a refusal, no citations)"
    return ""


def _any_answerable(item: dict) -> bool:
    return any(p["answerable"] for p in item.get("parts", ()))


def is_correct(item: dict, answer, previous=None) -> bool:
    """Whether an answer is right as its item's kind asks."""
    return not kind_problems(item, answer, previous)
