"""The ingest, chunk-size and cold-start sections of the benchmark report."""

from __future__ import annotations

from .cells import failed, get, ms, num, pct, secs, table
from .goals import import_text, ingest_rates


def ingest_section(r):
    """Full rebuilds, ours against the baseline, and re-ingest of an unchanged corpus."""
    i = r.get("ingest")
    out = ["## Ingest", ""]
    if failed(i):
        return out + failed(i)
    rates = ingest_rates(i)
    out += [
        f"Full rebuild of `{r['settings'].get('model')}` vectors for {i['documents']} documents "
        f"({i['source_tokens']:,} model tokens of source text) with an empty embedding cache and a temporary index; "
        f"models loaded beforehand (load took {secs(i['model_load_s'])}) and one untimed build of each made first; ours and the baseline alternate, {i['ours_s']['n']} run(s) each.",
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
                    num(i[f"{who}_embedded_tokens"]),
                    secs(rate["seconds"]),
                    secs(i[f"{who}_s"]["p95"]),
                    secs(get(i, f"{who}_embed_s", "p50")),
                    num(rate["chunks_per_s"], 1),
                    num(rate["source_tokens_per_s"]),
                    num(rate["embedded_tokens_per_s"]),
                ]
            )
    out += table(
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
        f"Re-ingest of the unchanged corpus: `assistant ingest` as a fresh process {secs(get(i, 'reingest_cli_s', 'p50'))} p50 "
        f"({secs(get(i, 'reingest_cli_s', 'p95'))} p95); the up-to-date check inside a running process "
        f"{ms(1000 * get(i, 'reingest_s', 'p50'))}; found up to date: {'yes' if i['reingest_up_to_date'] else 'NO'}.",
        "",
    ]
    return out


def chunk_sizes_section(r):
    """Every chunk-size candidate's ingest cost and gold-set scores, and the size they pick."""
    i, c = r.get("ingest") or {}, r.get("chunk_sizes")
    out = ["## Chunk size", ""]
    if failed(c):
        return out + failed(c)
    rows = []
    for size, scores in c["by_size"].items():
        cand = get(i, "candidates", size) or {}
        sec = cand.get("seconds")
        rows.append(
            [
                size,
                cand.get("effective_tokens"),
                cand.get("chunks"),
                cand.get("sentences"),
                secs(sec),
                num(cand["chunks"] / sec, 1) if sec else None,
                num(i["source_tokens"] / sec) if sec and i.get("source_tokens") else None,
                *(
                    pct(get(scores, split, k))
                    for split in ("tune", "test")
                    for k in ("hit@5", "accuracy", "overall_accuracy")
                ),
            ]
        )
    out += table(
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


def cold_start_section(r):
    """Process start to first answer, and what importing the heavy libraries costs."""
    c = r.get("cold_start")
    out = ["## Cold start", ""]
    if failed(c):
        return out + failed(c)
    out += [
        f"`python -c \"from assistant import Assistant; a = Assistant.load(index); a.ask('{c['question']}')\"`, "
        f"timed from process start until the answer is printed, {c['total_s']['n']} fresh processes.",
        "",
    ]
    if c.get("import_s"):
        out += [
            f"Heavy libraries the process loads: {', '.join(c.get('heavy_modules', [])) or 'none'}; importing them in a fresh "
            f"interpreter (median of {c['import_s']['numpy']['n']}, each after the ones before) costs {import_text(c)}.",
            "",
        ]
    out += table(
        ["", "p50", "p95", "max"],
        [
            [
                "process start to first answer",
                secs(c["total_s"]["p50"]),
                secs(c["total_s"]["p95"]),
                secs(c["total_s"]["max"]),
            ],
            [
                "imports + Assistant.load (inside the process)",
                secs(c["import_and_load_s"]["p50"]),
                secs(c["import_and_load_s"]["p95"]),
                secs(c["import_and_load_s"]["max"]),
            ],
            [
                "first ask()",
                ms(c["first_ask_ms"]["p50"]),
                ms(c["first_ask_ms"]["p95"]),
                ms(c["first_ask_ms"]["max"]),
            ],
        ],
    )
    out += [f"Answer: {' '.join(c['answer'].split())[:300]}", ""]
    return out
