"""`assistant ingest` and `assistant info`: summaries, warnings, clean errors, and builds that are killed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import ingest_child
import pytest
from helpers import DAMAGE, SEED_CORPUS, settings_for, write_corpus

from assistant.cli import main
from assistant.index.build import build_index, ingest_lock
from assistant.index.layout import CURRENT, read_manifest
from assistant.index.read import load_index
from assistant.index.status import corpus_hashes

SUMMARY = re.compile(
    r"^documents (\d+) \| chunks (\d+) \| sentences (\d+) \| skipped files (\d+) \| "
    r"embedded (\d+) \| reused (\d+) \| \d+\.\d s$",
    re.M,
)


def summary(out: str) -> dict[str, int]:
    match = SUMMARY.search(out)
    assert match, out
    keys = ("documents", "chunks", "sentences", "skipped", "embedded", "reused")
    return dict(zip(keys, map(int, match.groups()), strict=True))


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


# --- in-process: the summary, warnings, info ---------------------------------------------


def test_ingest_prints_the_summary_then_embeds_nothing_the_second_time(cli_env, capsys):
    files = {
        "memorial.md": "# Memorial\n\nMemorial was founded in 1989. It was closed in 2021.\n",
        "butovo.txt": "Butovo is a former firing range near Moscow.\n",
        "notes.docx": b"PK",
        "empty.md": b"",
    }
    corpus = write_corpus(cli_env / "corpus", files)
    args = ["ingest", "--quiet", "--corpus", str(corpus), "--index", str(cli_env / "index")]
    assert main(args) == 0
    out, err = capsys.readouterr()
    first = summary(out)
    assert first["documents"] == 2 and first["skipped"] == 2 and first["reused"] == 0
    vectors = first["chunks"] + first["sentences"]
    assert vectors > 0 and first["embedded"] == 2 * vectors  # each chunk and sentence by MiniLM and by e5
    assert "warning: skipped notes.docx: unsupported file type '.docx'" in err
    assert "warning: skipped empty.md: empty file" in err
    assert main(args) == 0
    out, _ = capsys.readouterr()
    assert "is up to date" in out
    second = summary(out)
    # an up-to-date ingest reuses every vector of the live build, e5 copies included
    assert second["embedded"] == 0 and second["reused"] == 2 * vectors
    assert (cli_env / "cli-cache" / "embeddings.sqlite").is_file()  # ASSISTANT_CACHE_DIR was honoured


def test_info_shows_model_counts_and_staleness(cli_env, capsys, seed_settings):
    corpus = shutil.copytree(SEED_CORPUS, cli_env / "corpus")
    index = cli_env / "index"
    shutil.copytree(seed_settings.index_dir, index)
    args = ["info", "--corpus", str(corpus), "--index", str(index)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "model      sentence-transformers/all-MiniLM-L6-v2 (384 dimensions, max 256 tokens)" in out
    counts = read_manifest(index)[1]["counts"]
    assert (
        f"holds      {counts['documents']} documents, {counts['chunks']} chunks, {counts['sentences']} sentences" in out
    )
    assert "status     up to date with the corpus" in out and "STALE" not in out
    (corpus / "kazakhstan-state-commission.txt").write_text("Changed.", encoding="utf-8")
    (corpus / "added.md").write_text("# Added\n\nNew.", encoding="utf-8")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert (
        "status     STALE: 2 corpus file(s) added, changed or removed (added.md, kazakhstan-state-commission.txt)"
        in out
    )
    assert "run `assistant ingest` to update it." in out


def test_info_without_an_index_says_how_to_build_one(cli_env, capsys):
    assert main(["info", "--corpus", str(SEED_CORPUS), "--index", str(cli_env / "none")]) == 1
    assert "run `assistant ingest` to build it" in capsys.readouterr().out


@pytest.mark.parametrize(
    "corpus, message",
    [
        ("missing", "does not exist; create it and add .txt, .md, .html or .pdf files"),
        ("unreadable", "No readable documents in"),
    ],
)
def test_ingest_of_a_bad_corpus_is_one_clear_line(cli_env, capsys, corpus, message):
    if corpus == "unreadable":
        write_corpus(cli_env / corpus, {"a.txt": b"\x00\x00\x00", "b.doc": b"x"})
    assert main(["ingest", "--quiet", "--corpus", str(cli_env / corpus), "--index", str(cli_env / "index")]) == 2
    assert message in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "kind", ["bit-flipped dense.faiss", "truncated chunks.jsonl", "manifest without model", "CURRENT names nothing"]
)
def test_asking_a_damaged_index_is_one_clear_line(cli_env, capsys, seed_settings, kind):
    index = shutil.copytree(seed_settings.index_dir, cli_env / "index")
    DAMAGE[kind](read_manifest(index)[0], index)
    assert main(["ask", "--index", str(index), "Who was rehabilitated?"]) == 2
    assert "assistant ingest" in one_error_line(capsys.readouterr().err)


def test_asking_with_another_model_is_refused(cli_env, capsys, seed_settings, monkeypatch):
    index = shutil.copytree(seed_settings.index_dir, cli_env / "index")
    monkeypatch.setenv("ASSISTANT_MODEL", "some-other-model")
    assert main(["ask", "--index", str(index), "Who was rehabilitated?"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "built with model sentence-transformers/all-MiniLM-L6-v2" in line and "assistant ingest --rebuild" in line


# --- real processes ----------------------------------------------------------------------


class Ingest:
    """An ingest in its own process, its stdout and stderr collected as they come.

    Without argv it is `python -m assistant.cli ingest` on settings' folders (plus `extra`).
    """

    def __init__(self, settings, *extra: str, argv: list[str] | None = None):
        env = dict(os.environ, ASSISTANT_CACHE_DIR=str(settings.cache_dir), PYTHONUNBUFFERED="1")
        env.pop("ASSISTANT_CONFIG", None)
        self.index = settings.index_dir
        argv = argv or [sys.executable, "-m", "assistant.cli", *ingest_args(settings), *extra]
        self.proc = subprocess.Popen(
            argv, cwd=settings.index_dir.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.out, self.err = b"", b""
        self.readers = [threading.Thread(target=self._read, args=(name,), daemon=True) for name in ("out", "err")]
        for reader in self.readers:
            reader.start()

    def _read(self, name: str):
        stream = self.proc.stdout if name == "out" else self.proc.stderr
        while chunk := os.read(stream.fileno(), 4096):
            setattr(self, name, getattr(self, name) + chunk)

    def wait_for(self, condition, timeout: float = 300) -> bool:
        """Poll until condition() holds (True) or the process ends first (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.proc.poll() is not None:
                return condition()
            time.sleep(0.02)
        raise AssertionError(f"timed out; stderr so far: {self.err[-2000:]!r}")

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        self.proc.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=10)
        return self.proc.returncode, self.out.decode(), self.err.decode(errors="replace")

    def temp_build(self) -> Path | None:
        """The half-written build of this process (`.tmp-build-<time>-<pid>-<hex>`), if there is one."""
        found = list(self.index.glob(f".tmp-build-*-{self.proc.pid}-*"))
        assert len(found) <= 1, found
        return found[0] if found else None


