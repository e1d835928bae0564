"""The load test, run short: a real app server, a few clients for about 20 s, every answer checked.

`python -m rehab_probes.load_test` is run as `make load-test` runs it (a fresh process, `PYTHONPATH=evals`),
on the seed index, with its report written to a JSON file; the test asserts that report, not the timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT
from rehab_probes import load_test

SECONDS = 20
CLIENTS = 4  # bounded: no more than the server's queue answers at once (queue_concurrency 4)


def test_the_probe_questions_take_turns_across_languages():
    probes = load_test.candidate_probes()
    answerable = [p for p in probes if p.accepted]
    assert [p.language for p in answerable[:3]] == ["en", "ru", "kk"]
    assert [p.language for p in probes if not p.accepted] == ["en", "ru", "kk", "en"]
    assert len({p.id for p in probes}) == len(probes) == 16 + 4


def _item(id_, kind, answerable=True, answers=(), language="en", type_="who") -> dict:
    return {"id": id_, "split": "test", "type": type_, "style": "plain", "language": language, "kind": kind,
            "history": [], "question": f"{id_}?", "answerable": answerable, "answers": list(answers)}  # fmt: skip


def test_only_factoids_and_plain_unanswerables_are_probes_whatever_the_file_order(tmp_path):
    """Small talk (answerable, no answers), lists, overviews, how/why and near-topic items are never probes."""
    others = [
        _item("talk", "smalltalk", type_="smalltalk"),
        _item("list", "list", type_="list"),
        _item("overview", "overview", type_="overview"),
        _item("how", "how_why", answers=["because"], type_="why"),
        _item("parts", "multipart", type_="multipart"),
        _item("partly", "partly_answerable", type_="multipart"),
        _item("near", "near_topic_unanswerable", answerable=False),
        _item("not", "negation", answers=["political prisoners"]),
    ]
    wanted = [_item("fact", "factoid", answers=["2001"]), _item("none", "unanswerable", answerable=False)]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(it) + "\n" for it in others + wanted), encoding="utf-8")
    probes = load_test.candidate_probes(gold=gold)
    assert [(p.id, p.accepted) for p in probes] == [("fact", ("2001",)), ("none", ())]
    kinds = {it["id"]: it.get("kind") or ("factoid" if it["answerable"] else "unanswerable") for it in
             map(json.loads, (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines())}  # fmt: skip
    assert {kinds[p.id] for p in load_test.candidate_probes()} == {"factoid", "unanswerable"}


def test_an_answer_is_judged_with_the_originals_beside_its_translated_quotes():
    probe = load_test.Probe("q", "Қазақстанда қанша адам ақталды?", ("311,000",), language="kk")
    quote = {"doc_id": "t", "start": 0, "end": 5, "translation": True, "original_quote": "... rehabilitated 311,000 ..."}
    translated = {"text": "311 000 адам ақталды. [1]", "abstained": False, "citations": [quote]}
    assert load_test.is_right(probe, translated)
    assert not load_test.is_right(probe, translated | {"citations": [quote | {"translation": False}]})
    assert not load_test.is_right(probe, translated | {"abstained": True})
    assert load_test.is_right(load_test.Probe("u", "?", ()), {"text": "", "abstained": True, "citations": []})


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_short_load_run_answers_every_request_rightly(seed_settings, tmp_path):
    report = tmp_path / "load.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env |= {"PYTHONPATH": str(ROOT / "evals"), "TMPDIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    argv = [sys.executable, "-m", "rehab_probes.load_test", "--seconds", str(SECONDS), "--clients", str(CLIENTS)]
    argv += ["--index", str(seed_settings.index_dir), "--no-report", "--json", str(report)]
    reliability = ROOT / "evals" / "reports" / "reliability.md"
    before = reliability.read_bytes() if reliability.exists() else None

    proc = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=850)
    print(proc.stdout[-4000:])  # the probe's own report, for -s

    assert report.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    figures = json.loads(report.read_text(encoding="utf-8"))
    assert figures["problems"] == [] and figures["wrong"] == 0 and figures["failed"] == 0, figures["problems"]
    assert figures["refused"] == 0  # four clients never fill a queue of 64
    assert figures["ok"] == figures["requests"] > CLIENTS  # every request answered, and rightly
    assert figures["clients"] == CLIENTS and SECONDS <= figures["wall_s"] < SECONDS + 240  # it stopped by itself
    # It asked English, Russian and Kazakh questions, and some the sources do not answer.
    assert set(figures["languages"].values()) == {"en", "ru", "kk"}
    assert figures["unanswerable"] and len(figures["probes"]) >= 5
    assert figures["passed"] is True and proc.returncode == 0, proc.stdout[-3000:]
    assert "passed" in proc.stdout and "## Load" in proc.stdout
    assert (reliability.read_bytes() if reliability.exists() else None) == before  # --no-report leaves it alone
