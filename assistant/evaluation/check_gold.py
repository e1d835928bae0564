"""Validate a gold evaluation set: `python -m assistant.evaluation.check_gold [path/to/gold.jsonl] [--corpus DIR ...]`,
or an unseen set of issue 20: `python -m assistant.evaluation.check_gold --unseen tune|sealed`.

Checks the schema of every line, unique and sequential ids, that every evidence span is exact
(document text[start:end] == text), that every accepted answer occurs (case-insensitively) in at
least one of its item's evidence texts, each kind's own fields (a list's members, an overview's key
points and a multi-part question's answerable parts each occur in an original document; an unanswerable
part has no answers), and minimum counts (per kind and split too). Prints a summary; exits 1 and lists
every problem on failure. Reads the corpus folders' .txt files as stored (run from the repository; default corpus/).
An unseen set is checked against corpus/ and its index folders, with its own set-level rules (unseen.set_problems)
instead of the seed set's minimum counts per split.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

from ..errors import AssistantError
from .arguments import DEFAULT_GOLD
from .configs import SPLITS
from .gold import KINDS as ITEM_KINDS
from .gold import UNANSWERABLE_KINDS, gold_lines, item_kind
from .unseen import document_languages, pair, set_problems, unseen_sets

CORPUS = Path("corpus")

KEYS = {
    "id", "split", "type", "style", "language", "history", "question", "answerable",
    "unanswerable_kind", "answers", "evidence",
}  # fmt: skip
TYPES = {"who", "when", "where", "how_many", "why", "what", "unanswerable", "how", "list", "overview", "multipart", "smalltalk"}  # fmt: skip
# The fields each kind adds to KEYS (an item without "kind" is a factoid or, when not answerable, unanswerable).
KIND_KEYS = {
    "list": {"members"},
    "overview": {"key_points", "min_key_points", "min_citations"},
    "multipart": {"parts"},
    "partly_answerable": {"parts"},
}
OPTIONAL_KIND_KEYS = {"smalltalk": {"reply"}}  # the small-talk reply it asks for (messages.py's smalltalk_<reply>)
REPLIES = {"greeting", "thanks", "about", "goodbye"}
NO_ANSWER_KINDS = {"list", "overview", "multipart", "partly_answerable", "smalltalk"}  # scored without `answers`
MIN_PER_KIND = {"near_topic_unanswerable": 30}  # at least this many items; every kind needs both splits
STYLES = {"plain", "paraphrase", "student", "typo", "translit", "mixed"}
LANGUAGES = {"en", "ru", "kk"}
KINDS = {"off_topic", "on_topic_absent"}
EVIDENCE_KEYS = {"doc_id", "start", "end", "text"}

MIN_ITEMS = 80
MIN_CONVERSATIONS = 8
MIN_UNANSWERABLE = 10


def load_corpus(corpus: Path = CORPUS) -> dict[str, str]:
    """Map doc id -> text of every original .txt file (translations are never evidence: the gold cites originals).

    Ids come from sources.toml, else the file stem.
    """
    ids: dict[str, str] = {}
    translations: set[str] = set()
    sources = corpus / "sources.toml"
    if sources.exists():
        with open(sources, "rb") as fh:
            for fname, meta in tomllib.load(fh).items():
                if isinstance(meta, dict) and "id" in meta:
                    ids[fname] = meta["id"]
                if isinstance(meta, dict) and meta.get("translation_of"):
                    translations.add(fname)
    docs = {}
    for path in sorted(p for p in corpus.glob("*.txt") if p.name not in translations):
        with open(path, encoding="utf-8", newline="") as fh:
            docs[ids.get(path.name, path.stem)] = fh.read()
    return docs


def is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def check_item(item, lineno: int, docs: dict[str, str], errors: list[str]) -> None:
    where = f"line {lineno}"
    if not isinstance(item, dict):
        errors.append(f"{where}: not a JSON object")
        return
    if isinstance(item.get("id"), str):
        where += f" ({item['id']})"
    kind = item_kind(item)
    allowed = (
        KEYS | {"kind", "doc_language"} | KIND_KEYS.get(kind, set()) | OPTIONAL_KIND_KEYS.get(kind, set())
    )  # doc_language: the unseen sets
    missing, extra = (KEYS | KIND_KEYS.get(kind, set())) - item.keys(), item.keys() - allowed
    if missing:
        errors.append(f"{where}: missing keys {sorted(missing)}")
    if extra:
        errors.append(f"{where}: unknown keys {sorted(extra)}")
    if missing:
        return

    def err(msg: str) -> None:
        errors.append(f"{where}: {msg}")

    if not (isinstance(item["id"], str) and re.fullmatch(r"q\d{3,}", item["id"])):
        err(f"id must look like q001, got {item['id']!r}")
    if item["split"] not in SPLITS:
        err(f"split must be one of {sorted(SPLITS)}, got {item['split']!r}")
    if item["type"] not in TYPES:
        err(f"type must be one of {sorted(TYPES)}, got {item['type']!r}")
    if item["style"] not in STYLES:
        err(f"style must be one of {sorted(STYLES)}, got {item['style']!r}")
    if item["language"] not in LANGUAGES:
        err(f"language must be one of {sorted(LANGUAGES)}, got {item['language']!r}")
    if not (isinstance(item["question"], str) and item["question"].strip()):
        err("question must be a non-empty string")
    hist = item["history"]
    if not (isinstance(hist, list) and all(isinstance(h, str) and h.strip() for h in hist)):
        err("history must be a list of non-empty strings")
    if not isinstance(item["answerable"], bool):
        err("answerable must be true or false")
        return
    answers, evidence = item["answers"], item["evidence"]
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        err("answers must be a list of non-empty strings")
        return
    if len({a.casefold() for a in answers}) != len(answers):
        err("answers contain duplicates")
    if not isinstance(evidence, list):
        err("evidence must be a list")
        return

    if kind not in ITEM_KINDS:
        err(f"kind must be one of {list(ITEM_KINDS)}, got {kind!r}")
        return
    if (kind in UNANSWERABLE_KINDS) == item["answerable"]:
        err(f"kind {kind!r} needs answerable={'false' if kind in UNANSWERABLE_KINDS else 'true'}")
    if kind in NO_ANSWER_KINDS:
        if answers:
            err(f"a {kind} item is scored by its own fields; answers must be []")
        check_kind_fields(item, kind, docs, err)
    if item["answerable"] and kind in NO_ANSWER_KINDS:
        pass
    elif item["answerable"]:
        if item["unanswerable_kind"] is not None:
            err("unanswerable_kind must be null when answerable")
        if item["type"] == "unanswerable":
            err("type 'unanswerable' requires answerable=false")
        if not answers:
            err("answerable item needs at least one accepted answer")
        if not evidence:
            err("answerable item needs at least one evidence span")
    else:
        if item["unanswerable_kind"] not in KINDS:
            err(f"unanswerable_kind must be one of {sorted(KINDS)} when not answerable")
        if item["type"] != "unanswerable":
            err("answerable=false requires type 'unanswerable'")
        if answers or evidence:
            err("unanswerable item must have empty answers and evidence")

    texts = []
    for k, ev in enumerate(evidence):
        tag = f"evidence[{k}]"
        if not isinstance(ev, dict) or set(ev) != EVIDENCE_KEYS:
            err(f"{tag} must have exactly the keys {sorted(EVIDENCE_KEYS)}")
            continue
        doc = docs.get(ev["doc_id"])
        if doc is None:
            err(f"{tag}: unknown doc_id {ev['doc_id']!r} (known: {sorted(docs)})")
            continue
        s, e, text = ev["start"], ev["end"], ev["text"]
        if not (is_int(s) and is_int(e) and isinstance(text, str)):
            err(f"{tag}: start/end must be integers and text a string")
            continue
        if not 0 <= s < e <= len(doc):
            err(f"{tag}: bad span [{s}, {e}) for document of length {len(doc)}")
            continue
        if doc[s:e] != text:
            found = doc.find(text)
            hint = f"; text found at [{found}, {found + len(text)})" if found >= 0 else ""
            err(f"{tag}: {ev['doc_id']}[{s}:{e}] is {doc[s:e][:60]!r}, not {text[:60]!r}{hint}")
            continue
        if text != text.strip():
            err(f"{tag}: span has leading/trailing whitespace")
        texts.append(text.casefold())
    for a in answers:
        if texts and not any(a.casefold() in t for t in texts):
            err(f"accepted answer {a!r} does not occur in any evidence text")


def _spellings_ok(spellings, docs: dict[str, str]) -> bool:
    """A list of accepted strings, at least one of which occurs (case-insensitively) in an original document."""
    return (
        isinstance(spellings, list)
        and bool(spellings)
        and all(isinstance(x, str) and x.strip() for x in spellings)
        and any(x.casefold() in doc.casefold() for x in spellings for doc in docs.values())
    )


def check_kind_fields(item: dict, kind: str, docs: dict[str, str], err) -> None:
    """The fields of a list, overview, multi-part or small-talk item."""
    if kind == "list":
        members = item["members"]
        if not (isinstance(members, list) and len(members) >= 2):
            err("members must list at least two members, each a list of accepted spellings")
            return
        for k, spellings in enumerate(members):
            if not _spellings_ok(spellings, docs):
                err(f"members[{k}] {spellings!r}: none of its spellings occurs in an original document")
    elif kind == "overview":
        points = item["key_points"]
        if not (isinstance(points, list) and points):
            err("key_points must be a non-empty list of lists of accepted strings")
            return
        for k, spellings in enumerate(points):
            if not _spellings_ok(spellings, docs):
                err(f"key_points[{k}] {spellings!r}: none of its strings occurs in an original document")
        need, cites = item["min_key_points"], item["min_citations"]
        if not (is_int(need) and 1 <= need <= len(points)):
            err(f"min_key_points must be an integer from 1 to {len(points)}")
        if not (is_int(cites) and cites >= 2):
            err("min_citations must be an integer of at least 2")
    elif kind in ("multipart", "partly_answerable"):
        parts = item["parts"]
        if not (isinstance(parts, list) and 2 <= len(parts) <= 5):
            err("parts must list 2 to 5 parts")
            return
        for k, part in enumerate(parts):
            if not (isinstance(part, dict) and set(part) == {"question", "answerable", "answers"}):
                err(f"parts[{k}] must have exactly the keys answerable, answers, question")
                continue
            if not (
                isinstance(part["question"], str) and part["question"].strip().casefold() in item["question"].casefold()
            ):
                err(f"parts[{k}] question {part['question']!r} must be a piece of the item's question")
            if part["answerable"] is True:
                if not _spellings_ok(part["answers"], docs):
                    err(f"parts[{k}] answers {part['answers']!r}: none occurs in an original document")
            elif part["answerable"] is False:
                if part["answers"] != []:
                    err(f"parts[{k}] is unanswerable: answers must be []")
            else:
                err(f"parts[{k}] answerable must be true or false")
        answerable = [p.get("answerable") for p in parts if isinstance(p, dict)]
        if kind == "multipart" and not all(a is True for a in answerable):
            err("a multipart item has only answerable parts (use partly_answerable)")
        if kind == "partly_answerable" and not (True in answerable and False in answerable):
            err("a partly_answerable item needs at least one answerable and one unanswerable part")
    elif kind == "smalltalk":
        if item["evidence"]:
            err("small talk has no evidence")
        if "reply" in item and item["reply"] not in REPLIES:
            err(f"reply must be one of {sorted(REPLIES)}")


def read_items(path: Path, docs: dict[str, str], errors: list[str]) -> list[dict]:
    """The file's items, each checked; blank lines and item problems go to `errors`."""
    items = []
    for lineno, item in gold_lines(path):
        if item is None:
            errors.append(f"line {lineno}: blank line")
            continue
        check_item(item, lineno, docs, errors)
        if isinstance(item, dict):
            items.append(item)
    return items


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m assistant.evaluation.check_gold", description=__doc__.split("\n")[0])
    p.add_argument("gold", nargs="?", type=Path, help=f"gold file (default {DEFAULT_GOLD}, or the unseen set's)")
    p.add_argument("--corpus", type=Path, action="append", help=f"a corpus folder; repeat for more (default {CORPUS})")
    p.add_argument("--unseen", choices=("tune", "sealed"), help="check an unseen set of evals/unseen/ (issue 20)")
    return p.parse_args(argv[1:])


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    unseen = unseen_sets()[args.unseen] if args.unseen else None
    path = args.gold or (unseen.gold if unseen else DEFAULT_GOLD)
    folders = args.corpus or ([CORPUS, *unseen.index_folders] if unseen else [CORPUS])
    if not path.exists():
        print(f"FAIL: {path} not found")
        return 1
    docs = {}
    for folder in folders:
        docs |= load_corpus(folder)
    if not docs:
        print(f"FAIL: no corpus documents under {', '.join(map(str, folders))}")
        return 1

    errors: list[str] = []
    try:
        items = read_items(path, docs, errors)
    except AssistantError as exc:
        print(f"FAIL: {exc}")
        return 1

    ids = [it.get("id") for it in items]
    for dup, n in Counter(ids).items():
        if n > 1:
            errors.append(f"id {dup!r} occurs {n} times")
    expected = [f"q{i:03d}" for i in range(1, len(items) + 1)]
    if ids != expected and len(set(ids)) == len(ids):
        errors.append("ids are not sequential q001, q002, ... in file order")
    seen = Counter((tuple(it.get("history") or []), str(it.get("question", "")).casefold().strip()) for it in items)
    for (hist, q), n in seen.items():
        if n > 1:
            errors.append(f"question {q!r} (history {list(hist)}) occurs {n} times")

    valid = [it for it in items if KEYS <= it.keys()]
    by_type = Counter(it["type"] for it in valid)
    by_split = Counter(it["split"] for it in valid)
    by_style = Counter(it["style"] for it in valid)
    type_split = Counter((it["type"], it["split"]) for it in valid)
    kinds = Counter(it["unanswerable_kind"] for it in valid if not it["answerable"])
    convs = [it for it in valid if it["history"]]
    docs_used = Counter(ev.get("doc_id") for it in valid for ev in it["evidence"] if isinstance(ev, dict))
    n_unans = sum(1 for it in valid if not it["answerable"])
    kind_split = Counter((item_kind(it), it["split"]) for it in valid)

    if unseen:
        errors += set_problems(valid, unseen, document_languages(unseen.folder))
    else:
        errors += seed_problems(items, valid, convs, n_unans, type_split, docs_used, docs)

    print(f"{path}: {len(items)} items, {len(convs)} conversations, {n_unans} unanswerable ({dict(kinds)})")
    print(f"{'type':<14}{'tune':>6}{'test':>6}{'total':>7}")
    for t in ["who", "when", "where", "how_many", "why", "what", "how", "list", "overview", "multipart", "smalltalk", "unanswerable"]:  # fmt: skip
        print(f"{t:<14}{type_split[(t, 'tune')]:>6}{type_split[(t, 'test')]:>6}{by_type[t]:>7}")
    print(f"{'all':<14}{by_split['tune']:>6}{by_split['test']:>6}{len(valid):>7}")
    print("styles: " + ", ".join(f"{s}={by_style[s]}" for s in sorted(STYLES)))
    by_language = Counter((it["language"], it["split"]) for it in valid)
    print(
        "languages: "
        + ", ".join(f"{lang}={by_language[(lang, 'tune')]}+{by_language[(lang, 'test')]}" for lang in sorted(LANGUAGES))
        + " (tune+test)"
    )
    print(f"{'kind':<26}{'tune':>6}{'test':>6}   by language (tune+test)")
    for kind in ITEM_KINDS:
        langs = ", ".join(
            f"{lang}={sum(1 for it in valid if item_kind(it) == kind and it['language'] == lang and it['split'] == 'tune')}"
            f"+{sum(1 for it in valid if item_kind(it) == kind and it['language'] == lang and it['split'] == 'test')}"
            for lang in sorted(LANGUAGES)
        )
        print(f"{kind:<26}{kind_split[(kind, 'tune')]:>6}{kind_split[(kind, 'test')]:>6}   {langs}")
    print("evidence spans per document: " + ", ".join(f"{d}={n}" for d, n in sorted(docs_used.items())))
    if unseen:
        print(
            "question>document language: " + ", ".join(f"{k}={n}" for k, n in sorted(Counter(map(pair, valid)).items()))
        )

    if errors:
        print(f"\nFAIL: {len(errors)} problem(s):")
        for e in errors:
            print(f"  - {e}")
        return 1
    print("OK")
    return 0


