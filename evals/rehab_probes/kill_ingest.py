"""kill -9 an ingest at random moments: afterwards the index must load, whole, as the old build or the new one.

Two versions of a small corpus, A (the seed) and B (one file dropped, one edited, one added), are
indexed once into reference folders. The live index then flips between them: each round writes the
other version into the corpus folder, starts `assistant ingest --rebuild` (a child process), and sends
SIGKILL at a random moment, either any time in the run or after the new build started to be written
(a `.tmp-*` folder appears), or while a cold cache is being filled. After each kill the index must
load with every checksum intact, its manifest must name exactly one version's files, every document
must be that version's text, and the answers to probe questions must equal that version's answers:
never a mix.

    python -m rehab_probes.kill_ingest [--rounds 20] [--cold 2] [--seed 1] [--no-report]

Everything is written to a temp folder, except the section it updates in evals/reports/reliability.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import SEED_CORPUS, say, start_ingest
from .report import update_section

PROBES = [
    "When did Russia rehabilitate Leon Trotsky?",
    "How many victims has Kazakhstan's commission rehabilitated?",
    "When was the exhibition hall of the regional museum reopened?",
    "Whose death marked the beginning of political rehabilitation in the Soviet Union?",
]
ADDED_FILE = (
    "museum-note.txt",
    "= Museum note =\n\nThe exhibition hall of the regional museum was reopened in 2019 after restoration. "
    "Its new displays present documents on the rehabilitation of victims of political repression.\n",
)
EDIT_SUFFIX = "\nThis copy of the article was revised for the fault test.\n"


@dataclass
class Version:
    """One corpus version and what a whole index of it holds and answers."""

    name: str
    corpus: Path
    files: dict  # the manifest's corpus file hashes
    texts: dict  # doc id -> document text
    answers: dict  # probe -> what a visitor sees


@dataclass
class Round:
    number: int
    strategy: str
    target: str
    delay: float  # seconds after start (or after the write began) when SIGKILL was sent
    killed: bool  # the process was still running when killed
    writing: bool  # a .tmp build folder existed at the moment of the kill
    outcome: str = ""  # the version the index holds afterwards
    returncode: int | None = None  # the ingest's exit status: -9 when the kill landed
    leftovers: list = field(default_factory=list)
    error: str = ""


def answer_key(answer) -> tuple:
    return answer.text, answer.abstained, tuple((c.doc_id, c.start, c.end) for c in answer.citations)


def make_versions(work: Path) -> tuple[Path, Path]:
    """Corpus A is the seed; B drops the Kazakhstan article, edits the wiki article and adds a museum note."""
    a, b = work / "corpus-A", work / "corpus-B"
    shutil.copytree(SEED_CORPUS, a)
    shutil.copytree(SEED_CORPUS, b)
    for folder in (a, b):
        for path in folder.iterdir():
            path.chmod(0o644)
    (b / "kazakhstan-state-commission.txt").unlink()
    with open(b / "rehabilitation-soviet.txt", "a", encoding="utf-8") as f:
        f.write(EDIT_SUFFIX)
    (b / ADDED_FILE[0]).write_text(ADDED_FILE[1], encoding="utf-8")
    return a, b


def reference(name: str, corpus: Path, work: Path, encoder, settings_for) -> Version:
    """Index a version cleanly into its own folder and record what it holds and answers."""
    from assistant import Assistant
    from assistant.index.build import build_index
    from assistant.index.read import load_index

    settings = settings_for(corpus, work / f"ref-{name}")
    build_index(settings, rebuild=True, encoder=encoder)
    index = load_index(settings.index_dir, encoder.model_id)
    assistant = Assistant(index, encoder, settings)
    return Version(
        name,
        corpus,
        dict(index.manifest["files"]),
        {doc_id: d.text for doc_id, d in index.documents.items()},
        {q: answer_key(assistant.ask(q)) for q in PROBES},
    )


def place_corpus(version: Version, live_corpus: Path) -> None:
    """Make the live corpus folder hold exactly this version's files."""
    shutil.rmtree(live_corpus, ignore_errors=True)
    shutil.copytree(version.corpus, live_corpus)


def classify(index_dir: Path, versions: dict[str, Version], encoder, settings) -> str:
    """Which version the live index is; raises AssertionError on any mix or damage."""
    from assistant import Assistant
    from assistant.index.read import load_index

    index = load_index(index_dir, encoder.model_id)  # checks every checksum and count
    matches = [v for v in versions.values() if v.files == index.manifest["files"]]
    assert len(matches) == 1, f"manifest names neither version's files: {sorted(index.manifest['files'])}"
    version = matches[0]
    texts = {doc_id: d.text for doc_id, d in index.documents.items()}
    assert texts == version.texts, f"documents are not all version {version.name}'s"
    assistant = Assistant(index, encoder, settings)
    for q in PROBES:
        got = answer_key(assistant.ask(q))
        assert got == version.answers[q], f"answer to {q!r} is not version {version.name}'s: {got[0][:80]!r}"
    return version.name


