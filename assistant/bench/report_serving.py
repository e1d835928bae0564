"""The report's serving sections: the JSON API beside Gradio's /ask, replicas behind nginx, ingest on Ray."""

from __future__ import annotations

from .cells import failed, get, ms, secs, table


def serving_section(r: dict) -> list[str]:
    return _api(r) + _replicas(r) + _ray(r)


def _api(r):
    s = r.get("serving")
    out = ["## JSON API against Gradio's /ask", ""]
    if failed(s):
        return out + failed(s)
    out += [
        f"One `app.py` (rate limits lifted) answered both ways in. {s['questions']} standalone gold questions, twice, "
        "one at a time (keep-alive HTTP for the API, gradio_client for /ask), and ask() in the bench's own process; "
        f"then {s['clients']} clients at once for {s['seconds']} s each way. HTTP-ready: process start to "
        f"/api/v1/health answering 200 ({secs(s['http_ready_s'])}); first API answer {secs(s['first_api_answer_s'])}.",
        "",
    ]
    rows = [["ask() in process", ms(get(s, "ask_ms", "p50")), ms(get(s, "ask_ms", "p95")), "-", "-"]]
    for label, lat, load in (("POST /api/v1/ask", "api_ms", "api_load"), ("Gradio /ask", "gradio_ms", "gradio_load")):
        failures = get(s, load, "failed")
        wrong = get(s, load, "wrong")
        rows.append([label, ms(get(s, lat, "p50")), ms(get(s, lat, "p95")), get(s, load, "answers_per_s"),
                     f"{failures} failed" + (f", {wrong} wrong" if wrong is not None else "")])  # fmt: skip
    return out + table(
        ["way in", "p50 (1 client)", "p95 (1 client)", f"answers/s ({s['clients']} clients)", "errors"], rows
    )


def _replicas(r):
    p = r.get("replicas")
    out = ["## Replicas behind nginx", ""]
    if failed(p):
        return out + failed(p)
    load = p["load"]
    lat = load["latency_ms"]
    out += [
        f"2 replicas of app.py behind Debian's nginx on 127.0.0.1 (deploy/nginx/assistant.conf), {p['clients']} clients "
        f"for {load['seconds']} s asking {p['questions']} gold questions in turn, every answer checked against a reference.",
        "",
    ]
    out += table(
        ["answered", "failed", "wrong", "answers/s", "p50", "p95", "max"],
        [
            [
                load["answered"],
                load["failed"],
                load["wrong"],
                load["answers_per_s"],
                ms(lat["p50"]),
                ms(lat["p95"]),
                ms(lat["max"]),
            ]
        ],
    )
    rows = []
    for i, (b, a) in enumerate(zip(p["memory_before_mb"], p["memory_after_mb"], strict=True)):
        rows.append([f"replica {i + 1}", f"{b['rss']:.0f} -> {a['rss']:.0f} MB", f"{b['pss']:.0f} MB",
                     f"{b['uss']:.0f} MB", f"{b['shared']:.0f} MB", f"{p['index_mapped_mb'][i]:.1f} MB"])  # fmt: skip
    out += table(["", "RSS before -> after load", "PSS", "private (USS)", "shared", "index files mapped"], rows)
    out += [
        "A second replica adds about its private memory (USS); the mapped index pages and the libraries are shared.",
        "",
    ]
    return out


def _ray(r):
    y = r.get("ray_ingest")
    out = ["## Embedding on Ray", ""]
    if failed(y):
        return out + failed(y)
    out += [
        "The texts a build of the seed corpus embeds (both models), embedded locally as an ingest does, then with "
        "`assistant ingest --ray auto`'s machinery on a fresh local cluster with 1 and 2 workers (one CPU each). "
        "Ray's figures include starting the cluster (connect) and the actors loading their encoders (in embed). "
        "On this 2-core machine they show Ray's overhead and two workers contending for the same cores, not scaling.",
        "",
    ]
    rows = []
    for key, label in (("local", "local (ingest's encoders)"), ("ray_1", "Ray, 1 worker"), ("ray_2", "Ray, 2 workers")):
        v = y.get(key) or {}
        rows.append([label, v.get("texts"), secs(v.get("seconds")), v.get("texts_per_s"), secs(v.get("connect_s")),
                     secs(v.get("embed_s"))])  # fmt: skip
    return out + table(["", "texts", "seconds", "texts/s", "cluster start", "map_batches"], rows)
