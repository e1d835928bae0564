"""The unseen documents of issue 20 (evals/README.md, "Unseen documents"): two sets under evals/unseen/.

Each set is a corpus folder of its own (documents, sources.toml, gold.jsonl) that stands for what a curator will add:
`tune` is for tuning the engine, `sealed` is read only as aggregates. An item names the language of the document it
asks about (`doc_language`, null for small talk and off-topic questions), so figures split by question language x
document language ("ru>en": a Russian question on an English document).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .gold import KINDS, item_kind

UNSEEN = Path("evals/unseen")
LANGUAGES = ("en", "ru", "kk")


@dataclass(frozen=True)
class UnseenSet:
    """One set: its folder, the split its items carry, how many items it needs, the folders indexed beside corpus/."""

    name: str
    folder: Path
    split: str
    min_items: int
    index_folders: tuple[Path, ...]

    @property
    def gold(self) -> Path:
        return self.folder / "gold.jsonl"


def unseen_sets(root: Path = UNSEEN) -> dict[str, UnseenSet]:
    """The tune set (indexed with corpus/) and the sealed set (indexed with corpus/ and the tune documents)."""
    return {
        "tune": UnseenSet("tune", root / "tune", "tune", 130, (root / "tune",)),
        "sealed": UnseenSet("sealed", root / "sealed", "test", 50, (root / "tune", root / "sealed")),
    }


def document_languages(folder: Path) -> dict[str, str]:
    """doc id -> language of every document a folder's sources.toml describes (translations included)."""
    path = folder / "sources.toml"
    if not path.is_file():
        return {}
    with open(path, "rb") as fh:
        tables = tomllib.load(fh)
    return {meta["id"]: meta.get("language", "") for meta in tables.values() if isinstance(meta, dict) and "id" in meta}


def pair(item: dict) -> str:
    """ "<question language>><document language>" ("kk>en"), or "<question language>>-" when it asks about no document."""
    return f"{item.get('language') or 'en'}>{item.get('doc_language') or '-'}"


def set_problems(items: list[dict], unseen: UnseenSet, languages: dict[str, str]) -> list[str]:
    """What a set's gold file lacks as a whole: items, kinds, its split, every document asked about in each language.

    `languages` maps the set's own documents to their languages; the items' `doc_language` must agree with the
    document of their first evidence span.
    """
    problems = []
    if len(items) < unseen.min_items:
        problems.append(f"only {len(items)} items; the {unseen.name} set needs at least {unseen.min_items}")
    kinds = Counter(item_kind(it) for it in items)
    problems += [f"kind {k!r} has no items" for k in KINDS if not kinds[k]]
    problems += [f"{it.get('id')}: split must be {unseen.split!r}" for it in items if it.get("split") != unseen.split]
    asked: Counter = Counter()
    for it in items:
        evidence = [e for e in it.get("evidence") or [] if isinstance(e, dict)]
        doc_language = it.get("doc_language")
        needs_doc = item_kind(it) != "smalltalk" and it.get("unanswerable_kind") != "off_topic"
        if needs_doc and doc_language not in LANGUAGES:
            problems.append(f"{it.get('id')}: doc_language must be one of {', '.join(LANGUAGES)}")
        if evidence and evidence[0].get("doc_id") in languages and languages[evidence[0]["doc_id"]] != doc_language:
            problems.append(
                f"{it.get('id')}: doc_language {doc_language!r} but its evidence is in "
                f"{languages[evidence[0]['doc_id']]!r}"
            )
        for e in evidence:
            asked[(e.get("doc_id"), it.get("language"))] += 1
    for doc in sorted(languages):
        missing = [lang for lang in LANGUAGES if not asked[(doc, lang)]]
        if missing:
            problems.append(f"document {doc!r} has no evidence-bearing items asked in {', '.join(missing)}")
    return problems
