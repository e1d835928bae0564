"""The `assistant bench` report: goals met or not (and what holds them back), tables, notes.

Pure formatting over the results dict that `assistant.bench` fills part by part; a part that is
missing or failed shows as such, so a report written half-way through a run still reads well.
"""

from __future__ import annotations

import json
from pathlib import Path

SYNTHETIC_NOTE = (
    "Synthetic chunks are two sentences each, drawn as distinct ordered pairs from a pool of generated "
    "fake-history sentences (templates over fixed word lists and made-up names; no digits). Every pool sentence "
    "was checked to contain none of the gold answer strings, so the gold questions can only be answered from the "
    "real chunks, which keep their real vectors and sit at random positions among the synthetic ones. Only the pool "
    "was embedded with the real model; a synthetic chunk's vector is the normalised sum of its two sentences' vectors "
    "plus Gaussian noise (sigma 0.03 per dimension, so no two are identical), and its sentence vectors are the pool's "
    "own. The index is written by `assistant.index.write_index` with the configured settings, so the flat/HNSW "
    "switch (`approx_min_vectors`), BM25, the loader's checksums and `Assistant.ask` are the project's own code. "
    "Recall@10 compares the index's dense search with exact inner-product search over the same vectors, using the "
    "gold questions encoded by the model. Because a million chunks are pairs of about a thousand sentences, their "
    "vectors form tight clusters full of near-ties, which makes plain recall@10 look worse than it would on real text; "
    "the real-chunk recall and the score ratio show what the answers depend on. The synthetic vocabulary is small "
    "(see the BM25 vocabulary figure), so BM25 posting lists are long (the worst case for query time) while typo "
    "correction, which scans the vocabulary, is cheaper than it would be on a real million-chunk corpus."
)


def write_report(results: dict, paths: list[Path]) -> None:
    """The Markdown report and the raw figures beside it."""
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    paths[0].write_text(format_markdown(results), encoding="utf-8")
    paths[1].write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --- goals -----------------------------------------------------------------------------


def goals(r: dict) -> list[dict]:
    """Each goal of issue 6 with its measured figure, whether it holds, and what holds it back."""
    return [_goal_seed_p95(r), _goal_scale_p95(r), _goal_cold(r), _goal_reingest(r), _goal_ingest(r), _goal_accuracy(r)]


def _get(tree, *keys):
    for key in keys:
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree


def _stage_text(stages: dict | None, total: dict | None) -> str:
    if not stages or not total:
        return ""
    parts = [f"{name} p50 {_ms(v.get('p50'))} / p95 {_ms(v.get('p95'))}" for name, v in stages.items() if v.get("n")]
    known = sum(v["p50"] for v in stages.values() if v.get("p50") is not None)
    rest = total["p50"] - known if total.get("p50") is not None else None
    return "; ".join(parts) + (f"; answer selection and the rest ~{_ms(rest)} at p50" if rest is not None else "")


def _import_text(c: dict) -> str:
    """Import seconds of the heavy libraries the cold-start process loaded, as measured in a fresh interpreter."""
    loaded = [m for m in c["import_s"] if m in c.get("heavy_modules", [])]
    total = sum(c["import_s"][m]["p50"] for m in loaded)
    return f"{_s(total)} (" + ", ".join(f"{m} {_s(c['import_s'][m]['p50'])}" for m in loaded) + ")"


def _goal(goal, target, measured, met, why=""):
    return {"goal": goal, "target": target, "measured": measured, "met": met, "held_back": why}


def _goal_seed_p95(r):
    q = r.get("queries") or {}
    p95 = _get(q, "ours_ms", "p95")
    return _goal(
        "ask() p95, seed corpus",
        "<= 20 ms",
        _ms(p95),
        None if p95 is None else p95 <= 20,
        _stage_text(q.get("stages_ms"), q.get("ours_ms")),
    )


def _goal_scale_p95(r):
    rows = _get(r, "scale", "rows") or {}
    largest = max((k for k in rows if k.isdigit() and "ask_ms" in rows[k]), key=int, default=None)
    if largest is None:
        return _goal("ask() p95 at 1 000 000 chunks", "<= 30 ms", "not run", None)
    row = rows[largest]
    p95 = row["ask_ms"]["p95"]
    label = (
        "ask() p95 at 1 000 000 chunks"
        if int(largest) >= 1_000_000
        else f"ask() p95 at {int(largest):,} chunks (1M not run)"
    )
    return _goal(
        label,
        "<= 30 ms",
        _ms(p95),
        p95 <= 30 if int(largest) >= 1_000_000 else None,
        _stage_text(row.get("stages_ms"), row.get("ask_ms")),
    )


