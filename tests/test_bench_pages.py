"""The bench's Lighthouse part as pure logic: what a report's JSON yields, how runs are summarised (the worst layout
shift, median timings), the report section and the page goals. Lighthouse itself runs in tests/test_lighthouse.py."""

from __future__ import annotations

from assistant.bench.arguments import DEFAULT_GOALS
from assistant.bench.goals import goals, load_goals
from assistant.bench.lighthouse import cpu_blocking, figures, summary
from assistant.bench.report_pages import page_goals, pages_section


def lighthouse_report(perf=0.5, cls=0.0, tbt=400.0, lcp=5000.0, uncompressed=(), short=()) -> dict:
    """The parts of a Lighthouse 12 JSON report that `figures` reads."""
    metric = {"first-contentful-paint": 2000.0, "largest-contentful-paint": lcp, "cumulative-layout-shift": cls,
              "total-blocking-time": tbt, "speed-index": 4000.0, "interactive": 7000.0}  # fmt: skip
    audits = {key: {"numericValue": value} for key, value in metric.items()}
    audits["uses-text-compression"] = {"score": 0 if uncompressed else 1,
                                       "details": {"items": [{"url": u} for u in uncompressed]}}  # fmt: skip
    audits["uses-long-cache-ttl"] = {"score": 0.5 if short else 1,
                                     "details": {"items": [{"url": u, "cacheLifetimeMs": d * 86_400_000} for u, d in short]}}  # fmt: skip
    audits["meta-description"] = {"score": 1}
    audits["bootup-time"] = {"details": {"items": [{"url": "http://x/assets/index-a1.js", "total": 812.4}]}}
    return {"lighthouseVersion": "12.2.3", "runWarnings": ["slow"], "audits": audits,
            "categories": {"performance": {"score": perf}, "seo": {"score": 1}}}  # fmt: skip


def test_a_report_yields_its_scores_timings_and_the_audits_the_pages_are_held_to():
    f = figures(
        lighthouse_report(0.62, 0.004, 350.0, uncompressed=["http://x/"], short=[("http://x/static/a.woff2", 7)])
    )
    assert (f["performance"], f["cls"], f["tbt_ms"], f["lcp_ms"], f["seo"]) == (0.62, 0.004, 350.0, 5000.0, 1)
    assert f["compression"] == 0 and f["uncompressed"] == ["http://x/"]
    assert f["short_cache"] == [["http://x/static/a.woff2", 7.0]] and f["meta_description"] == 1
    assert f["bootup_ms"] == {"http://x/assets/index-a1.js": 812}


def test_runs_are_judged_on_the_worst_layout_shift_and_median_timings():
    runs = [figures(lighthouse_report(p, c, t)) for p, c, t in ((0.5, 0.01, 300), (0.7, 0.3, 500), (0.6, 0.02, 100))]
    s = summary(runs)
    assert s["cls_worst"] == 0.3 and s["cls_all"] == [0.01, 0.3, 0.02]
    assert s["performance"] == 0.6 and s["tbt_ms"] == 300 and s["runs"] == 3
    assert s["compression"] == 1 and s["warnings"] == ["slow"]


def results(student_cls=0.001, kiosk_tbt=250.0) -> dict:
    pages = {
        "student": summary([figures(lighthouse_report(0.81, student_cls, 280))]),
        "kiosk": summary([figures(lighthouse_report(0.84, 0.0, kiosk_tbt))]),
        "chatinterface": summary([figures(lighthouse_report(0.7, 0.0, 450))]),
    }
    goals_ = {"page_cls_max": 0.1, "page_performance_min": 0.8, "kiosk_tbt_ms": 300}
    return {
        "goals": goals_,
        "pages": {"lighthouse": "12.2.3", "runs": 1, "chrome_flags": ["--headless=new"], "pages": pages},
    }


def test_the_page_goals_are_judged_from_the_pages_part():
    met = {g["goal"]: g["met"] for g in page_goals(results(), results()["goals"])}
    assert met == {"layout shift, worst load of either page": True, "Lighthouse performance, both pages": True,
                   "kiosk total blocking time": True}  # fmt: skip
    missed = {g["goal"]: g["met"] for g in page_goals(results(0.2, 900.0), results()["goals"])}
    assert missed["layout shift, worst load of either page"] is False and missed["kiosk total blocking time"] is False
    r = results() | {"goals": load_goals(DEFAULT_GOALS)}  # the repository's goals file names the page goals
    judged = {g["goal"]: g["met"] for g in goals(r)}  # wired into the bench's goals
    assert judged["kiosk total blocking time"] is True and judged["Lighthouse performance, both pages"] is True


def test_the_report_section_names_each_page_and_what_was_not_measured():
    text = "\n".join(pages_section(results()))
    assert "student page" in text and "kiosk" in text and "plain `gr.ChatInterface`" in text
    assert "0.81" in text and "0.001" in text and "static/a.woff2" not in text
    assert pages_section({})[-2] == "Not measured in this run."
    assert "Failed: Lighthouse failed" in "\n".join(pages_section({"pages": {"error": "Lighthouse failed"}}))
    assert "Not measured in this run (page_loads is 0)." in pages_section({"pages": {"skipped": "page_loads is 0"}})


def test_no_page_goal_is_judged_without_its_figures_or_thresholds():
    r = results()
    r.pop("pages")
    judged = page_goals(r, r["goals"])
    assert len(judged) == 3 and all(g["met"] is None for g in judged)
    assert page_goals(results(), {}) == []


def test_blocking_time_from_cpu_time_reads_the_main_threads_tasks():
    def task(tid, wall_ms, cpu_ms):
        return {"pid": 1, "tid": tid, "ph": "X", "name": "RunTask", "dur": wall_ms * 1000, "tdur": cpu_ms * 1000}

    trace = {"traceEvents": [
        {"pid": 1, "tid": 7, "ph": "X", "name": "Layout", "dur": 10},  # marks thread 7 as the page's main thread
        task(7, 400, 30), task(7, 90, 10), task(7, 20, 5),  # busy machine: wall >> CPU
        task(9, 500, 500),  # another thread: not counted
    ]}  # fmt: skip
    assert cpu_blocking(trace) == {"cpu_blocking_ms": 70, "cpu_busy_ms": 45, "cpu_longest_task_ms": 30.0}
    assert cpu_blocking({"traceEvents": []}) == {}