def ingest_args(settings) -> list[str]:
    return ["ingest", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]


def stopped_ingest(settings, stage: str, mode: str, after: bool = False) -> Ingest:
    """An ingest (ingest_child.py) that has reached `stage` and waits there for a signal.

    mode "build" calls build_index(settings, rebuild=True, hook=...); mode "cli" runs the `assistant
    ingest --rebuild` command (assistant.cli.main) with the same hook. The marker file the hook
    writes proves the moment was reached; the process cannot finish the build on its own from there.
    """
    marker = settings.index_dir.parent / "reached"
    rest = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    if mode == "cli":
        rest = [*ingest_args(settings), "--rebuild"]
    ingest = Ingest(settings, argv=ingest_child.command(stage, marker, mode, *rest, after=after))
    reached = ingest.wait_for(marker.exists)
    assert reached, f"the ingest ended (code {ingest.proc.returncode}) before {stage}: {ingest.err[-2000:]!r}"
    return ingest


# When a stage of the write starts, the new build's temp folder holds the files of the stages before it
# (at least these) and not yet the file the stage writes.
BUILT = ["documents.jsonl", "chunks.jsonl", "sentences.npy", "dense.faiss", "bm25", "manifest.json"]
WRITES = {"dense": "dense.faiss", "bm25": "bm25", "manifest": "manifest.json", "pointer": None}


def check_the_moment(ingest: Ingest, stage: str, after: bool) -> None:
    """The index folder shows the ingest stopped where it was told to: nothing written yet, half a build, or swapped."""
    tmp = ingest.temp_build()
    if stage == "embed":
        assert tmp is None, "no build is written while embedding"
    elif stage == "pointer" and after:
        assert tmp is None
        live = (ingest.index / CURRENT).read_text(encoding="utf-8").strip()
        assert f"-{ingest.proc.pid}-" in live, "CURRENT already names the new build"
    else:
        assert tmp is not None, f"the new build is being written at {stage}"
        present = {p.name for p in tmp.iterdir()}
        done = BUILT[: BUILT.index(WRITES[stage])] if WRITES[stage] else BUILT
        assert set(done) <= present and WRITES[stage] not in present, present


NEW_TEXT = "".join(
    f"In the year {1950 + i} the commission of region number {i} reviewed {100 + 7 * i} more files.\n"
    for i in range(120)
)  # enough new text that the build has something to embed


@pytest.fixture(scope="module")
def versions(tmp_path_factory, seed_settings, encoder):
    """The seed corpus indexed with a cache of its vectors (old), and the chunks of a whole build of it plus NEW_TEXT.

    Returns (settings of the old build, the changed corpus, the new build's chunks). The old cache is
    copied before the new build, so an ingest of the changed corpus with it has text to embed.
    """
    root = tmp_path_factory.mktemp("versions")
    shutil.copytree(SEED_CORPUS, root / "old" / "corpus")
    shutil.copytree(seed_settings.cache_dir, root / "old" / "cache")
    old = settings_for(root / "old", root / "old" / "corpus")
    build_index(old, encoder=encoder)
    shutil.copytree(old.corpus_dir, root / "new" / "corpus")
    shutil.copytree(old.cache_dir, root / "new" / "cache")
    (root / "new" / "corpus" / "regional-commissions.txt").write_text(
        "= Regional commissions =\n\n" + NEW_TEXT, encoding="utf-8"
    )
    new = settings_for(root / "new", root / "new" / "corpus")
    build_index(new, encoder=encoder)
    return old, new.corpus_dir, load_index(new.index_dir).chunks


