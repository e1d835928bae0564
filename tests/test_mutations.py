"""The answer tests catch broken answers: two deliberate breaks, run in a child pytest, must fail many.

`refuse_everything` turns every answer into a refusal; `always_answer` quotes the first retrieved
sentence whatever was asked. Known failures are run as ordinary tests here (`--runxfail`), so an
item the engine gets wrong today still counts when a break makes it wrong.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
ANSWER_TESTS = ["tests/test_answers.py", "tests/test_answer_rules.py", "tests/test_conversation.py", "tests/test_cli_ask.py"]
GOLD = [json.loads(line) for line in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


BREAKS = ("refuse_everything", "always_answer")


def start_break(plugin: str, out: Path) -> subprocess.Popen:
    """The answer tests in a child pytest under one break, its output to `out`."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tests" / "mutants"), os.environ.get("PYTHONPATH", "")]))
    with open(out, "w", encoding="utf-8") as stdout:
        return subprocess.Popen(
            [sys.executable, "-m", "pytest", *ANSWER_TESTS, "-q", "-rf", "--runxfail", "-p", plugin,
             "-p", "no:cacheprovider", "-m", "not slow"],
            cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip


def outcome(out: str) -> tuple[dict[str, int], set[str]]:
    """Counts ('passed', 'failed', ...) and the failed test ids, from a child pytest's output."""
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|errors?|xfailed|xpassed)", summary)}
    assert counts, f"the child pytest ran no tests:\n{out[-6000:]}"
    failed = set(re.findall(r"^FAILED (\S+?)(?: - |$)", out, re.M))
    return counts, failed


@pytest.fixture(scope="module")
def broken(seed_settings, tmp_path_factory) -> dict[str, tuple[dict[str, int], set[str]]]:
    """{break: (counts, failed ids)}: both children at once, as each is mostly one core's work (seed_settings has
    filled the embedding cache the children share, so neither embeds)."""
    folder = tmp_path_factory.mktemp("mutations")
    children = {plugin: start_break(plugin, folder / f"{plugin}.log") for plugin in BREAKS}
    try:
        for child in children.values():
            child.wait(timeout=600)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()
    return {plugin: outcome((folder / f"{plugin}.log").read_text(encoding="utf-8")) for plugin in BREAKS}


@pytest.mark.slow
def test_refusing_everything_fails_every_answerable_gold_item_and_more(broken):
    counts, failed = broken["refuse_everything"]
    answerable = {i["id"] for i in GOLD if i["answerable"]}
    failed_items = {m for f in failed for m in re.findall(r"test_gold_item_is_answered_right_or_refused\[(q\d+)\]", f)}
    print(f"refuse_everything: {counts}")
    assert failed_items == answerable
    assert counts.get("failed", 0) >= 130  # 140 when written


@pytest.mark.slow
def test_always_answering_fails_every_unanswerable_gold_item(broken):
    counts, failed = broken["always_answer"]
    unanswerable = {i["id"] for i in GOLD if not i["answerable"]}
    failed_items = {m for f in failed for m in re.findall(r"test_gold_item_is_answered_right_or_refused\[(q\d+)\]", f)}
    print(f"always_answer: {counts}")
    assert unanswerable <= failed_items
    assert counts.get("failed", 0) >= len(unanswerable) + 4  # the refusal tests of test_answers too