def seed_problems(items, valid, convs, n_unans, type_split, docs_used, docs) -> list[str]:
    """The seed gold set's rules for the whole file: minimum counts, every type and kind in both splits, every document used."""
    errors: list[str] = []
    if len(items) < MIN_ITEMS:
        errors.append(f"only {len(items)} items; need at least {MIN_ITEMS}")
    if len(convs) < MIN_CONVERSATIONS:
        errors.append(f"only {len(convs)} conversations; need at least {MIN_CONVERSATIONS}")
    if n_unans < MIN_UNANSWERABLE:
        errors.append(f"only {n_unans} unanswerable items; need at least {MIN_UNANSWERABLE}")
    for t in sorted(TYPES):
        for s in sorted(SPLITS):
            if type_split[(t, s)] == 0:
                errors.append(f"type {t!r} has no items in split {s!r}")
    kind_split = Counter((item_kind(it), it["split"]) for it in valid)
    for kind in ITEM_KINDS:
        for sp in sorted(SPLITS):
            if kind_split[(kind, sp)] == 0:
                errors.append(f"kind {kind!r} has no items in split {sp!r}")
        total = kind_split[(kind, "tune")] + kind_split[(kind, "test")]
        if total < MIN_PER_KIND.get(kind, 0):
            errors.append(f"kind {kind!r} has {total} items; need at least {MIN_PER_KIND[kind]}")
    for d in sorted(docs):
        if docs_used[d] == 0:
            errors.append(f"document {d!r} is never used as evidence")
    return errors


if __name__ == "__main__":
    sys.exit(main(sys.argv))
