"""What visitors needed: refused questions and disliked answers, similar questions grouped, newest first, as CSV.

Both logs keep only question text, language, time and where it was asked (page, kiosk, API; and, for a
dislike, the answer given); entries older than `needs_retention_days` are purged whenever the console
reads them, and entries a curator dismissed (`assistant.unanswered.dismiss`) are not shown. Which
refused questions get logged at all (a word of ours, a daily cap per address) is assistant.unanswered's rule.

Grouping: each question is encoded with the multilingual e5 encoder (the one that reads Russian and
Kazakh questions) and joins the first group, newest first, whose newest question is at least
`needs_group_similarity` (cosine) like it. Measured on e5-small: rewordings of one question in one
language score 0.93-1.00 ("When was Trotsky rehabilitated?" / "When did Trotsky get rehabilitated?"
1.00; "How many victims did the Kazakh commission rehabilitate?" / "how many people were rehabilitated
in Kazakhstan" 0.93), the same question in another language 0.84-0.86, different questions 0.68-0.83;
so 0.90 groups rewordings and keeps different questions (and languages) apart. Without the e5 model
(multilingual_model = "") questions group only when their words are the same.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from ..config import Settings
from ..feedback import purge, read_feedback


@dataclass(frozen=True)
class Need:
    """One thing a visitor needed: a refused question or a disliked answer's question."""

    question: str
    language: str
    time: str  # ISO 8601, UTC
    kind: str  # "unanswered" or "disliked"
    source: str = ""  # "page", "kiosk", "api", or "" for a row logged before sources were recorded


@dataclass
class NeedGroup:
    """Similar questions together."""

    question: str  # the newest wording
    newest: str
    count: int = 0
    unanswered: int = 0
    disliked: int = 0
    languages: list[str] = field(default_factory=list)
    wordings: list[str] = field(default_factory=list)  # the distinct questions, newest first
    sources: dict[str, int] = field(default_factory=dict)  # rows per source ("page", "kiosk", "api", "?")

    def sources_text(self) -> str:
        """Where the rows came from, most first: "page 3, api 1"."""
        return ", ".join(f"{k} {n}" for k, n in sorted(self.sources.items(), key=lambda kv: (-kv[1], kv[0])))


def collect(settings: Settings, now: datetime | None = None) -> list[Need]:
    """Purge both logs of old entries, then read every refused question and disliked answer."""
    needs_path, feedback_path = settings.log_path("needs"), settings.feedback_path
    for path in (needs_path, feedback_path):
        purge(path, settings.needs_retention_days, now)
    out = [_need(r, "unanswered") for r in read_feedback(needs_path) if not r.get("dismissed")]
    out += [_need(r, "disliked") for r in read_feedback(feedback_path) if r.get("verdict") == "dislike" and not r.get("dismissed")]
    return [n for n in out if n.question.strip()]


def _need(record: dict, kind: str) -> Need:
    return Need(str(record.get("question", "")), str(record.get("language") or "?"), str(record.get("time", "")), kind,
                str(record.get("source") or ""))  # fmt: skip


def group(needs: list[Need], encode, threshold: float) -> list[NeedGroup]:
    """Needs grouped by similarity (`encode(texts) -> unit vectors`, or None for same-words grouping), newest first."""
    ordered = sorted(needs, key=lambda n: _when(n.time), reverse=True)
    if not ordered:
        return []
    texts = list(dict.fromkeys(n.question for n in ordered))
    vectors = dict(zip(texts, encode(texts), strict=True)) if encode else None
    groups: list[NeedGroup] = []
    heads: list = []  # each group's newest question's vector (or its normalised words)
    for need in ordered:
        key = vectors[need.question] if vectors else _words(need.question)
        found = None
        for g, head in zip(groups, heads, strict=True):
            if (float(np.dot(head, key)) >= threshold) if vectors else head == key:
                found = g
                break
        if found is None:
            found = NeedGroup(need.question, need.time)
            groups.append(found)
            heads.append(key)
        found.count += 1
        found.unanswered += need.kind == "unanswered"
        found.disliked += need.kind == "disliked"
        if need.language not in found.languages:
            found.languages.append(need.language)
        if need.question not in found.wordings:
            found.wordings.append(need.question)
        found.sources[need.source or "?"] = found.sources.get(need.source or "?", 0) + 1
    return groups


def e5_encoder(settings: Settings):
    """`encode(texts)` with the multilingual e5 encoder (questions encoded as queries), or None when it is off."""
    from ..embedding import Encoder

    encoder = Encoder.for_multilingual(settings)
    if encoder is None:
        return None
    return lambda texts: np.array([encoder.encode_query(t) for t in texts], dtype=np.float32)


def to_csv(groups: list[NeedGroup]) -> str:
    """The groups as CSV (UTF-8, header first); cells that a spreadsheet would run as a formula are quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question", "count", "unanswered", "disliked", "languages", "newest", "similar_questions", "sources"])
    for g in groups:
        writer.writerow([_cell(g.question), g.count, g.unanswered, g.disliked, " ".join(g.languages), g.newest,
                         _cell(" | ".join(g.wordings)), g.sources_text()])  # fmt: skip
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _when(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