def _goal_cold(r):
    c = r.get("cold_start") or {}
    total = _get(c, "total_s", "p50")
    why = ""
    if total is not None:
        why = (
            f"interpreter start + imports + index load + model load {_s(_get(c, 'import_and_load_s', 'p50'))}, "
            f"first ask {_ms(_get(c, 'first_ask_ms', 'p50'))} (medians)"
        )
        if c.get("import_s"):
            why += f"; importing the heavy libraries it loads costs {_import_text(c)}"
    return _goal(
        "cold start (process start to first answer)", "<= 5 s", _s(total), None if total is None else total <= 5, why
    )


def _goal_reingest(r):
    i = r.get("ingest") or {}
    cli = _get(i, "reingest_cli_s", "p50")
    why = ""
    if cli is not None:
        why = f"`assistant ingest` process {_s(cli)}; the up-to-date check itself {_s(_get(i, 'reingest_s', 'p50'))} in process"
    return _goal("re-ingest of an unchanged corpus", "<= 2 s", _s(cli), None if cli is None else cli <= 2, why)


def ingest_rates(i: dict) -> dict:
    """chunks/s and tokens/s (source text tokens, and tokens the model actually read) of both pipelines."""
    out = {}
    for who in ("ours", "baseline"):
        seconds = _get(i, f"{who}_s", "p50")
        if not seconds:
            continue
        out[who] = {
            "seconds": seconds,
            "chunks_per_s": i[f"{who}_chunks"] / seconds,
            "source_tokens_per_s": i["source_tokens"] / seconds,
            "embedded_tokens_per_s": i[f"{who}_embedded_tokens"] / seconds,
        }
    return out


def _goal_ingest(r):
    i = r.get("ingest") or {}
    rates = ingest_rates(i) if "ours_s" in i else {}
    if len(rates) < 2:
        return _goal("ingest tokens/s vs baseline (same text)", ">= 1.5x", "not run", None)
    ratio = rates["ours"]["source_tokens_per_s"] / rates["baseline"]["source_tokens_per_s"]
    work = i["ours_embedded_tokens"] / max(1, i["baseline_embedded_tokens"])
    why = (
        f"ours embeds every chunk (with its section path) and every sentence: {i['ours_embedded_tokens']:,} model tokens "
        f"against the baseline's {i['baseline_embedded_tokens']:,} ({work:.1f}x the work) for the same {i['source_tokens']:,}-token text; "
        f"model-token throughput ours {rates['ours']['embedded_tokens_per_s']:.0f}/s ({i.get('encoder')}) vs "
        f"{rates['baseline']['embedded_tokens_per_s']:.0f}/s (torch)"
    )
    if _get(i, "ours_embed_s", "p50") is not None:
        why += (
            f"; embedding is {_s(i['ours_embed_s']['p50'])} of our {_s(rates['ours']['seconds'])} "
            f"and {_s(i['baseline_embed_s']['p50'])} of the baseline's {_s(rates['baseline']['seconds'])}"
        )
    return _goal("ingest tokens/s vs baseline (same text)", ">= 1.5x", f"{ratio:.2f}x", ratio >= 1.5, why)


def _goal_accuracy(r):
    q = r.get("queries") or {}
    ours, base = _get(q, "ours", "all", "overall_accuracy"), _get(q, "baseline", "all", "overall_accuracy")
    if ours is None or base is None:
        return _goal("accuracy vs baseline, at no more than its latency", ">= +15 points", "not run", None)
    gap = (ours - base) * 100
    gap_answerable = (_get(q, "ours", "all", "accuracy") - _get(q, "baseline", "all", "accuracy")) * 100
    p50 = q["ours_ms"]["p50"] / q["baseline_ms"]["p50"]
    p95 = q["ours_ms"]["p95"] / q["baseline_ms"]["p95"]
    met = gap >= 15 and p50 <= 1 and p95 <= 1
    measured = f"{gap:+.1f} points (answerable only {gap_answerable:+.1f}); latency ratio p50 {p50:.2f}, p95 {p95:.2f}"
    notes = []
    if gap < 15:
        notes.append("overall accuracy gap below 15 points")
    elif gap_answerable < 15:
        notes.append(f"the gap counts refusals; on answerable items alone it is {gap_answerable:+.1f} points")
    encode = _get(q, "stages_ms", "encode", "p50")
    extra = (
        q["ours_ms"]["p50"] - encode - sum(_get(q, "stages_ms", k, "p50") or 0 for k in ("dense", "lexical"))
        if encode
        else None
    )
    notes.append(
        f"latency ours {_ms(q['ours_ms']['p50'])} / {_ms(q['ours_ms']['p95'])} vs baseline {_ms(q['baseline_ms']['p50'])} / "
        f"{_ms(q['baseline_ms']['p95'])} (p50 / p95): both are dominated by one MiniLM query encoding "
        f"(ours {_ms(encode)} p50); ours adds BM25, fusion and sentence scoring (~{_ms(extra)} at p50)"
    )
    why = "; ".join(notes)
    return _goal("accuracy vs baseline, at no more than its latency", ">= +15 points, ratio <= 1", measured, met, why)