def start_rebuild(settings, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    """`assistant ingest --rebuild` in a process group of its own, so one kill reaches everything it started."""
    return start_ingest(settings, "--rebuild", stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)


def writing_now(index_dir: Path, pid: int) -> bool:
    """Whether this ingest's own temp build exists (a killed one's may still lie there until the next cleans up)."""
    return any(index_dir.glob(f".tmp-build-*-{pid}-*"))


def timed_ingest(settings) -> tuple[float, float]:
    """One uninterrupted ingest: (seconds in all, seconds from the first .tmp folder to exit)."""
    started = time.monotonic()
    proc = start_rebuild(settings, stderr=subprocess.PIPE)
    write_began = None
    while proc.poll() is None:
        if write_began is None and writing_now(settings.index_dir, proc.pid):
            write_began = time.monotonic()
        time.sleep(0.002)
    ended = time.monotonic()
    if proc.returncode != 0:
        raise RuntimeError(f"ingest failed: {proc.stderr.read()}")
    return ended - started, ended - (write_began or ended)


def kill_round(
    number: int, strategy: str, target: Version, settings, rng: random.Random, total: float, writing: float
) -> Round:
    """Start an ingest and SIGKILL its process group at a random moment chosen by the strategy."""
    if strategy == "cold":
        shutil.rmtree(settings.cache_dir, ignore_errors=True)
    proc = start_rebuild(settings)
    started = time.monotonic()
    if strategy == "while-writing":
        while (
            not writing_now(settings.index_dir, proc.pid) and proc.poll() is None and time.monotonic() - started < 600
        ):
            time.sleep(0.001)
        base, delay = time.monotonic(), rng.uniform(0, writing * 1.2)
    else:
        span = total * (4 if strategy == "cold" else 1.1)
        base, delay = started, rng.uniform(0.2, span)
    while proc.poll() is None and time.monotonic() - base < delay:
        time.sleep(0.001)
    in_write = writing_now(settings.index_dir, proc.pid)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the ingest and anything it started
    proc.wait()
    killed = proc.returncode == -signal.SIGKILL  # the ingest may have finished just before the signal
    return Round(number, strategy, target.name, round(delay, 3), killed, in_write, returncode=proc.returncode)


def run(rounds: int = 20, cold: int = 2, seed: int = 1, work: Path | None = None, log=say) -> dict:
    """The whole experiment; returns the figures (and every round) for the report or a test."""
    from assistant.config import Settings, set_offline_environment

    set_offline_environment()
    from assistant.embedding import Encoder
    from assistant.index.build import build_index

    owned = work is None
    work = Path(tempfile.mkdtemp(prefix="kill-ingest-")) if owned else work
    try:
        encoder = Encoder("all-MiniLM-L6-v2")
        cache = work / "cache"

        def settings_for(corpus: Path, index: Path) -> Settings:
            return Settings(corpus_dir=corpus, index_dir=index, cache_dir=cache)

        a, b = make_versions(work)
        versions = {
            "A": reference("A", a, work, encoder, settings_for),
            "B": reference("B", b, work, encoder, settings_for),
        }
        assert versions["A"].answers != versions["B"].answers, "the probes must tell the versions apart"
        live = settings_for(work / "corpus", work / "index")
        place_corpus(versions["A"], live.corpus_dir)
        build_index(live, rebuild=True, encoder=encoder)
        current = "A"
        place_corpus(versions["B"], live.corpus_dir)
        total, writing = timed_ingest(live)  # also checks that an ingest runs cleanly on its own
        current = classify(live.index_dir, versions, encoder, live)
        log(f"uninterrupted ingest: {total:.2f} s, of which {writing:.2f} s writing the build")

        rng = random.Random(seed)
        plan = ["while-writing" if i % 2 else "any-time" for i in range(rounds)]
        for i in rng.sample(range(rounds), min(cold, rounds)):
            plan[i] = "cold"
        results: list[Round] = []
        started = time.monotonic()
        for number, strategy in enumerate(plan, start=1):
            for _ in range(5):  # a kill that came after the ingest finished is not a round; try again
                target = versions["B" if current == "A" else "A"]
                place_corpus(target, live.corpus_dir)
                result = kill_round(number, strategy, target, live, rng, total, writing)
                if result.killed:
                    break
                current = classify(live.index_dir, versions, encoder, live)
            result.leftovers = sorted(
                p.name for p in live.index_dir.iterdir() if p.name.startswith((".tmp", "CURRENT.tmp"))
            )
            try:
                result.outcome = classify(live.index_dir, versions, encoder, live)
                if result.outcome not in (current, target.name):
                    result.error = f"index is version {result.outcome}, expected {current} or {target.name}"
            except Exception as exc:  # noqa: BLE001 - any failure to load or any mix is the finding
                result.error = f"{type(exc).__name__}: {exc}"
            current = result.outcome or current
            results.append(result)
            log(
                f"round {number:2d} {strategy:13s} kill after {result.delay:6.3f} s "
                f"{'(writing)' if result.writing else '         '} -> index is {result.outcome or '?'}"
                f"{'  ERROR ' + result.error if result.error else ''}"
            )
        loop_seconds = time.monotonic() - started

        builds_before = sorted(p.name for p in live.index_dir.glob("build-*"))
        place_corpus(versions["B" if current == "A" else "A"], live.corpus_dir)
        final_total, _ = timed_ingest(live)  # a clean ingest after all that: works, and tidies up
        final = classify(live.index_dir, versions, encoder, live)
        leftovers_after = sorted(p.name for p in live.index_dir.iterdir() if p.name.startswith((".tmp", "CURRENT.tmp")))
        builds_after = sorted(p.name for p in live.index_dir.glob("build-*"))
        return {
            "rounds": results,
            "errors": [r for r in results if r.error],
            "kills": sum(r.killed for r in results),
            "while_writing": sum(r.writing for r in results),
            "new_outcomes": sum(r.outcome == r.target for r in results),
            "old_outcomes": sum(bool(r.outcome) and r.outcome != r.target for r in results),
            "uninterrupted_seconds": total,
            "writing_seconds": writing,
            "loop_seconds": loop_seconds,
            "builds_before_cleanup": len(builds_before),
            "builds_after_cleanup": len(builds_after),
            "leftovers_after_cleanup": leftovers_after,
            "final_ingest_ok": final in versions,
            "final_seconds": final_total,
        }
    finally:
        if owned:
            shutil.rmtree(work, ignore_errors=True)


def markdown(figures: dict, rounds: int, seed: int) -> str:
    by_strategy: dict[str, list[Round]] = {}
    for r in figures["rounds"]:
        by_strategy.setdefault(r.strategy, []).append(r)
    lines = [
        "## kill -9 during ingest",
        "",
        f"`python -m rehab_probes.kill_ingest --rounds {rounds} --seed {seed}` ({time.strftime('%Y-%m-%d')}): "
        f"{figures['kills']} ingests killed with SIGKILL, {figures['while_writing']} of them while the new build was "
        f"being written. An uninterrupted ingest took {figures['uninterrupted_seconds']:.1f} s, "
        f"{figures['writing_seconds']:.2f} s of it writing the build.",
        "",
        "| kill moment | rounds | index afterwards: old build | new build | failed to load or mixed |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for strategy, rs in sorted(by_strategy.items()):
        old = sum(bool(r.outcome) and r.outcome != r.target for r in rs)
        new = sum(r.outcome == r.target for r in rs)
        lines.append(f"| {strategy} | {len(rs)} | {old} | {new} | {sum(bool(r.error) for r in rs)} |")
    lines += [
        "",
        "After every kill the index loaded with all checksums intact, its manifest named exactly one corpus "
        "version's files, every document was that version's text, and the four probe answers equalled that "
        "version's answers."
        if not figures["errors"]
        else "**Failures:** " + "; ".join(f"round {r.number}: {r.error}" for r in figures["errors"]),
        "",
        f"{sum(bool(r.leftovers) for r in figures['rounds'])} kills left a temp build folder or CURRENT.tmp behind; the next "
        "ingest removed it before starting (it never counts as an index). "
        f"A clean ingest afterwards {'succeeded' if figures['final_ingest_ok'] else 'FAILED'}; build folders: "
        f"{figures['builds_before_cleanup']} before it, {figures['builds_after_cleanup']} after (the live one and "
        f"the one before are kept); temp leftovers after it: {figures['leftovers_after_cleanup'] or 'none'}.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="kills to make (default 20)")
    parser.add_argument("--cold", type=int, default=2, help="rounds that first empty the embedding cache (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-report", action="store_true", help="print only; leave evals/reports/reliability.md alone")
    args = parser.parse_args(argv)
    figures = run(args.rounds, args.cold, args.seed)
    text = markdown(figures, args.rounds, args.seed)
    print("\n" + text)
    if not args.no_report:
        print(f"\nwrote {update_section('kill', text)}")
    return 1 if figures["errors"] or not figures["final_ingest_ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
