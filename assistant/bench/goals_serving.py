"""The serving goals of issue 15: the JSON API against Gradio's /ask and ask(), ready times, replicas under load."""

from __future__ import annotations

from .cells import get, ms, secs


def serving_goals(r: dict, g: dict) -> list[dict]:
    """Each serving goal the goals file names, judged against the run's `serving` and `replicas` parts."""
    s, out = r.get("serving") or {}, []
    api, ask, gradio = get(s, "api_ms", "p50"), get(s, "ask_ms", "p50"), get(s, "gradio_ms", "p50")
    if "api_overhead_ms" in g:
        over = None if api is None or ask is None else api - ask
        why = f"API p50 {ms(api)} against ask() p50 {ms(ask)} in the same run, one client on keep-alive HTTP"
        out.append(_goal("JSON API HTTP overhead (API p50 - ask() p50)", f"<= {g['api_overhead_ms']:g} ms",
                         ms(over), None if over is None else over <= g["api_overhead_ms"], why))  # fmt: skip
    if "api_p50_vs_gradio" in g:
        ratio = None if api is None or not gradio else api / gradio
        why = f"API p50 {ms(api)}, Gradio /ask p50 {ms(gradio)} (gradio_client through the queue)"
        out.append(_goal("JSON API p50 / Gradio /ask p50", f"<= {g['api_p50_vs_gradio']:g}",
                         _x(ratio), None if ratio is None else ratio <= g["api_p50_vs_gradio"], why))  # fmt: skip
    if "api_throughput_vs_gradio" in g:
        a, b = get(s, "api_load", "answers_per_s"), get(s, "gradio_load", "answers_per_s")
        ratio = None if a is None or not b else a / b
        why = f"{s.get('clients', '-')} clients, rate limits off: API {a} answers/s, Gradio /ask {b} answers/s"
        out.append(_goal("answers/s, JSON API / Gradio /ask", f">= {g['api_throughput_vs_gradio']:g}",
                         _x(ratio), None if ratio is None else ratio >= g["api_throughput_vs_gradio"], why))  # fmt: skip
    if "replica_http_ready_s" in g:
        ready = s.get("http_ready_s")
        why = f"process start to /api/v1/health 200 (Gradio imported, page built); first API answer {secs(s.get('first_api_answer_s'))}"
        out.append(_goal("replica ready for HTTP", f"<= {g['replica_http_ready_s']:g} s", secs(ready),
                         None if ready is None else ready <= g["replica_http_ready_s"], why))  # fmt: skip
    if "replicas_load_failed" in g:
        load = get(r, "replicas", "load") or {}
        bad = None if not load else load["failed"] + load["wrong"]
        why = (f"{get(r, 'replicas', 'clients')} clients for {load.get('seconds')} s through nginx and 2 replicas: "
               f"{load.get('answered')} answered, {load.get('failed')} failed, {load.get('wrong')} wrong; "
               f"RSS growth {get(r, 'replicas', 'rss_growth_mb')} MB") if load else ""  # fmt: skip
        out.append(_goal("failed or wrong answers under load via nginx", f"<= {g['replicas_load_failed']}",
                         "-" if bad is None else str(bad), None if bad is None else bad <= g["replicas_load_failed"], why))  # fmt: skip
    return out


def _x(v) -> str:
    return "-" if v is None else f"{v:.2f}x"


def _goal(goal, target, measured, met, why=""):
    return {"goal": goal, "target": target, "measured": measured, "met": met, "held_back": why}
