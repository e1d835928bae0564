"""The scale section of the benchmark report: synthetic corpora up to a million chunks."""

from __future__ import annotations

from .cells import failed, get, ms, pct, scored_kinds, secs, table

SYNTHETIC_NOTE = (
    "Synthetic chunks are two sentences each, drawn as distinct ordered pairs from a pool of generated "
    "fake-history sentences (templates over fixed word lists and made-up names; no digits). Every pool sentence "
    "was checked to contain none of the gold answer strings, so the gold questions can only be answered from the "
    "real chunks, which keep their real vectors and sit at random positions among the synthetic ones. Only the pool "
    "was embedded with the real model; a synthetic chunk's vector is the normalised sum of its two sentences' vectors "
    "plus Gaussian noise (sigma 0.03 per dimension, so no two are identical), and its sentence vectors are the pool's "
    "own. The index is written by `assistant.index.write.write_index` with the configured settings, so the flat/HNSW "
    "switch (`approx_min_vectors`), BM25, the loader's checksums and `Assistant.ask` are the project's own code. "
    "Recall@10 compares the index's dense search with exact inner-product search over the same vectors, using the "
    "gold questions encoded by the model. Because a million chunks are pairs of about a thousand sentences, their "
    "vectors form tight clusters full of near-ties, which makes plain recall@10 look worse than it would on real text; "
    "the real-chunk recall and the score ratio show what the answers depend on. The synthetic vocabulary is small "
    "(see the BM25 vocabulary figure), so BM25 posting lists are long (the worst case for query time) while typo "
    "correction, which scans the vocabulary, is cheaper than it would be on a real million-chunk corpus."
)


def scale_section(r):
    """Build, memory, latency, recall and accuracy per corpus size, and what changed from the seed index."""
    s = r.get("scale")
    out = ["## Scale", ""]
    if failed(s):
        return out + failed(s)
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
    seed_ok = set(get(s, "rows", "seed", "correct_ids") or [])
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
    out += table(header, rows)
    out += [
        f"Latency and retrieval are over every gold question. {scored_kinds(get(s, 'rows', 'seed', 'scored'))}",
        "",
        "Gold items answered differently from the seed index (lost: right on the seed index, wrong here; gained: the reverse):",
        "",
        *(changes or ["- none: every size answers exactly the items the seed index answers"]),
        "",
    ]
    out += kinds_section(s["rows"])
    if r.get("settings", {}).get("multilingual_model") and len(s["rows"]) > 1:
        out += [
            "The synthetic indexes hold MiniLM vectors only (no e5 part, no aligned translations), so their Russian and "
            "Kazakh questions take the English path: most of those items are lost for that reason, not for the size. "
            "The English items show what size costs; the seed row and the sections above measure the three languages.",
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
        out += table(
            ["chunks", "efSearch", "recall@10", "real-chunk recall@10", "score ratio", "search p50", "search p95"],
            [
                [
                    f"{int(name):,}",
                    ef,
                    f"{v['recall_at_10']:.3f}",
                    "-" if v["real_recall_at_10"] is None else f"{v['real_recall_at_10']:.3f}",
                    f"{v['score_ratio']:.4f}",
                    ms(v["ms"]["p50"]),
                    ms(v["ms"]["p95"]),
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
            f"Pool: {pool['sentences']:,} generated sentences, embedded in {secs(pool['embed_s'])}; e.g. “{pool['example']}” "
            f"BM25 vocabulary: {vocab or '-'}.",
            "",
        ]
    out += [SYNTHETIC_NOTE, ""]
    return out


FIRST_KINDS = ("factoid", "list", "overview", "multipart")  # the kinds issue 13 asks about first; then the rest


def kinds_section(rows: dict) -> list[str]:
    """ask() latency and answer length by gold kind at each corpus size: do lists and overviews stay bounded?"""
    table_rows = []
    for name, row in rows.items():
        kinds = row.get("kinds") or {}
        order = [k for k in FIRST_KINDS if k in kinds] + sorted(k for k in kinds if k not in FIRST_KINDS)
        for kind in order:
            k = kinds[kind]
            table_rows.append(
                [
                    name if name == "seed" else f"{int(name):,}",
                    kind,
                    k["n"],
                    ms(k["ask_ms"]["p50"]),
                    ms(k["ask_ms"]["p95"]),
                    ms(k["ask_ms"]["max"]),
                    f"{k['max_chars']:,}",
                    k["max_citations"],
                ]
            )
    if not table_rows:
        return []
    return [
        "`ask()` latency and answer length by gold kind (every repeat of every question of that kind; a follow-up's "
        "earlier turns are asked but not timed). Lists and overviews read only the retrieved passages and up to "
        "three neighbouring chunks (`assistant/gather.py`), so their time and length should not grow with the corpus.",
        "",
        *table(
            ["chunks", "kind", "answers", "ask p50", "ask p95", "ask max", "longest answer (chars)", "most citations"],
            table_rows,
        ),
    ]


def _scale_row(row: dict) -> list:
    b = row.get("build") or {}
    build = (
        f"{secs(b['generate_s'] + b['write_s'])} (FAISS {secs(b.get('dense_s'))}, BM25 {secs(b.get('bm25_s'))})"
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
        secs(row["load_s"]),
        f"{row['peak_rss_mb']:,.0f} MB",
        ms(row["ask_ms"]["p50"]),
        ms(row["ask_ms"]["p95"]),
        ms(get(row, "stages_ms", "encode", "p50")),
        ms(get(row, "stages_ms", "dense", "p50")),
        ms(get(row, "stages_ms", "lexical", "p50")),
        ms(get(row, "stages_ms", "lexical", "p95")),
        ms(row["exact_search_ms"]["p50"]),
        recall,
        f"{pct(row['overall_accuracy'])} / {pct(row['accuracy'])}",
        row.get("answers_citing_synthetic"),
        row.get("questions_retrieving_synthetic"),
    ]
