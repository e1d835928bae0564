"""`assistant bench`: the LangChain-tutorial baseline, the synthetic corpora, and one quick end-to-end run.

Behaviour only: the benchmark's figures are printed and written, never asserted.
"""

from __future__ import annotations

import json
import re
from argparse import Namespace
from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.evaluation.gold import load_gold

ROOT = Path(__file__).parents[1]
SEED_CORPUS = ROOT / "corpus"
GOLD = ROOT / "evals" / "gold.jsonl"
GOALS = ROOT / "evals" / "goals.json"
TROTSKY = "When was Leon Trotsky rehabilitated?"


def gold_items(*ids: str) -> list[dict]:
    return [it for it in load_gold(GOLD) if not ids or it["id"] in ids]


def all_answers() -> list[str]:
    return sorted({a for it in gold_items() for a in it["answers"]})


# --- baseline --------------------------------------------------------------------------


def test_baseline_answers_a_gold_question_with_its_top1_chunk(encoder):
    from assistant.bench.baseline import CHUNK_SIZE, Baseline

    baseline = Baseline.build(SEED_CORPUS, encoder.model)
    answer = baseline.ask(TROTSKY)

    assert answer == baseline.chunks[baseline.top(TROTSKY)[0]]
    assert "16 June 2001" in answer
    assert baseline.index.ntotal == len(baseline.chunks) > 2
    assert all(len(c) <= CHUNK_SIZE for c in baseline.chunks)
    # The tutorial's 200-character overlap: some chunk starts with text that ends the one before it.
    assert any(b[:50] in a for a, b in zip(baseline.chunks, baseline.chunks[1:], strict=False))


def test_baseline_never_refuses(encoder):
    from assistant.bench.baseline import Baseline

    baseline = Baseline.build(SEED_CORPUS, encoder.model)
    assert baseline.ask("cool, whats a good pizza place near me?") in baseline.chunks


# --- synthetic corpora -----------------------------------------------------------------


def test_sentence_pool_is_distinct_digit_free_and_avoids_forbidden_strings():
    from assistant.bench.synthetic import sentence_pool

    pool = sentence_pool(300, ["council", "Ulo"])
    assert len(set(pool)) == 300
    assert not any(re.search(r"\d", s) for s in pool)
    assert not any("council" in s.casefold() or "ulo" in s.casefold() for s in pool)
    assert not any(a.casefold() in s.casefold() for s in sentence_pool(300, all_answers()) for a in all_answers())


def test_synthetic_index_holds_the_real_corpus_and_still_answers(seed_settings, encoder, tmp_path):
    import numpy as np

    from assistant import Assistant
    from assistant.bench.recall import dense_recall
    from assistant.bench.synthetic import pool_size, sentence_pool, write_scaled_index
    from assistant.index.read import load_index

    pool = sentence_pool(pool_size(400), all_answers())
    settings = seed_settings.with_overrides(index_dir=tmp_path / "scaled", approx_min_vectors=200)
    figures = write_scaled_index(settings, 400, seed_settings.index_dir, pool, encoder.encode(pool))

    seed, scaled = load_index(seed_settings.index_dir), load_index(settings.index_dir)
    assert len(scaled.chunks) == 400 and scaled.manifest["index"]["dense"] == "hnsw"
    assert figures["sentences"] == len(scaled.sentence_vectors)
    rows = {c.id: i for i, c in enumerate(scaled.chunks)}
    for i, chunk in enumerate(seed.chunks):  # every real chunk, its text and its vector, somewhere inside
        row = rows[chunk.id]
        assert scaled.chunks[row] == chunk
        assert np.allclose(scaled.dense.reconstruct(row), seed.dense.reconstruct(i))
        assert np.allclose(
            scaled.sentence_vectors[list(scaled.sentence_rows(row))], seed.sentence_vectors[list(seed.sentence_rows(i))]
        )
    synthetic = [c for c in scaled.chunks if c.doc_id.startswith("synthetic-")]
    assert len(synthetic) == 400 - len(seed.chunks)
    for chunk in synthetic:
        text = scaled.documents[chunk.doc_id].text
        assert text[chunk.start : chunk.end] == chunk.text
        assert all(text[s.start : s.end] == s.text for s in chunk.sentences)
        assert not any(a.casefold() in chunk.text.casefold() for a in all_answers())

    assistant = Assistant.load(settings.index_dir, settings)
    answer = assistant.ask(TROTSKY)
    assert not answer.abstained and "2001" in answer.text
    assert {c.doc_id for c in answer.citations} == {"rehabilitation-soviet"}
    recall = dense_recall(assistant, [it["question"] for it in gold_items()[:20]])
    assert 0.9 <= recall["recall_at_10"] <= 1.0


