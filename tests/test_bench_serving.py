"""The bench's serving parts as pure logic: goals judged from figures, report sections, the memory reader."""

from __future__ import annotations

import os

from assistant.bench.goals_serving import serving_goals
from assistant.bench.replica_load import memory_mb
from assistant.bench.report_serving import serving_section

GOALS = {"api_overhead_ms": 3, "api_p50_vs_gradio": 0.25, "api_throughput_vs_gradio": 10,
         "replica_http_ready_s": 6, "replicas_load_failed": 0}  # fmt: skip
LOAD = {"seconds": 20.0, "answered": 6000, "failed": 0, "wrong": 0, "answers_per_s": 300.0,
        "latency_ms": {"p50": 140.0, "p95": 380.0, "max": 600.0}}  # fmt: skip
MEMORY = {"rss": 556.0, "pss": 420.0, "uss": 375.0, "shared": 181.0}
RESULTS = {
    "serving": {
        "questions": 20, "clients": 16, "seconds": 5, "http_ready_s": 3.8, "first_api_answer_s": 3.9,
        "ask_ms": {"p50": 3.1, "p95": 6.0}, "api_ms": {"p50": 4.0, "p95": 5.4}, "gradio_ms": {"p50": 75.8, "p95": 89.0},
        "api_load": {"answers_per_s": 268.6, "failed": 0, "wrong": 0}, "gradio_load": {"answers_per_s": 11.4, "failed": 0},
    },
    "replicas": {"clients": 50, "questions": 40, "load": LOAD, "memory_before_mb": [MEMORY, MEMORY],
                 "memory_after_mb": [MEMORY, MEMORY], "rss_growth_mb": [0.0, 0.0], "index_mapped_mb": [0.2, 0.2]},
    "ray_ingest": {"local": {"texts": 248, "seconds": 9.1, "texts_per_s": 27.3},
                   "ray_2": {"texts": 248, "seconds": 19.7, "texts_per_s": 12.6, "connect_s": 5.4, "embed_s": 12.9}},
}  # fmt: skip


def test_serving_goals_are_judged_from_the_figures():
    judged = {g["goal"]: (g["measured"], g["met"]) for g in serving_goals(RESULTS, GOALS)}
    assert judged["JSON API HTTP overhead (API p50 - ask() p50)"] == ("0.9 ms", True)
    assert judged["JSON API p50 / Gradio /ask p50"] == ("0.05x", True)
    assert judged["answers/s, JSON API / Gradio /ask"] == ("23.56x", True)
    assert judged["replica ready for HTTP"] == ("3.80 s", True)
    assert judged["failed or wrong answers under load via nginx"] == ("0", True)
    slow = RESULTS | {"serving": RESULTS["serving"] | {"api_ms": {"p50": 9.0}, "http_ready_s": 7.0}}
    missed = {g["goal"]: g["met"] for g in serving_goals(slow, GOALS)}
    assert missed["JSON API HTTP overhead (API p50 - ask() p50)"] is False and missed["replica ready for HTTP"] is False


def test_goals_of_parts_that_did_not_run_are_not_judged():
    assert {g["met"] for g in serving_goals({}, GOALS)} == {None}
    assert serving_goals(RESULTS, {}) == []


def test_the_report_sections_show_the_figures_and_failures():
    text = "\n".join(serving_section(RESULTS))
    assert "| POST /api/v1/ask | 4.0 ms | 5.4 ms | 268.6 | 0 failed, 0 wrong |" in text
    assert "| 6000 | 0 | 0 | 300.0 | 140 ms | 380 ms | 600 ms |" in text
    assert "Ray, 2 workers | 248 | 19.70 s | 12.6" in text and "not scaling" in text
    text = "\n".join(serving_section({"serving": {"error": "app.py exited"}}))
    assert "Failed: app.py exited" in text and text.count("Not measured in this run.") == 2


def test_memory_of_this_process():
    m = memory_mb(os.getpid())
    assert m["rss"] > 0 and 0 < m["uss"] <= m["rss"] and m["pss"] <= m["rss"]
