"""Run out of disk space at every stage of an ingest: one clear error line, exit 2, the old index intact.

With root (and Linux), the index and the embedding cache live on a small tmpfs, mounted afresh for
each run with a little more free space than the last, so ENOSPC strikes in turn the embedding cache,
each index file, the manifest and the CURRENT pointer. Without root, a file-size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored so a write fails with EFBIG) is set at each stage instead.
After every failed ingest the old build must still be live, load with its checksums, answer as
before, and nothing half-written may be left to fill the disk further; given room, ingest succeeds.

    python -m rehab_probes.disk_full [--method auto|tmpfs|rlimit] [--step-kb 12] [--no-report]

The file-size limit is set by a stage hook of `build_index` in a child process (capped_ingest).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .common import SEED_CORPUS, run_ingest, say
from .report import update_section

QUESTION = "When did Russia rehabilitate Leon Trotsky?"

RLIMIT_CASES = [  # (what fills up, bytes, the build_index stage at which the limit is set, start with an empty cache)
    ("embedding cache", 30_000, "start", True),
    ("document store", 1_000, "documents", False),
    ("chunk store", 10_000, "chunks", False),
    ("sentence vectors", 50_000, "sentences", False),
    ("FAISS file", 4_000, "dense", False),
    ("BM25 files", 1_000, "bm25", False),
    ("CURRENT pointer", 10, "pointer", False),
]


@dataclass
class Run:
    label: str
    code: int
    message: str  # the one error line, paths shortened
    clean: bool  # exactly one error line, no traceback
    intact: bool  # old build live, loads, answers as before
    leftovers: list


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("Loading weights")]


def short(line: str, *paths: Path) -> str:
    for path in paths:
        line = line.replace(str(path), "…")
    return re.sub(r"build-[\w-]+", "build-…", line)


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def can_mount_tmpfs(point: Path) -> bool:
    point.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    ok = (
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)], capture_output=True).returncode
        == 0
    )
    if ok:
        subprocess.run(["umount", str(point)], check=True)
    return ok


def check_after(label: str, result, index_dir: Path, before: dict, encoder, settings, paths) -> Run:
    from assistant import Assistant
    from assistant.index.layout import read_manifest
    from assistant.index.read import load_index

    lines = error_lines(result.stderr)
    clean = "Traceback" not in result.stderr and len(lines) == 1 and lines[0].startswith("error: ")
    try:
        build, _ = read_manifest(index_dir)
        index = load_index(index_dir, encoder.model_id)
        answer = Assistant(index, encoder, settings).ask(QUESTION)
        intact = build.name == before["build"] and (answer.text, answer.abstained) == before["answer"]
    except Exception:  # noqa: BLE001 - a failure to load is the finding
        intact = False
    leftovers = sorted(set(tree(index_dir)) - set(before["tree"]))
    message = short(lines[-1] if lines else "(no message)", *paths)
    return Run(label, result.returncode, message, clean, intact, leftovers)


def prepare(work: Path, encoder):
    """An old index of the seed corpus, a warm cache, and a changed corpus to ingest."""
    from assistant.config import Settings
    from assistant.index.build import build_index

    old_corpus, new_corpus = work / "corpus-old", work / "corpus"
    for folder in (old_corpus, new_corpus):
        shutil.copytree(SEED_CORPUS, folder)
        for p in folder.iterdir():
            p.chmod(0o644)
    with open(new_corpus / "rehabilitation-soviet.txt", "a", encoding="utf-8") as f:
        f.write("\nThis sentence was added after the first ingest, so the new build differs.\n")
    settings = Settings(corpus_dir=old_corpus, index_dir=work / "index", cache_dir=work / "cache")
    build_index(settings, rebuild=True, encoder=encoder)
    return settings.with_overrides(corpus_dir=new_corpus)


def snapshot(index_dir: Path, encoder, settings) -> dict:
    from assistant import Assistant
    from assistant.index.layout import read_manifest
    from assistant.index.read import load_index

    answer = Assistant(load_index(index_dir, encoder.model_id), encoder, settings).ask(QUESTION)
    return {
        "build": read_manifest(index_dir)[0].name,
        "answer": (answer.text, answer.abstained),
        "tree": tree(index_dir),
    }


def run_tmpfs(work: Path, settings, encoder, step_kb: int, log) -> list[Run]:
    """Ingest onto ever larger tmpfs mounts until one succeeds."""
    point = work / "mnt"
    used_kb = (
        sum(
            p.stat().st_blocks * 512
            for folder in (settings.index_dir, settings.cache_dir)
            for p in folder.rglob("*")
            if p.is_file()
        )
        // 1024
    )
    runs = []
    size_kb = used_kb + 16
    while size_kb < used_kb + 2048:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(point)], check=True)
        try:
            index, cache = point / "index", point / "cache"
            try:
                shutil.copytree(settings.index_dir, index)
                shutil.copytree(settings.cache_dir, cache)
            except OSError:  # not even room for the old index: try a larger disk
                size_kb += step_kb
                continue
            here = settings.with_overrides(index_dir=index, cache_dir=cache)
            before = snapshot(index, encoder, here)
            free_kb = shutil.disk_usage(point).free // 1024
            result = run_ingest(here)
            if result.returncode == 0:
                runs.append(Run(f"tmpfs, {free_kb} KB free", 0, "ingest succeeded", True, True, []))
                log(f"{free_kb:5d} KB free: ingest succeeded")
                return runs
            run = check_after(f"tmpfs, {free_kb} KB free", result, index, before, encoder, here, [point, work])
            runs.append(run)
            log(
                f"{free_kb:5d} KB free: exit {run.code}, clean {run.clean}, old index intact {run.intact}, "
                f"leftovers {run.leftovers or 'none'}: {run.message}"
            )
        finally:
            if subprocess.run(["umount", str(point)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(point)], check=True)  # still busy: detach it lazily
        size_kb += step_kb
    return runs


def run_rlimit(work: Path, settings, encoder, log) -> list[Run]:
    """Ingest under a file-size limit set at each stage in turn, then with no limit."""
    runs = []
    for label, limit, stage, cold in [*RLIMIT_CASES, ("nothing (no limit)", 10**12, "start", False)]:
        index, cache = work / "case" / "index", work / "case" / "cache"
        shutil.rmtree(work / "case", ignore_errors=True)
        shutil.copytree(settings.index_dir, index)
        if not cold:
            shutil.copytree(settings.cache_dir, cache)
        here = settings.with_overrides(index_dir=index, cache_dir=cache)
        before = snapshot(index, encoder, here)
        result = run_ingest(here, limit=limit, stage=stage)
        if result.returncode == 0:
            runs.append(Run(f"file-size limit: {label}", 0, "ingest succeeded", True, True, []))
        else:
            runs.append(check_after(f"file-size limit: {label}", result, index, before, encoder, here, [work]))
        r = runs[-1]
        log(
            f"{r.label}: exit {r.code}, clean {r.clean}, old index intact {r.intact}, leftovers {r.leftovers or 'none'}: {r.message}"
        )
    return runs


def run(method: str = "auto", step_kb: int = 12, work: Path | None = None, log=say) -> tuple[str, list[Run]]:
    from assistant.config import set_offline_environment

    set_offline_environment()
    from assistant.embedding import Encoder

    owned = work is None
    work = Path(tempfile.mkdtemp(prefix="disk-full-")) if owned else work
    try:
        encoder = Encoder("all-MiniLM-L6-v2")
        settings = prepare(work, encoder)
        mountable = method != "rlimit" and can_mount_tmpfs(work / "mnt")  # also creates the mount point
        if method == "tmpfs" and not mountable:
            raise SystemExit("--method tmpfs needs root and mount(8) to mount a tmpfs; use --method rlimit")
        method = "tmpfs" if mountable else "rlimit"
        runs = (
            run_tmpfs(work, settings, encoder, step_kb, log)
            if method == "tmpfs"
            else run_rlimit(work, settings, encoder, log)
        )
        return method, runs
    finally:
        if owned:
            shutil.rmtree(work, ignore_errors=True)


def ok(run: Run) -> bool:
    return run.code == 0 or (run.code == 2 and run.clean and run.intact and not run.leftovers)


def markdown(method: str, runs: list[Run]) -> str:
    failed = [r for r in runs if r.code != 0]
    how = (
        "the index and the embedding cache on a small tmpfs, remounted with more room each run"
        if method == "tmpfs"
        else "a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) set at each stage of the ingest"
    )
    lines = [
        "## Disk full during ingest",
        "",
        f"`python -m rehab_probes.disk_full --method {method}` ({time.strftime('%Y-%m-%d')}): {how}. "
        f"{len(failed)} ingests ran out of space; {sum(ok(r) for r in failed)} of them exited with code 2 and one "
        "`error:` line, left the old build live (it loaded and answered as before) and left no files behind.",
        "",
        "| run | exit | one clean line | old index intact | leftovers | message |",
        "| --- | ---: | :---: | :---: | --- | --- |",
    ]
    for r in runs:
        lines.append(
            f"| {r.label} | {r.code} | {'yes' if r.clean else 'NO'} | {'yes' if r.intact else 'NO'} | "
            f"{', '.join(r.leftovers) or 'none'} | {r.message.replace('|', '/')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--method", choices=["auto", "tmpfs", "rlimit"], default="auto")
    parser.add_argument("--step-kb", type=int, default=12, help="extra room per tmpfs run (default 12 KB)")
    parser.add_argument("--no-report", action="store_true", help="print only; leave evals/reports/reliability.md alone")
    args = parser.parse_args(argv)
    method, runs = run(args.method, args.step_kb)
    text = markdown(method, runs)
    print("\n" + text)
    if not args.no_report:
        print(f"\nwrote {update_section(f'disk-full-{method}', text)}")
    return 0 if all(ok(r) for r in runs) and runs and runs[-1].code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