# --- plan and report -------------------------------------------------------------------


def args(**values) -> Namespace:
    base = {
        "quick": False,
        "scale": None,
        "repeats": None,
        "gold": GOLD,
        "out": Path("out"),
        "chunk_sizes": None,
        "threads": None,
        "keep": False,
    }
    return Namespace(**(base | values))


def test_plan_defaults_quick_and_full():
    from assistant.bench.arguments import FULL_SCALE
    from assistant.bench.plan import make_plan
    from assistant.config import Settings

    quick, full = make_plan(args(quick=True), Settings()), make_plan(args(), Settings())
    assert quick.scale == (10_000,) and quick.repeats == 1 and quick.chunk_sizes == (Settings().chunk_tokens,)
    assert full.scale == FULL_SCALE and full.repeats == 3 and Settings().chunk_tokens in full.chunk_sizes
    assert make_plan(args(scale="0"), Settings()).scale == ()
    assert make_plan(args(chunk_sizes="96,192"), Settings(chunk_tokens=128)).chunk_sizes == (96, 192, 128)
    with pytest.raises(AssistantError, match="comma-separated"):
        make_plan(args(scale="ten thousand"), Settings())


def test_report_of_a_run_that_stopped_early_says_what_is_missing():
    from assistant.bench.goals import load_goals
    from assistant.bench.machine import describe_machine
    from assistant.bench.report import format_markdown

    results = {
        "created": "2026-01-01T00:00:00",
        "mode": "quick",
        "command": "assistant bench --quick",
        "machine": describe_machine(),
        "settings": {"model": "m"},
        "goals": load_goals(GOALS),
        "plan": {"gold": "g", "gold_items": 1, "repeats": 1},
        "http": {"error": "app.py not found"},
    }
    text = format_markdown(results)
    assert "## Goals" in text and "Not measured in this run." in text and "Failed: app.py not found" in text


def test_goals_come_from_the_goals_file(tmp_path):
    from assistant.bench.goals import goals, load_goals
    from assistant.bench.report import format_summary

    targets = load_goals(GOALS)
    results = {"queries": {"ours_ms": {"p50": 4.0, "p95": 6.0}}, "goals": targets}
    [seed] = [g for g in goals(results) if g["goal"] == "ask() p95, seed corpus"]
    assert seed["target"] == f"<= {targets['seed_ask_p95_ms']:g} ms" and seed["met"] is True
    stricter = goals(results | {"goals": targets | {"seed_ask_p95_ms": 5}})
    assert [g["met"] for g in stricter if g["goal"] == "ask() p95, seed corpus"] == [False]
    assert goals({"queries": results["queries"]}) == [] and "no goals file" in format_summary({})
    assert load_goals(tmp_path / "absent.json") is None
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(AssistantError, match="not a goals file"):
        load_goals(tmp_path / "bad.json")


# --- end to end ------------------------------------------------------------------------


@pytest.mark.slow
def test_quick_bench_runs_end_to_end_and_writes_the_report(cli_env, tmp_path):
    from assistant.cli import main

    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(json.dumps(it) + "\n" for it in gold_items("q056", "q091", "q095", "q108", "q110")), encoding="utf-8"
    )
    out = tmp_path / "reports"
    code = main(
        ["bench", "--quick", "--scale", "300", "--gold", str(gold), "--out", str(out), "--corpus", str(SEED_CORPUS)]
        + ["--goals", str(GOALS)]
    )

    assert code == 0
    [report] = out.glob("bench-*-quick.md")
    text = report.read_text(encoding="utf-8")
    for section in (
        "## Machine",
        "## Goals",
        "## Ingest",
        "## Chunk size",
        "## Cold start",
        "## ask() latency",
        "## HTTP API",
        "## Peak memory",
        "## Scale",
    ):
        assert section in text
    figures = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    assert not [name for name, part in figures.items() if isinstance(part, dict) and "error" in part]
    assert figures["machine"]["cpu"] and figures["machine"]["versions"]["faiss-cpu"]
    assert figures["ingest"]["reingest_up_to_date"] and figures["ingest"]["baseline_chunks"] > 0
    assert "2001" in figures["cold_start"]["answer"]
    assert figures["queries"]["ours"]["all"]["n"] == figures["queries"]["baseline"]["all"]["n"] == 5
    assert figures["http"]["requests"] > 0 and figures["http"]["errors"] == 0
    rows = figures["scale"]["rows"]
    assert rows["300"]["chunks"] == 300 and "q056" in rows["300"]["correct_ids"]
