"""Time from upload to answer: seconds from the console's "Add" to the first right answer from the running page.

For each corpus size (the seed corpus, and 10 times it) this builds the index once, starts the page
(`python app.py`, its index watcher at the default `index_watch_seconds`) and the curator's console
(`python app.py --curator`) as two processes, signs in, and then, each run: adds a new document holding
one new fact through the console's upload form (POST /upload, as its "Add" button does), and asks the
running page's JSON API the question that fact answers every 0.2 s until the answer quotes it. It
times the upload's reply, the console's rebuild (queued to finished) and the first right answer.

The 10x corpus is generated here: nine copies of every seed document (originals and translations) in
sub-folders, each with its own table in sources.toml (ids and `translation_of` renamed), so chunks,
sentences, alignments and vectors all grow tenfold. The copies' texts equal the originals', so their
vectors come from the embedding cache, as every unchanged document's do on a museum's machine after
its first ingest; each added document is new text and is embedded. Nothing in the checkout is touched:
everything lives in a scratch folder (kept with --keep).

    PYTHONPATH=evals python -m rehab_probes.upload_to_answer [--scales 1 10] [--runs 3] [--cache FILE] [--no-report]

`--cache` starts the scratch embedding cache from a copy of an `embeddings.sqlite` (by default the
checkout's `.cache/embeddings.sqlite`, when there is one), so the first build need not embed the seed
corpus again. A full run writes the "upload" section of evals/reports/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from .common import ROOT, SEED_CORPUS, say
from .report import update_section

TOKEN = "upload-to-answer probe"
# One new fact per run: a place the seed corpus never names, and a year.
PLACES = ["Karaganda", "Pavlodar", "Semey", "Taraz", "Aktobe", "Kostanay", "Petropavl", "Oral", "Atyrau", "Turkistan"]


def toml_table(name: str, table: dict) -> str:
    rows = [f"[{json.dumps(name, ensure_ascii=False)}]"]
    rows += [f"{k} = {json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v).lower()}" for k, v in table.items()]
    return "\n".join(rows) + "\n"


def scaled_corpus(folder: Path, scale: int) -> Path:
    """The seed corpus in `folder`, with `scale - 1` renamed copies of every document and its metadata."""
    shutil.copytree(SEED_CORPUS, folder)
    tables = tomllib.loads((SEED_CORPUS / "sources.toml").read_text(encoding="utf-8"))
    extra = []
    for n in range(1, scale):
        sub = folder / f"copy-{n:02d}"
        sub.mkdir()
        for name, table in tables.items():
            shutil.copyfile(SEED_CORPUS / name, sub / name)
            copy = dict(table, id=f"{table['id']}-copy-{n:02d}")
            if "translation_of" in copy:
                copy["translation_of"] = f"{table['translation_of']}-copy-{n:02d}"
            extra.append(toml_table(f"{sub.name}/{name}", copy))
    with open(folder / "sources.toml", "a", encoding="utf-8") as out:
        out.write("\n" + "\n".join(extra))
    return folder


def environment(work: Path, **more) -> dict:
    """The children's settings: this scratch folder's corpus, index, cache and logs; offline; nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_CORPUS_DIR=str(work / "corpus"), ASSISTANT_INDEX_DIR=str(work / "index"),
        ASSISTANT_CACHE_DIR=str(work / "cache"), ASSISTANT_FEEDBACK_PATH=str(work / "feedback" / "feedback.jsonl"),
        ASSISTANT_API_RATE_LIMIT_PER_MINUTE="0", HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
        GRADIO_ANALYTICS_ENABLED="False", TOKENIZERS_PARALLELISM="false", PYTHONUNBUFFERED="1", **more,
    )  # fmt: skip
    return env


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen([sys.executable, str(ROOT / "app.py"), *args], cwd=log.parent, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip


def wait_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 900) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.5)


def one_run(console, api: str, n: int, timeout: float = 900) -> dict:
    """Add one new document through the console and time it until the running page answers from it."""
    import httpx

    place, year = PLACES[n % len(PLACES)], 1990 + n
    name = f"reading-room-{place.lower()}-{n}.txt"
    text = (f"= The {place} reading room =\n\nThe museum's reading room in {place} was opened to visitors by the "
            f"regional archive in {year}, and it keeps the registers of the rehabilitation commission.\n")  # fmt: skip
    question = f"When was the museum's reading room in {place} opened?"
    page = console.get("").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"csrf": csrf, "lang": "en", "title": f"The {place} reading room", "kind": "museum note",
            "origin": "Written for the upload-to-answer probe", "language": "en", "licence": "CC BY 4.0"}  # fmt: skip
    started = time.perf_counter()
    posted = console.post("upload", data=form, files={"file": (name, text.encode())})
    replied = time.perf_counter() - started
    if posted.status_code != 200 or f"{name} was added" not in posted.text:
        raise RuntimeError(f"the upload was refused: {posted.status_code} {posted.text[-800:]}")
    rebuilt = None
    while True:
        now = time.perf_counter() - started
        if rebuilt is None:
            state = console.get("status").json()
            if state["state"] == "done" and not state["queued"] and state["started"] >= time.time() - now - 1:
                rebuilt = now
            elif state["state"] == "failed":
                raise RuntimeError(f"the rebuild failed: {state['reason']}")
        answer = httpx.post(api, json={"question": question}, timeout=60).json()
        if not answer["abstained"] and str(year) in answer["text"]:
            return {"document": name, "upload_reply_s": replied, "rebuilt_s": rebuilt or now, "answered_s": now}
        if now > timeout:
            raise RuntimeError(f"no right answer {timeout:.0f} s after the upload; the last: {answer['text'][:200]}")
        time.sleep(0.2)


