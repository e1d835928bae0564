"""The ask() latency and accuracy section (ours against the baseline) and the HTTP API section."""

from __future__ import annotations

from .cells import failed, ms, pct, scored_kinds, secs, table


def queries_section(r):
    """ask() latency and gold-set accuracy against the baseline, and where ours spends its time."""
    q = r.get("queries")
    out = ["## ask() latency and accuracy against the baseline", ""]
    if failed(q):
        return out + failed(q)
    out += [
        "Every gold question, ours and the baseline's alternating which goes first; earlier turns of a conversation are "
        "asked first (untimed) and fed back as history to ours; the baseline gets the final question alone. "
        "Answer accuracy: an accepted answer string occurs in the answer text. Overall accuracy also counts the "
        "unanswerable items, which are correct only when refused; the baseline never refuses, so it gets them all wrong. "
        f"The baseline's top-1 chunk is one of {q['baseline_chunks']} chunks of up to 1000 characters. "
        f"Latency is over every gold question. {scored_kinds(q.get('scored'))}",
        "",
    ]
    ratio50 = q["ours_ms"]["p50"] / q["baseline_ms"]["p50"]
    ratio95 = q["ours_ms"]["p95"] / q["baseline_ms"]["p95"]
    rows = [
        ["latency p50", ms(q["ours_ms"]["p50"]), ms(q["baseline_ms"]["p50"]), f"{ratio50:.2f}"],
        ["latency p95", ms(q["ours_ms"]["p95"]), ms(q["baseline_ms"]["p95"]), f"{ratio95:.2f}"],
    ]
    for split in ("all", "tune", "test"):
        if split in q["ours"] and split in q["baseline"]:
            o, b = q["ours"][split], q["baseline"][split]
            rows.append(
                [
                    f"overall accuracy ({split}, n={o['n']})",
                    pct(o["overall_accuracy"]),
                    pct(b["overall_accuracy"]),
                    f"{100 * (o['overall_accuracy'] - b['overall_accuracy']):+.1f} points",
                ]
            )
            rows.append(
                [
                    f"answer accuracy, answerable only ({split})",
                    pct(o["accuracy"]),
                    pct(b["accuracy"]),
                    f"{100 * (o['accuracy'] - b['accuracy']):+.1f} points",
                ]
            )
    out += table(["", "ours", "baseline", "ours / baseline"], rows)
    threads = q.get("encode_threads_ms") or {}
    if len(threads) == 2:
        (many, m), (_, one) = sorted(threads.items(), key=lambda kv: -int(kv[0]))
        out += [
            f"Query encoding alone, torch with {many} threads: p50 {ms(m['p50'])}, p95 {ms(m['p95'])}; with one thread: "
            f"p50 {ms(one['p50'])}, p95 {ms(one['p95'])} (alternating, same questions). On shared cores the "
            "multi-threaded encoder waits for its second thread; one thread per short query avoids that.",
            "",
        ]
    out += ["Where ours spends its time (per call; retrieval for earlier turns included):", ""]
    out += table(["stage", "p50", "p95"], [[k, ms(v["p50"]), ms(v["p95"])] for k, v in q["stages_ms"].items()])
    return out + _by_language(q)


def _by_language(q):
    """ask() per question language: English through MiniLM, Russian and Kazakh through e5."""
    rows = q.get("by_language") or {}
    if not rows:
        return []
    out = [
        "### ask() by question language",
        "",
        "The same passes, split by the gold item's language; the stages are per call (encode, dense, lexical, select).",
        "",
    ]
    body = []
    for language, row in rows.items():
        a, st, o = row["ask_ms"], row.get("stages_ms") or {}, row.get("ours") or {}
        body.append(
            [
                language,
                row["questions"],
                a["n"],
                row["encoder"],
                ms(a["p50"]),
                ms(a["p95"]),
                ms(a["max"]),
                f"{ms((st.get('encode') or {}).get('p50'))} / {ms((st.get('encode') or {}).get('p95'))}",
                ms((st.get("select") or {}).get("p50")),
                pct(o.get("accuracy")),
                pct(o.get("overall_accuracy")),
            ]
        )
    out += table(
        [
            "language",
            "questions",
            "asks",
            "query encoder",
            "p50",
            "p95",
            "max",
            "encode p50 / p95",
            "select p50",
            "answer acc.",
            "overall acc.",
        ],
        body,
    )
    e5 = q.get("e5_threads_ms") or {}
    if e5.get("configured") and e5.get("one"):
        out += [
            f"e5 query encoding alone on the Russian and Kazakh questions, alternating: with the configured "
            f"{e5['threads']} thread(s) p50 {ms(e5['configured']['p50'])}, p95 {ms(e5['configured']['p95'])}; with one "
            f"thread p50 {ms(e5['one']['p50'])}, p95 {ms(e5['one']['p95'])} (`encoder_threads` sets it; on cores "
            "shared with other work a multi-threaded engine waits for its other threads).",
            "",
        ]
    return out


def http_section(r):
    """Latency and throughput through the running app's /ask endpoint."""
    h = r.get("http")
    out = ["## HTTP API", ""]
    if failed(h):
        return out + failed(h)
    lat = h["latency_ms"]
    out += [
        f"`python app.py --port <free port>` started as a subprocess (ready after {secs(h['ready_s'])}); the standalone gold "
        f"questions sent to the `/ask` endpoint with gradio_client from {h['threads']} threads at once "
        f"(server queue concurrency {h.get('queue_concurrency')}, its per-visitor rate limit lifted for the run). "
        "Latency counts every request; an error is an exception or an answer carrying an error code.",
        "",
    ]
    out += table(
        ["requests", "errors", "p50", "p95", "max", "throughput", "server RSS after"],
        [
            [
                h["requests"],
                h["errors"],
                ms(lat["p50"]),
                ms(lat["p95"]),
                ms(lat["max"]),
                f"{h['throughput_rps']:.1f} req/s" if h.get("throughput_rps") else None,
                f"{h['server_rss_mb']:.0f} MB",
            ]
        ],
    )
    out += [f"Errors: {'; '.join(h['error_examples'])}", ""] if h["errors"] else []
    return out
