"""The ingest, chunk-size and cold-start sections of the benchmark report."""

from __future__ import annotations

from .cells import failed, get, ms, num, pct, scored_kinds, secs, table
from .goals import import_text, ingest_rates


def ingest_section(r):
    """Full rebuilds, ours against the baseline, and re-ingest of an unchanged corpus."""
    i = r.get("ingest")
    out = ["## Ingest", ""]
    if failed(i):
        return out + failed(i)
    rates = ingest_rates(i)
    originals, translations = i.get("originals", i["documents"]), i.get("translations", 0)
    multilingual = i.get("multilingual_model")
    what = (
        f"`{r['settings'].get('model')}` vectors of the {originals} originals' chunks and sentences"
        + (
            f", `{multilingual}` vectors of the same and of every sentence of the {translations} translations, "
            "and each translation aligned with its original"
            if multilingual and translations
            else ""
        )
    )
    out += [
        f"Full rebuild of all {i['documents']} documents ({originals} originals, {translations} translations; "
        f"{i['source_tokens']:,} MiniLM tokens of source text): {what}; an empty embedding cache and a temporary index "
        f"each time. Models loaded beforehand (MiniLM {secs(i['model_load_s'])}"
        + (f", e5 {secs(i['e5_load_s'])}, which each build loads again" if i.get("e5_load_s") is not None else "")
        + f") and one untimed build of each made first; ours, ours on the originals alone and the baseline alternate, "
        f"{i['ours_s']['n']} run(s) each.",
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
    if get(i, "originals_only_s", "p50") is not None:
        rows.append(
            [
                "ours, originals alone (no multilingual model)",
                i.get("encoder"),
                i["ours_chunks"],
                None,
                secs(i["originals_only_s"]["p50"]),
                secs(i["originals_only_s"]["p95"]),
                None,
                None,
                None,
                None,
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
    out += _translations_part(i)
    out += [
        f"Re-ingest of the unchanged corpus: `assistant ingest` as a fresh process {secs(get(i, 'reingest_cli_s', 'p50'))} p50 "
        f"({secs(get(i, 'reingest_cli_s', 'p95'))} p95); the up-to-date check inside a running process "
        f"{ms(1000 * get(i, 'reingest_s', 'p50'))}; found up to date: {'yes' if i['reingest_up_to_date'] else 'NO'}.",
        "",
    ]
    return out


def _translations_part(i):
    """Where a full build's time goes, what the translations cost, and how each aligned."""
    out = []
    stages = i.get("ours_stages_s") or {}
    if stages:
        out += [
            "Where a full build of all documents spends its time (per build; `embed` is every encoder call, both models):",
            "",
            *table(["stage", "p50", "p95"], [[k, secs(v["p50"]), secs(v["p95"])] for k, v in stages.items()]),
        ]
    ours, plain = get(i, "ours_s", "p50"), get(i, "originals_only_s", "p50")
    if ours is not None and plain is not None and i.get("translations"):
        vectors = i.get("ours_vectors_embedded")
        out += [
            f"The translations (e5 model load, e5 vectors of every chunk and sentence, alignment, the multilingual files) "
            f"add {secs(ours - plain)} at p50: {secs(ours)} with them against {secs(plain)} for the originals alone"
            + (f"; a full build embeds {vectors:,} texts (both models)." if vectors else "."),
            "",
        ]
    aligned = (i.get("alignment") or {}).get("by_translation") or {}
    if aligned:
        rows = [
            [
                doc_id,
                a["language"],
                a["original"],
                f"{a['aligned']} of {a['translated_sentences']}",
                a["original_sentences"],
                a["flagged"],
                ms(a["ms"]),
            ]
            for doc_id, a in aligned.items()
        ]
        out += [
            "Alignment alone, from the e5 vectors the build cached (timed apart, once per translation):",
            "",
            *table(
                ["translation", "language", "original", "sentences aligned", "original's sentences", "flagged", "time"],
                rows,
            ),
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
        "prefix and the chunk fit the model's 256-token window. " + scored_kinds(c.get("scored")),
        "",
    ]
    return out


def cold_start_section(r):
    """Process start to first answer, and what importing the heavy libraries costs."""
    c = r.get("cold_start")
    out = ["## Cold start", ""]
    if failed(c):
        return out + failed(c)
    questions = c.get("questions") or {"en": c.get("question")}
    out += [
        "`python -c \"from assistant import Assistant; a = Assistant.load(index); a.ask(question)\"`, timed from process "
        "start until the first answer is printed, in "
        f"{c['total_s']['n']} fresh processes. `Assistant.load` loads the index, both encoders (MiniLM and e5) and the "
        "language identifier; each process then asks the same fact in every language, the first language rotating "
        f"({', '.join(c.get('first_languages', [])) or 'en'}): "
        + "; ".join(f"{lang} \"{q}\"" for lang, q in questions.items())
        + ".",
        "",
    ]
    if "torch_loaded" in c:
        out += [
            "torch, transformers or sentence-transformers loaded by the answering process: "
            + (", ".join(c["torch_loaded"]) or "none")
            + ".",
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
                "CPU time, process start to first answer (all threads)",
                secs(get(c, "cpu_s", "p50")),
                secs(get(c, "cpu_s", "p95")),
                secs(get(c, "cpu_s", "max")),
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
            *(
                [f"first {lang} question of the process", ms(v["p50"]), ms(v["p95"]), ms(v["max"])]
                for lang, v in (c.get("first_ask_ms_by_language") or {}).items()
            ),
        ],
    )
    answers = c.get("answers") or {"en": c["answer"]}
    out += [f"- answer ({lang}): {' '.join(text.split())[:300]}" for lang, text in answers.items()] + [""]
    return out