@pytest.fixture
def changed(tmp_path, versions):
    """A private copy of the old build and cache whose corpus then changed: (settings, old index, new chunks)."""
    old_settings, new_corpus, new = versions
    shutil.copytree(old_settings.index_dir, tmp_path / "index")
    shutil.copytree(old_settings.cache_dir, tmp_path / "cache")
    shutil.copytree(new_corpus, tmp_path / "corpus")
    settings = settings_for(tmp_path, tmp_path / "corpus")
    old = load_index(settings.index_dir)
    assert [c.text for c in new] != [c.text for c in old.chunks]
    return settings, old, new


def assert_old_or_new(settings, old, new) -> str:
    """The live index is wholly the old build or wholly the new one, never a mix."""
    data = load_index(settings.index_dir)  # every checksum and count checked
    if data.path.name == old.path.name:
        assert data.chunks == old.chunks and data.manifest == old.manifest
        return "old"
    assert data.chunks == new and data.dense.ntotal == len(new)
    assert data.manifest["files"] == corpus_hashes(settings.corpus_dir)
    return "new"


def assert_next_ingest_cleans_up(settings, encoder, new) -> None:
    build_index(settings, encoder=encoder)
    leftovers = [p.name for p in settings.index_dir.iterdir() if p.name.startswith(".tmp-") or p.name == "CURRENT.tmp"]
    assert leftovers == []
    assert load_index(settings.index_dir).chunks == new


@pytest.mark.slow
@pytest.mark.timeout(300, func_only=True)  # fixtures aside: their builds
@pytest.mark.parametrize(
    "stage, after, outcome",
    [
        ("embed", False, "old"),  # the new text is being embedded
        ("dense", False, "old"),  # the new build is being written: documents, chunks and sentences are on disk
        ("bm25", False, "old"),
        ("manifest", False, "old"),
        ("pointer", False, "old"),  # the build is complete and fsynced but not renamed
        ("pointer", True, "new"),  # CURRENT names the new build; old builds not yet removed
    ],
    ids=["embedding", "before-dense", "before-bm25", "before-manifest", "before-pointer", "after-pointer"],
)
def test_a_build_killed_midway_leaves_a_whole_index(changed, encoder, stage, after, outcome):
    settings, old, new = changed
    ingest = stopped_ingest(settings, stage, "build", after)
    check_the_moment(ingest, stage, after)
    ingest.proc.send_signal(signal.SIGKILL)
    code, _, err = ingest.finish()
    assert code == -signal.SIGKILL, err
    assert assert_old_or_new(settings, old, new) == outcome
    assert_next_ingest_cleans_up(settings, encoder, new)


@pytest.mark.slow
@pytest.mark.timeout(300, func_only=True)  # fixtures aside: their builds
@pytest.mark.parametrize("stage", ["embed", "bm25", "pointer"], ids=["embedding", "writing", "before-pointer"])
def test_ctrl_c_mid_build_keeps_the_old_index_and_says_so(changed, encoder, stage):
    """`assistant ingest --rebuild` (assistant.cli.main) interrupted at a known stage: exit 130, one line, old index."""
    settings, old, new = changed
    ingest = stopped_ingest(settings, stage, "cli")
    check_the_moment(ingest, stage, after=False)
    ingest.proc.send_signal(signal.SIGINT)
    code, out, err = ingest.finish()
    assert code == 130, err
    assert err.strip().splitlines()[-1] == "interrupted; the previous index is unchanged."
    assert "Traceback" not in err and not SUMMARY.search(out)
    assert assert_old_or_new(settings, old, new) == "old"
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith(".tmp-")]  # removed on the way out
    assert_next_ingest_cleans_up(settings, encoder, new)


@pytest.mark.slow
def test_second_ingest_process_is_refused_while_one_runs(changed):
    settings, old, _ = changed
    with ingest_lock(settings.index_dir):
        code, out, err = Ingest(settings, "--quiet").finish()
    assert code == 2 and out == ""
    assert "Another ingest is writing" in one_error_line(err)
    assert load_index(settings.index_dir).chunks == old.chunks


@pytest.mark.slow
def test_damaged_index_error_in_a_real_process_has_no_traceback(tmp_path, seed_settings):
    index = shutil.copytree(seed_settings.index_dir, tmp_path / "index")
    DAMAGE["bit-flipped sentences.npy"](read_manifest(index)[0], index)
    env = dict(os.environ, ASSISTANT_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--index", str(index), "Who was rehabilitated?"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stdout == ""
    line = one_error_line(proc.stderr)
    assert "sentences.npy is damaged (checksum mismatch)" in line and "assistant ingest --rebuild" in line
