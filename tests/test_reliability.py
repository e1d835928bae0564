"""Faults a kiosk meets over months: damaged index files, a changed corpus, two ingests, a full disk, kill -9.

Every case goes through the real CLI or the real `Assistant`, on copies of the seed index in tmp_path.
The user must see one clear line naming the fix, never a traceback, and the last good index must survive.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, SEED_CORPUS
from rehab_probes import common, kill_ingest

from assistant import Assistant
from assistant.cli import main as cli_main
from assistant.errors import AssistantError, IndexDamagedError, IndexLockedError
from assistant.index.build import build_index
from assistant.index.layout import CURRENT, read_manifest
from assistant.index.read import load_index

QUESTION = "When did Russia rehabilitate Leon Trotsky?"


# --- helpers ---------------------------------------------------------------------------


@pytest.fixture
def index_copy(tmp_path, seed_settings):
    """Settings pointing at a private copy of the seed index, corpus and warm embedding cache."""
    shutil.copytree(seed_settings.index_dir, tmp_path / "index")
    shutil.copytree(seed_settings.cache_dir, tmp_path / "cache")
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    for path in (tmp_path / "corpus").iterdir():
        path.chmod(0o644)  # the seed files are read-only; tests change their copies
    return seed_settings.with_overrides(
        index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", corpus_dir=tmp_path / "corpus"
    )


def live_build(settings) -> Path:
    return read_manifest(settings.index_dir)[0]


def answer_key(answer) -> tuple:
    """What a visitor sees of an answer: its text and which sentences it cites (scores aside)."""
    return answer.text, answer.abstained, tuple((c.doc_id, c.start, c.end) for c in answer.citations)


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_clear_line(err: str, *needles: str) -> None:
    """The user sees exactly one `error:` line, naming the fix, and no traceback."""
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("Loading weights")]
    assert "Traceback" not in err, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


# --- damaged index files ---------------------------------------------------------------


def build_files(settings) -> list[str]:
    return sorted(read_manifest(settings.index_dir)[1]["checksums"]) + ["manifest.json"]


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def flip_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


DAMAGE = {"truncated": truncate, "bit-flipped": flip_bit, "missing": Path.unlink}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_index_files_are_detected_with_a_clear_message(kind, index_copy, capsys, cli_env):
    """Every file of a build, damaged in turn: loading refuses, and the CLI says so in one line."""
    pristine = index_copy.index_dir.parent / "pristine"
    shutil.copytree(index_copy.index_dir, pristine)
    files = build_files(index_copy)
    assert len(files) >= 8  # documents, chunks, vectors, FAISS, the BM25 parts, the manifest
    for rel in files:
        shutil.rmtree(index_copy.index_dir)
        shutil.copytree(pristine, index_copy.index_dir)
        target = live_build(index_copy) / rel
        DAMAGE[kind](target)
        if kind == "bit-flipped" and rel == "manifest.json":
            continue  # a flip inside a string of the manifest can be harmless; see the test below
        with pytest.raises(AssistantError) as caught:
            load_index(index_copy.index_dir)
        assert "assistant ingest" in str(caught.value), (rel, str(caught.value))
        code, out, err = run_cli(capsys, "ask", "--index", str(index_copy.index_dir), QUESTION)
        assert code == 2, (rel, out, err)
        assert_one_clear_line(err, "assistant ingest")
        assert out == ""


def test_extra_files_in_a_build_are_detected(index_copy, capsys, cli_env):
    build = live_build(index_copy)
    for extra in (build / "notes.txt", build / "bm25" / "stray.npy"):
        extra.write_text("left here by someone")
        with pytest.raises(IndexDamagedError, match="unexpected file"):
            load_index(index_copy.index_dir)
        code, _, err = run_cli(capsys, "ask", "--index", str(index_copy.index_dir), QUESTION)
        assert code == 2
        assert_one_clear_line(err, "assistant ingest", extra.name)
        extra.unlink()
    load_index(index_copy.index_dir)  # and once removed, the build is whole again


@pytest.mark.parametrize(
    "pointer", [b"", b"\n", b"build-does-not-exist\n", b"../../etc\n", b"..\n", b".\n", b"\xff\xfe\x00not utf-8"]
)
def test_a_broken_current_pointer_is_detected(pointer, index_copy, capsys, cli_env):
    (index_copy.index_dir / CURRENT).write_bytes(pointer)
    code, _, err = run_cli(capsys, "ask", "--index", str(index_copy.index_dir), QUESTION)
    assert code == 2
    assert_one_clear_line(err, "assistant ingest")


def test_bit_flips_anywhere_in_the_manifest_never_change_an_answer_silently(index_copy, encoder):
    """The manifest has no checksum of its own: a flip must be refused, or be harmless to every answer."""
    import random

    manifest = live_build(index_copy) / "manifest.json"
    original = manifest.read_bytes()
    expected = answer_key(Assistant(load_index(index_copy.index_dir), encoder, index_copy).ask(QUESTION))
    rng = random.Random(7)
    refused = loaded = 0
    for position in rng.sample(range(len(original)), 40):
        data = bytearray(original)
        data[position] ^= 1 << rng.randrange(8)
        manifest.write_bytes(bytes(data))
        try:
            index = load_index(index_copy.index_dir, encoder.model_id)
        except AssistantError as exc:
            assert "assistant ingest" in str(exc) or "model" in str(exc)
            refused += 1
            continue
        loaded += 1
        assert answer_key(Assistant(index, encoder, index_copy).ask(QUESTION)) == expected, (
            position,
            data[position - 20 : position + 20],
        )
    print(f"manifest bit flips: {refused} refused, {loaded} harmless")


# --- the corpus changes after ingest ---------------------------------------------------


@pytest.mark.parametrize("change", ["edited", "deleted", "added"])
def test_a_changed_corpus_is_reported_stale_and_the_assistant_still_answers(
    change, index_copy, capsys, cli_env, encoder
):
    corpus = index_copy.corpus_dir
    before = Assistant(load_index(index_copy.index_dir), encoder, index_copy).ask(QUESTION)
    assert before.citations
    if change == "edited":
        with open(corpus / "rehabilitation-soviet.txt", "a", encoding="utf-8") as f:
            f.write("\nA sentence added after the index was built.\n")
    elif change == "deleted":
        (corpus / "rehabilitation-soviet.txt").unlink()
    else:
        (corpus / "new-source.txt").write_text("A new source about the Gulag archives.", encoding="utf-8")

    code, out, _ = run_cli(capsys, "info", "--index", str(index_copy.index_dir), "--corpus", str(corpus))
    assert code == 0
    status = [line for line in out.splitlines() if line.startswith("status")]
    assert status and "STALE" in status[0], out
    changed = "new-source.txt" if change == "added" else "rehabilitation-soviet.txt"
    assert changed in status[0]
    assert "assistant ingest" in out

    assistant = Assistant.load(index_copy.index_dir, index_copy)  # the stale index still loads and answers
    after = assistant.ask(QUESTION)
    assert answer_key(after) == answer_key(before)
    for c in after.citations:  # quotes come from the indexed text, not the changed file
        assert assistant.document(c.doc_id).text[c.start : c.end] == c.quote
    code, out, _ = run_cli(capsys, "ask", "--index", str(index_copy.index_dir), QUESTION)
    assert code == 0 and "[1]" in out


# --- two ingests at once ---------------------------------------------------------------


def lock_is_held(index_dir: Path) -> bool:
    """Whether some process holds the ingest lock, read from /proc/locks without touching the lock."""
    lock = index_dir / ".lock"
    if not lock.exists():
        return False
    inode = lock.stat().st_ino
    return any(
        line.split()[5].endswith(f":{inode}")
        for line in Path("/proc/locks").read_text().splitlines()
        if len(line.split()) > 5
    )


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks to see the lock")
def test_a_second_ingest_is_refused_while_one_is_writing(index_copy, capsys, cli_env, encoder):
    """A cold-cache ingest holds the lock for seconds; an ingest started meanwhile refuses in one line."""
    shutil.rmtree(index_copy.cache_dir)
    old = live_build(index_copy).name
    first = common.start_ingest(index_copy, "--rebuild")
    deadline = time.monotonic() + 120
    while not lock_is_held(index_copy.index_dir):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    with pytest.raises(IndexLockedError, match="Another ingest"):
        build_index(index_copy, rebuild=True, encoder=encoder)
    code, _, err = run_cli(
        capsys,
        "ingest",
        "--rebuild",
        "--quiet",
        "--index",
        str(index_copy.index_dir),
        "--corpus",
        str(index_copy.corpus_dir),
    )
    refused_while_locked = lock_is_held(index_copy.index_dir)
    out, err_first = first.communicate(timeout=600)
    assert first.returncode == 0, err_first
    assert code == 2 and refused_while_locked
    assert_one_clear_line(err, "Another ingest", "wait for it to finish")
    new = live_build(index_copy).name
    assert new != old and not list(index_copy.index_dir.glob(".tmp-*"))
    Assistant.load(index_copy.index_dir, index_copy).ask(QUESTION)


@pytest.mark.slow
def test_two_ingests_started_together_never_corrupt_the_index(index_copy):
    """Two processes rebuild the same folder at once: each finishes or refuses cleanly; one whole build is live."""
    shutil.rmtree(index_copy.cache_dir)
    procs = [common.start_ingest(index_copy, "--rebuild") for _ in range(2)]
    results = [(p.wait(timeout=600), p.communicate()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, (_, err) in results:
        assert "Traceback" not in err
        if code == 2:
            assert_one_clear_line(err, "Another ingest")
    load_index(index_copy.index_dir)  # checksums and counts all agree
    assert not list(index_copy.index_dir.glob(".tmp-*"))


def test_rebuilding_twice_within_a_second_works(index_copy, encoder):
    """Build folders must be unique even when one process rebuilds several times in the same second."""
    names = [build_index(index_copy, rebuild=True, encoder=encoder).build for _ in range(3)]
    assert len(set(names)) == 3
    assert live_build(index_copy).name == names[-1]
    load_index(index_copy.index_dir)


# --- running out of disk space ---------------------------------------------------------


def ingest_under_limit(settings, limit: int, stage: str) -> subprocess.CompletedProcess:
    """`ingest --rebuild` in a child whose files may not grow past `limit` bytes from that stage of build_index on."""
    return common.run_ingest(settings, "--rebuild", limit=limit, stage=stage, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize(
    "limit, stage, cold_cache",
    [
        (1_000, "documents", False),  # the document store
        (50_000, "sentences", False),  # the sentence vectors (numpy)
        (4_000, "dense", False),  # the FAISS file (FAISS reports it as a RuntimeError)
        (1_000, "bm25", False),  # the BM25 files
        (10, "pointer", False),  # CURRENT, after the new build was renamed into place
        (30_000, "start", True),  # the embedding cache (SQLite)
    ],
    ids=["documents", "vectors", "faiss", "bm25", "pointer", "embedding-cache"],
)
def test_running_out_of_disk_space_gives_one_clear_line_and_keeps_the_old_index(
    limit, stage, cold_cache, index_copy, encoder
):
    with open(index_copy.corpus_dir / "rehabilitation-soviet.txt", "a", encoding="utf-8") as f:
        f.write("\nThe museum added this sentence, so the new build differs from the old one.\n")
    if cold_cache:
        shutil.rmtree(index_copy.cache_dir)
    before = live_build(index_copy)
    before_files = sorted(p.relative_to(index_copy.index_dir) for p in index_copy.index_dir.rglob("*"))
    expected = answer_key(Assistant(load_index(index_copy.index_dir), encoder, index_copy).ask(QUESTION))

    result = ingest_under_limit(index_copy, limit, stage)

    assert result.returncode == 2, result.stderr
    assert_one_clear_line(result.stderr, "run `assistant ingest` again")
    assert "disk" in result.stderr.lower() or "space" in result.stderr.lower()
    assert live_build(index_copy) == before
    after_files = sorted(p.relative_to(index_copy.index_dir) for p in index_copy.index_dir.rglob("*"))
    assert after_files == before_files  # nothing half-written left behind to fill the disk further
    index = load_index(index_copy.index_dir, encoder.model_id)
    assert answer_key(Assistant(index, encoder, index_copy).ask(QUESTION)) == expected

    if stage == "dense":  # with space again, ingest just works (checked once: each run costs seconds)
        done = ingest_under_limit(index_copy, 10**9, "start")
        assert done.returncode == 0, done.stderr
        assert live_build(index_copy) != before


# --- kill -9 during ingest -------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_during_ingest_leaves_the_old_or_the_new_index_never_a_mix(tmp_path):
    """Five rounds of rehab_probes.kill_ingest (`make reliability` runs 20): every kill leaves a whole index."""
    figures = kill_ingest.run(rounds=5, cold=0, seed=3, work=tmp_path)
    # each ingest was killed (-9) or had just finished (0); most kills land on a running ingest
    assert all(r.returncode in (-9, 0) for r in figures["rounds"])
    assert figures["kills"] == sum(r.returncode == -9 for r in figures["rounds"]) >= 3
    assert not figures["errors"], [(r.number, r.error) for r in figures["errors"]]
    assert all(r.outcome in ("A", "B") for r in figures["rounds"])
    assert figures["final_ingest_ok"] and not figures["leftovers_after_cleanup"]
    assert figures["builds_after_cleanup"] <= 2


# --- the probes themselves -------------------------------------------------------------

PROBES = ["kill_ingest", "disk_full", "capped_ingest", "load_test", "ask_latency", "encoder_speed"]


@pytest.mark.parametrize("name", PROBES)
def test_each_probe_runs_as_a_module_from_any_folder(name, tmp_path):
    """`PYTHONPATH=evals python -m rehab_probes.<name> --help`, as the Makefile runs them, exits 0."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "evals"))
    result = subprocess.run(
        [sys.executable, "-m", f"rehab_probes.{name}", "--help"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_the_capped_ingest_child_runs_by_file_path(tmp_path):
    """The disk-full child needs no PYTHONPATH: stdlib and the installed assistant package only."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, str(common.CAPPED_INGEST), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_probes_name_no_private_function_of_the_assistant():
    """Measurement uses the public API and the stage hooks only, so renaming a private function breaks nothing."""
    for path in sorted((ROOT / "evals" / "rehab_probes").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assistant"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private and "._" not in node.module, (path.name, node.module, private)
            if isinstance(node, ast.Attribute):
                assert not node.attr.startswith("_") or node.attr.startswith("__"), (path.name, node.attr)