def measure(scale: int, runs: int, root: Path, cache: Path | None) -> dict:
    """Build a corpus `scale` times the seed, serve it, and time `runs` uploads."""
    import httpx

    from assistant.serving.processes import free_port, stop_server

    work = root / f"x{scale}"
    work.mkdir(parents=True)
    scaled_corpus(work / "corpus", scale)
    (work / "cache").mkdir()
    if cache is not None and cache.is_file():
        shutil.copyfile(cache, work / "cache" / "embeddings.sqlite")
    env = environment(work)
    say(f"x{scale}: building the first index of {scale * 6} documents")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "--quiet"], cwd=work, env=env, check=True, capture_output=True)
    first_build = time.perf_counter() - t
    page_port, console_port = free_port(), free_port()
    page = start(["--port", str(page_port)], env, work / "page.log")
    desk = start(["--curator", "--port", str(console_port)], env | {"ASSISTANT_CURATOR_TOKEN": TOKEN}, work / "console.log")
    try:
        wait_up(f"http://127.0.0.1:{page_port}/api/v1/health", page, work / "page.log")
        wait_up(f"http://127.0.0.1:{console_port}/", desk, work / "console.log")
        console = httpx.Client(base_url=f"http://127.0.0.1:{console_port}/", timeout=120)
        console.post("login", data={"who": "probe", "password": TOKEN})
        results = []
        for n in range(runs):
            result = one_run(console, f"http://127.0.0.1:{page_port}/api/v1/ask", n + 10 * scale)
            say(f"x{scale} run {n + 1}: answered {result['answered_s']:.1f} s after Add (rebuild {result['rebuilt_s']:.1f} s)")
            results.append(result)
        documents = console.get("status").json()["documents"]
    finally:
        stop_server(desk)
        stop_server(page)
    answered = [r["answered_s"] for r in results]
    return {
        "scale": scale, "documents": documents, "first_build_s": round(first_build, 1), "runs": results,
        "answered_median_s": round(statistics.median(answered), 2), "answered_max_s": round(max(answered), 2),
        "rebuilt_median_s": round(statistics.median(r["rebuilt_s"] for r in results), 2),
        "upload_reply_median_s": round(statistics.median(r["upload_reply_s"] for r in results), 3),
    }  # fmt: skip


def markdown(figures: list[dict], load: tuple[float, float], command: str) -> str:
    rows = "\n".join(
        f"| {f['scale']}x ({f['documents'] - len(f['runs'])} documents) | {f['answered_median_s']:.1f} s | {f['answered_max_s']:.1f} s | "
        f"{f['rebuilt_median_s']:.1f} s | {f['upload_reply_median_s']:.2f} s | {f['first_build_s']:.0f} s |"
        for f in figures
    )
    return (
        "## Time from upload to answer\n\n"
        f"`{command}` (load average {load[0]:.1f} at the start, {load[1]:.1f} at the end; {len(figures[0]['runs'])} uploads a size):\n"
        "seconds from the console's Add (POST /upload) to the running page's first right answer (its JSON API, asked\n"
        "every 0.2 s), with the default `index_watch_seconds` (2). The rebuild column is the console's own rebuild,\n"
        "from Add to its status saying done; the rest is the page noticing the new build and loading it. The first\n"
        "upload after the console starts is the slowest (the max): its rebuild loads the ingest encoders first.\n\n"
        "| corpus | Add to answer, median | max | rebuild done, median | upload reply | first build, warm embedding cache |\n"
        "| --- | --- | --- | --- | --- | --- |\n" + rows + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="corpus sizes as multiples of the seed (default 1 10)")
    parser.add_argument("--runs", type=int, default=3, help="uploads timed per size (default 3)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "embeddings.sqlite", help="an embedding cache to start from")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs, corpora, indexes)")
    parser.add_argument("--no-report", action="store_true", help="print only; leave evals/reports/reliability.md alone")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="upload-to-answer-"))
    load = [os.getloadavg()[0], 0.0]
    try:
        figures = [measure(scale, args.runs, root, args.cache) for scale in args.scales]
    finally:
        load[1] = os.getloadavg()[0]
        if args.keep:
            say(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    command = "make upload-to-answer" if (args.scales, args.runs) == ([1, 10], 3) else (
        f"python -m rehab_probes.upload_to_answer --scales {' '.join(map(str, args.scales))} --runs {args.runs}")
    text = markdown(figures, tuple(load), command)
    print("\n" + text)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if not args.no_report:
        print(f"wrote {update_section('upload', text)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
