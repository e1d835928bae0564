"""The report's page section (Lighthouse on the student page, the kiosk and a plain ChatInterface) and its goals."""

from __future__ import annotations

from .cells import failed, get, ms, table

LABELS = {"student": "student page", "kiosk": "kiosk", "chatinterface": "plain `gr.ChatInterface`"}


def pages_section(r: dict) -> list[str]:
    p = r.get("pages")
    out = ["## Pages (Lighthouse)", ""]
    if failed(p):
        return out + failed(p)
    if "skipped" in p:
        return out + [f"Not measured in this run ({p['skipped']}).", ""]
    names = [n for n in LABELS if n in p["pages"]]
    out += [
        f"Lighthouse {p['lighthouse']}, default mobile emulation and simulated throttling, Debian's chromium "
        f"({' '.join(p['chrome_flags'])}); each page loaded {p['runs']} times, the pages interleaved. "
        "Medians, except layout shift: the worst load. Blocking time and performance follow the machine's load "
        "(Lighthouse multiplies the main thread's observed task times by 4): compare the columns of one run. "
        "'Blocking time from CPU time' is the same arithmetic on the tasks' CPU time in Lighthouse's trace: the "
        "pages' own work, whatever else the machine is doing.",
        "",
    ]
    rows = []
    for label, key, cell in (
        ("performance", "performance", _score),
        ("performance, each load", "performance_all", lambda v: " ".join(_score(x) for x in v)),
        ("first contentful paint", "fcp_ms", _s),
        ("largest contentful paint", "lcp_ms", _s),
        ("cumulative layout shift (worst load)", "cls_worst", _cls),
        ("layout shift, each load", "cls_all", lambda v: " ".join(_cls(x) for x in v)),
        ("total blocking time", "tbt_ms", ms),
        ("blocking time, each load", "tbt_all", lambda v: " ".join(f"{x:.0f}" for x in v)),
        ("blocking time from CPU time", "cpu_blocking_ms", ms),
        (
            "the same, each load",
            "cpu_blocking_all",
            lambda v: " ".join("-" if x is None else f"{x:.0f}" for x in v or []),
        ),
        ("main thread's CPU time", "cpu_busy_ms", ms),
        ("time to interactive", "tti_ms", _s),
        ("text compression audit", "compression", _score),
        ("cache lifetime audit", "cache", _score),
        ("meta description audit", "meta_description", _score),
    ):
        rows.append([label, *[cell(get(p, "pages", n, key)) for n in names]])
    out += table(["", *[LABELS[n] for n in names]], rows)
    for n in names:
        short = get(p, "pages", n, "short_cache") or []
        if short:
            kept = ", ".join(f"{url.rsplit('/', 1)[-1]} {days:g} d" for url, days in short)
            out.append(f"- {LABELS[n]}: files with less than Lighthouse's cache lifetime: {kept}.")
    return out + [""]


def page_goals(r: dict, g: dict) -> list[dict]:
    """The page goals of issue 21 the goals file names, judged against the run's `pages` part."""
    pages, out = get(r, "pages", "pages") or {}, []  # none when skipped: every goal unjudged
    ours = [n for n in ("student", "kiosk") if n in pages]
    base = get(pages, "chatinterface", "performance")
    if "page_cls_max" in g:
        worst = max((pages[n]["cls_worst"] for n in ours), default=None)
        why = ", ".join(f"{n} {_cls(pages[n]['cls_worst'])}" for n in ours)
        out.append(_goal("layout shift, worst load of either page", f"<= {g['page_cls_max']:g}", _cls(worst),
                         None if worst is None else worst <= g["page_cls_max"], why))  # fmt: skip
    if "page_performance_min" in g:
        low = min((pages[n]["performance"] for n in ours), default=None)
        why = ", ".join(f"{n} {_score(pages[n]['performance'])}" for n in ours)
        why += f"; a plain gr.ChatInterface {_score(base)} in the same run (Gradio's own scripts)"
        out.append(_goal("Lighthouse performance, both pages", f">= {g['page_performance_min']:g}", _score(low),
                         None if low is None else low >= g["page_performance_min"], why))  # fmt: skip
    if "kiosk_tbt_ms" in g:
        tbt = get(pages, "kiosk", "tbt_ms")
        why = (f"the plain gr.ChatInterface {ms(get(pages, 'chatinterface', 'tbt_ms'))} in the same run; from CPU time "
               f"kiosk {ms(get(pages, 'kiosk', 'cpu_blocking_ms'))}, ChatInterface "
               f"{ms(get(pages, 'chatinterface', 'cpu_blocking_ms'))}")  # fmt: skip
        out.append(_goal("kiosk total blocking time", f"<= {g['kiosk_tbt_ms']:g} ms", ms(tbt),
                         None if tbt is None else tbt <= g["kiosk_tbt_ms"], why))  # fmt: skip
    return out


def _score(v) -> str:
    return "-" if v is None else f"{v:.2f}"


def _cls(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def _s(v) -> str:
    return "-" if v is None else f"{v / 1000:.1f} s"


def _goal(goal, target, measured, met, why=""):
    return {"goal": goal, "target": target, "measured": measured, "met": met, "held_back": why}