# --- Markdown --------------------------------------------------------------------------


def format_markdown(r: dict) -> str:
    out = [
        f"# Benchmark {r['created']} ({r['mode']})",
        "",
        f"Command: `{r['command']}`. Written by `assistant bench`; "
        "figures are medians (p50) and 95th percentiles over the runs shown; the raw figures are in the JSON file beside this one.",
        "",
    ]
    out += (
        _machine(r)
        + _goals(r)
        + _ingest(r)
        + _chunk_sizes(r)
        + _cold(r)
        + _queries(r)
        + _http(r)
        + _memory(r)
        + _scale(r)
    )
    return "\n".join(out) + "\n"


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join("-" if c is None else str(c) for c in row) + " |" for row in rows] + [""]


def _ms(v) -> str:
    return "-" if v is None else f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"


def _s(v) -> str:
    return "-" if v is None else f"{v:.2f} s"


def _pct(v) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def _num(v, digits=0) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


def _failed(part) -> list[str]:
    if part is None:
        return ["Not measured in this run.", ""]
    if "error" in part:
        return [f"Failed: {part['error']}", ""]
    return []


def _machine(r):
    m = r["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    load = m.get("load_average_start")
    end = m.get("load_average_end")
    return [
        "## Machine",
        "",
        *_table(
            ["", ""],
            [
                ["CPU", m["cpu"]],
                ["cores", f"{m['cores']} ({m['usable_cores']} usable)"],
                ["RAM", f"{m['ram_gb']} GB"],
                ["Python", m["python"]],
                ["OS", m["os"]],
                ["libraries", versions],
                [
                    "load average (1/5/15 min)",
                    f"start {' / '.join(f'{x:.2f}' for x in load)}"
                    + (f"; end {' / '.join(f'{x:.2f}' for x in end)}" if end else ""),
                ],
                ["settings", ", ".join(f"{k}={v}" for k, v in r["settings"].items())],
                ["gold set", f"{r['plan']['gold']} ({r['plan']['gold_items']} items), {r['plan']['repeats']} pass(es)"],
            ],
        ),
    ]


def _goals(r):
    rows = [
        [g["goal"], g["target"], g["measured"], {True: "yes", False: "**no**", None: "-"}[g["met"]], g["held_back"]]
        for g in goals(r)
    ]
    return [
        "## Goals",
        "",
        *_table(["goal", "target", "measured", "met", "where the time goes / what holds it back"], rows),
    ]


def _ingest(r):
    i = r.get("ingest")
    out = ["## Ingest", ""]
    if _failed(i):
        return out + _failed(i)
    rates = ingest_rates(i)
    out += [
        f"Full rebuild of `{r['settings'].get('model')}` vectors for {i['documents']} documents "
        f"({i['source_tokens']:,} model tokens of source text) with an empty embedding cache and a temporary index; "
        f"models loaded beforehand (load took {_s(i['model_load_s'])}) and one untimed build of each made first; ours and the baseline alternate, {i['ours_s']['n']} run(s) each.",
        "",
    ]
    rows = []
    for who, label, encoder in (
        ("ours", "ours", i.get("encoder")),
        ("baseline", "baseline (LangChain tutorial)", "torch"),
    ):
        if who in rates:
            rate = rates[who]
            rows.append(
                [
                    label,
                    encoder,
                    i[f"{who}_chunks"],
                    _num(i[f"{who}_embedded_tokens"]),
                    _s(rate["seconds"]),
                    _s(i[f"{who}_s"]["p95"]),
                    _s(_get(i, f"{who}_embed_s", "p50")),
                    _num(rate["chunks_per_s"], 1),
                    _num(rate["source_tokens_per_s"]),
                    _num(rate["embedded_tokens_per_s"]),
                ]
            )
    out += _table(
        [
            "pipeline",
            "encoder",
            "chunks",
            "model tokens embedded",
            "seconds p50",
            "p95",
            "of which embedding (p50)",
            "chunks/s",
            "source tokens/s",
            "model tokens/s",
        ],
        rows,
    )
    out += [
        f"Re-ingest of the unchanged corpus: `assistant ingest` as a fresh process {_s(_get(i, 'reingest_cli_s', 'p50'))} p50 "
        f"({_s(_get(i, 'reingest_cli_s', 'p95'))} p95); the up-to-date check inside a running process "
        f"{_ms(1000 * _get(i, 'reingest_s', 'p50'))}; found up to date: {'yes' if i['reingest_up_to_date'] else 'NO'}.",
        "",
    ]
    return out


def _chunk_sizes(r):
    i, c = r.get("ingest") or {}, r.get("chunk_sizes")
    out = ["## Chunk size", ""]
    if _failed(c):
        return out + _failed(c)
    rows = []
    for size, scores in c["by_size"].items():
        cand = _get(i, "candidates", size) or {}
        sec = cand.get("seconds")
        rows.append(
            [
                size,
                cand.get("effective_tokens"),
                cand.get("chunks"),
                cand.get("sentences"),
                _s(sec),
                _num(cand["chunks"] / sec, 1) if sec else None,
                _num(i["source_tokens"] / sec) if sec and i.get("source_tokens") else None,
                *(
                    _pct(_get(scores, split, k))
                    for split in ("tune", "test")
                    for k in ("hit@5", "accuracy", "overall_accuracy")
                ),
            ]
        )
    out += _table(
        [
            "chunk_tokens",
            "effective",
            "chunks",
            "sentences",
            "ingest",
            "chunks/s",
            "source tokens/s",
            "tune hit@5",
            "tune answer acc.",
            "tune overall acc.",
            "test hit@5",
            "test answer acc.",
            "test overall acc.",
        ],
        rows,
    )
    verdict = "matches" if c["best"] == c["configured"] else "differs from"
    out += [
        f"Picked on the {c['picked_on']} split (overall accuracy, then hit@5, then the smaller size): **{c['best']}** tokens, "
        f"which {verdict} the configured `chunk_tokens = {c['configured']}`. The effective size is capped so the section "
        "prefix and the chunk fit the model's 256-token window.",
        "",
    ]
    return out


def _cold(r):
    c = r.get("cold_start")
    out = ["## Cold start", ""]
    if _failed(c):
        return out + _failed(c)
    out += [
        f"`python -c \"from assistant import Assistant; a = Assistant.load(index); a.ask('{c['question']}')\"`, "
        f"timed from process start until the answer is printed, {c['total_s']['n']} fresh processes.",
        "",
    ]
    if c.get("import_s"):
        out += [
            f"Heavy libraries the process loads: {', '.join(c.get('heavy_modules', [])) or 'none'}; importing them in a fresh "
            f"interpreter (median of {c['import_s']['numpy']['n']}, each after the ones before) costs {_import_text(c)}.",
            "",
        ]
    out += _table(
        ["", "p50", "p95", "max"],
        [
            [
                "process start to first answer",
                _s(c["total_s"]["p50"]),
                _s(c["total_s"]["p95"]),
                _s(c["total_s"]["max"]),
            ],
            [
                "imports + Assistant.load (inside the process)",
                _s(c["import_and_load_s"]["p50"]),
                _s(c["import_and_load_s"]["p95"]),
                _s(c["import_and_load_s"]["max"]),
            ],
            [
                "first ask()",
                _ms(c["first_ask_ms"]["p50"]),
                _ms(c["first_ask_ms"]["p95"]),
                _ms(c["first_ask_ms"]["max"]),
            ],
        ],
    )
    out += [f"Answer: {' '.join(c['answer'].split())[:300]}", ""]
    return out


def _queries(r):
    q = r.get("queries")
    out = ["## ask() latency and accuracy against the baseline", ""]
    if _failed(q):
        return out + _failed(q)
    out += [
        "Every gold question, ours and the baseline's alternating which goes first; earlier turns of a conversation are "
        "asked first (untimed) and fed back as history to ours; the baseline gets the final question alone. "
        "Answer accuracy: an accepted answer string occurs in the answer text. Overall accuracy also counts the "
        "unanswerable items, which are correct only when refused; the baseline never refuses, so it gets them all wrong. "
        f"The baseline's top-1 chunk is one of {q['baseline_chunks']} chunks of up to 1000 characters.",
        "",
    ]
    ratio50 = q["ours_ms"]["p50"] / q["baseline_ms"]["p50"]
    ratio95 = q["ours_ms"]["p95"] / q["baseline_ms"]["p95"]
    rows = [
        ["latency p50", _ms(q["ours_ms"]["p50"]), _ms(q["baseline_ms"]["p50"]), f"{ratio50:.2f}"],
        ["latency p95", _ms(q["ours_ms"]["p95"]), _ms(q["baseline_ms"]["p95"]), f"{ratio95:.2f}"],
    ]
    for split in ("all", "tune", "test"):
        if split in q["ours"] and split in q["baseline"]:
            o, b = q["ours"][split], q["baseline"][split]
            rows.append(
                [
                    f"overall accuracy ({split}, n={o['n']})",
                    _pct(o["overall_accuracy"]),
                    _pct(b["overall_accuracy"]),
                    f"{100 * (o['overall_accuracy'] - b['overall_accuracy']):+.1f} points",
                ]
            )
            rows.append(
                [
                    f"answer accuracy, answerable only ({split})",
                    _pct(o["accuracy"]),
                    _pct(b["accuracy"]),
                    f"{100 * (o['accuracy'] - b['accuracy']):+.1f} points",
                ]
            )
    out += _table(["", "ours", "baseline", "ours / baseline"], rows)
    threads = q.get("encode_threads_ms") or {}
    if len(threads) == 2:
        (many, m), (_, one) = sorted(threads.items(), key=lambda kv: -int(kv[0]))
        out += [
            f"Query encoding alone, torch with {many} threads: p50 {_ms(m['p50'])}, p95 {_ms(m['p95'])}; with one thread: "
            f"p50 {_ms(one['p50'])}, p95 {_ms(one['p95'])} (alternating, same questions). On shared cores the "
            "multi-threaded encoder waits for its second thread; one thread per short query avoids that.",
            "",
        ]
    out += ["Where ours spends its time (per call; retrieval for earlier turns included):", ""]
    out += _table(["stage", "p50", "p95"], [[k, _ms(v["p50"]), _ms(v["p95"])] for k, v in q["stages_ms"].items()])
    return out


def _http(r):
    h = r.get("http")
    out = ["## HTTP API", ""]
    if _failed(h):
        return out + _failed(h)
    lat = h["latency_ms"]
    out += [
        f"`python app.py --port <free port>` started as a subprocess (ready after {_s(h['ready_s'])}); the standalone gold "
        f"questions sent to the `/ask` endpoint with gradio_client from {h['threads']} threads at once "
        f"(server queue concurrency {h.get('queue_concurrency')}, its per-visitor rate limit lifted for the run). "
        "Latency counts every request; an error is an exception or an answer carrying an error code.",
        "",
    ]
    out += _table(
        ["requests", "errors", "p50", "p95", "max", "throughput", "server RSS after"],
        [
            [
                h["requests"],
                h["errors"],
                _ms(lat["p50"]),
                _ms(lat["p95"]),
                _ms(lat["max"]),
                f"{h['throughput_rps']:.1f} req/s" if h.get("throughput_rps") else None,
                f"{h['server_rss_mb']:.0f} MB",
            ]
        ],
    )
    out += [f"Errors: {'; '.join(h['error_examples'])}", ""] if h["errors"] else []
    return out


def _memory(r):
    rows = []
    for label, value in (
        ("ingest process (models + full rebuilds)", _get(r, "ingest", "peak_rss_mb")),
        ("cold-start process (load + one answer)", _get(r, "cold_start", "peak_rss_mb")),
        ("ask process, seed index (load + whole gold set)", _get(r, "scale", "rows", "seed", "peak_rss_mb")),
        ("app server (RSS after the HTTP run)", _get(r, "http", "server_rss_mb")),
    ):
        rows.append([label, "-" if value is None else f"{value:,.0f} MB"])
    return [
        "## Peak memory",
        "",
        *_table(["process", "peak RSS"], rows),
        "Scale rows below give the memory of each size.",
        "",
    ]


def _scale(r):
    s = r.get("scale")
    out = ["## Scale", ""]
    if _failed(s):
        return out + _failed(s)
    header = [
        "chunks",
        "dense index",
        "build (of which FAISS, BM25)",
        "build peak RSS",
        "on disk",
        "load",
        "ask-process peak RSS",
        "ask p50",
        "ask p95",
        "encode p50",
        "dense p50",
        "BM25 p50",
        "BM25 p95",
        "exact search p50",
        "recall@10",
        "overall / answer accuracy",
        "answers citing synthetic",
        "questions retrieving synthetic (top 10)",
    ]
    rows, changes = [], []
    seed_ok = set(_get(s, "rows", "seed", "correct_ids") or [])
    for name, row in s["rows"].items():
        if "error" in row:
            rows.append([name, f"failed: {row['error']}"] + [None] * (len(header) - 2))
            continue
        if name != "seed":
            lost, gained = sorted(seed_ok - set(row["correct_ids"])), sorted(set(row["correct_ids"]) - seed_ok)
            if lost or gained:
                changes.append(
                    f"- {int(name):,} chunks: lost {', '.join(lost) or 'none'}; gained {', '.join(gained) or 'none'}"
                )
        rows.append(_scale_row(row))
    out += _table(header, rows)
    out += [
        "Gold items answered differently from the seed index (lost: right on the seed index, wrong here; gained: the reverse):",
        "",
        *(changes or ["- none: every size answers exactly the items the seed index answers"]),
        "",
    ]
    sweeps = [(name, row) for name, row in s["rows"].items() if row.get("ef_sweep")]
    if sweeps:
        out += [
            "HNSW recall against exact search on the gold questions' real query vectors, by `efSearch` (the configured "
            "value first). Real-chunk recall counts only the real corpus chunks among the exact top 10; the score "
            "ratio is the approximate top 10's summed scores over the exact top 10's.",
            "",
        ]
        out += _table(
            ["chunks", "efSearch", "recall@10", "real-chunk recall@10", "score ratio", "search p50", "search p95"],
            [
                [
                    f"{int(name):,}",
                    ef,
                    f"{v['recall_at_10']:.3f}",
                    "-" if v["real_recall_at_10"] is None else f"{v['real_recall_at_10']:.3f}",
                    f"{v['score_ratio']:.4f}",
                    _ms(v["ms"]["p50"]),
                    _ms(v["ms"]["p95"]),
                ]
                for name, row in sweeps
                for ef, v in row["ef_sweep"].items()
            ],
        )
    pool = s.get("pool")
    if pool:
        vocab = ", ".join(
            f"{int(n):,} chunks {row['vocabulary']:,} terms"
            for n, row in s["rows"].items()
            if n.isdigit() and "vocabulary" in row
        )
        out += [
            f"Pool: {pool['sentences']:,} generated sentences, embedded in {_s(pool['embed_s'])}; e.g. “{pool['example']}” "
            f"BM25 vocabulary: {vocab or '-'}.",
            "",
        ]
    out += [SYNTHETIC_NOTE, ""]
    return out


def _scale_row(row: dict) -> list:
    b = row.get("build") or {}
    build = (
        f"{_s(b['generate_s'] + b['write_s'])} (FAISS {_s(b.get('dense_s'))}, BM25 {_s(b.get('bm25_s'))})"
        if b
        else "(seed ingest)"
    )
    recall = f"{row['recall_at_10']:.3f}" + (f" (ef {row['ef_search']})" if row.get("ef_search") else " (exact)")
    return [
        f"{row['chunks']:,}",
        row["dense"],
        build,
        f"{b['peak_rss_mb']:,.0f} MB" if b else None,
        f"{b['disk_mb']:,.0f} MB" if b else None,
        _s(row["load_s"]),
        f"{row['peak_rss_mb']:,.0f} MB",
        _ms(row["ask_ms"]["p50"]),
        _ms(row["ask_ms"]["p95"]),
        _ms(_get(row, "stages_ms", "encode", "p50")),
        _ms(_get(row, "stages_ms", "dense", "p50")),
        _ms(_get(row, "stages_ms", "lexical", "p50")),
        _ms(_get(row, "stages_ms", "lexical", "p95")),
        _ms(row["exact_search_ms"]["p50"]),
        recall,
        f"{_pct(row['overall_accuracy'])} / {_pct(row['accuracy'])}",
        row.get("answers_citing_synthetic"),
        row.get("questions_retrieving_synthetic"),
    ]


def format_summary(r: dict) -> str:
    """The goals table for the terminal."""
    lines = ["goal                                              target        measured"]
    for g in goals(r):
        mark = {True: "ok  ", False: "MISS", None: "    "}[g["met"]]
        lines.append(f"{mark} {g['goal'][:45]:<45} {g['target']:<13} {g['measured']}")
    return "\n".join(lines)
