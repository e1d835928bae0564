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


def run_with_break(plugin: str) -> tuple[dict[str, int], set[str]]:
    """Counts ('passed', 'failed', ...) and the failed test ids of the answer tests under one break."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tests" / "mutants"), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *ANSWER_TESTS, "-q", "-rf", "--runxfail", "-p", plugin,
         "-p", "no:cacheprovider", "-m", "not slow"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    out = result.stdout
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|errors?|xfailed|xpassed)", summary)}
    assert counts, f"the child pytest ran no tests:\n{out[-3000:]}\n{result.stderr[-3000:]}"
    failed = set(re.findall(r"^FAILED (\S+?)(?: - |$)", out, re.M))
    return counts, failed


@pytest.mark.slow
def test_refusing_everything_fails_every_answerable_gold_item_and_more():
    counts, failed = run_with_break("refuse_everything")
    answerable = {i["id"] for i in GOLD if i["answerable"]}
    failed_items = {m for f in failed for m in re.findall(r"test_gold_item_is_answered_right_or_refused\[(q\d+)\]", f)}
    print(f"refuse_everything: {counts}")
    assert failed_items == answerable
    assert counts.get("failed", 0) >= 130  # 140 when written


@pytest.mark.slow
def test_always_answering_fails_every_unanswerable_gold_item():
    counts, failed = run_with_break("always_answer")
    unanswerable = {i["id"] for i in GOLD if not i["answerable"]}
    failed_items = {m for f in failed for m in re.findall(r"test_gold_item_is_answered_right_or_refused\[(q\d+)\]", f)}
    print(f"always_answer: {counts}")
    assert unanswerable <= failed_items
    assert counts.get("failed", 0) >= len(unanswerable) + 4  # the refusal tests of test_answers too
