"""A served app keeps answering, and answering right, while `assistant ingest` swaps new builds into its index folder.

A real `python app.py` serves a copy of the seed index; a thread asks it a known question through
/ask without pause while three ingests run on the same folder, each after a change to the corpus, so
each writes a new build, points CURRENT at it and removes the builds before the last but one. The first
two ingests (`assistant ingest --rebuild`, run by tests/ingest_child.py) wait at the "pointer" stage,
their new build complete beside the live one, until the app has answered twice more, so answers provably
fall inside the swap; the third is a plain `python -m assistant.cli ingest --rebuild`. Every answer,
during and after, must quote the right date; none may fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import ingest_child
import pytest
from helpers import SEED_CORPUS

from assistant.bench.serving import free_port, stop_server, wait_for_server
from assistant.index.layout import CURRENT, read_manifest

ROOT = Path(__file__).parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.filterwarnings("ignore:::gradio.queueing")]

QUESTION = "When was Leon Trotsky rehabilitated?"
EXPECTED = "16 June 2001"
MAX_ASKS = 2000  # the asking thread stops here at the latest
WAIT = 300.0  # seconds any one step may take before the test gives up on it


def right(result) -> bool:
    return isinstance(result, dict) and result.get("abstained") is False and EXPECTED in result.get("text", "")


class Asker(threading.Thread):
    """Asks QUESTION through /ask again and again, recording every result or exception, until stopped."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.results: list = []
        self.stop = threading.Event()

    def run(self):
        from gradio_client import Client

        client = Client(self.url, verbose=False)
        while not self.stop.is_set() and len(self.results) < MAX_ASKS:
            try:
                self.results.append(client.predict(QUESTION, api_name="/ask"))
            except Exception as exc:  # any failure is recorded and fails the test
                self.results.append(exc)

    def wait_for_more(self, count: int) -> None:
        """Block until `count` more results than now are in."""
        goal = len(self.results) + count
        deadline = time.monotonic() + WAIT
        while len(self.results) < goal:
            assert self.is_alive(), f"the asking thread stopped after {len(self.results)} results"
            assert time.monotonic() < deadline, f"only {len(self.results)} of {goal} answers within {WAIT:.0f} s"
            time.sleep(0.05)


@pytest.fixture
def live(tmp_path, seed_settings):
    """A copy of the seed corpus, index and cache, and the environment that points app and CLI at them."""
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    for path in (tmp_path / "corpus").iterdir():
        path.chmod(0o644)
    shutil.copytree(seed_settings.index_dir, tmp_path / "index")
    shutil.copytree(seed_settings.cache_dir, tmp_path / "cache")
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(tmp_path / "corpus"),
        "ASSISTANT_CACHE_DIR": str(tmp_path / "cache"),
        "ASSISTANT_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",  # one client asks without pause: the limit is not under test here
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("ASSISTANT_CONFIG", None)
    env.pop("ASSISTANT_INDEX_DIR", None)
    return tmp_path, env


def live_build(index: Path) -> str:
    return (index / CURRENT).read_text(encoding="utf-8").strip()


def builds(index: Path) -> set[str]:
    return {p.name for p in index.iterdir() if p.is_dir() and p.name.startswith("build-")}


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out, err


@pytest.mark.timeout(900)
def test_the_app_answers_right_throughout_an_index_swap(live):
    root, env = live
    index, corpus = root / "index", root / "corpus"
    first = live_build(index)
    documents = read_manifest(index)[1]["counts"]["documents"]
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = root / "app.log"
    with open(log, "w") as out:
        app = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--index", str(index)],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    asker, ingest = Asker(url), None
    try:
        wait_for_server(url, app, log, timeout=WAIT)
        assert "needs building" not in log.read_text(), "the app should serve the copied index as it is"
        asker.start()
        asker.wait_for_more(3)  # answering before any ingest
        seen = [first]
        for round_ in (1, 2, 3):
            (corpus / f"reading-room-{round_}.txt").write_text(
                f"= Reading room {round_} =\n\nThe archive's reading room number {round_} opened to visitors "
                f"in {1990 + round_} and holds registers of the regional commissions.\n",
                encoding="utf-8",
            )
            before = len(asker.results)
            cli = ["ingest", "--rebuild", "--quiet", "--corpus", str(corpus), "--index", str(index)]
            if round_ < 3:  # paused with its new build complete beside the live one, until the app answers twice
                marker, go = root / f"reached-{round_}", root / f"go-{round_}"
                argv = ingest_child.command("pointer", marker, "cli", *cli, go=go)
                ingest = subprocess.Popen(
                    argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
                deadline = time.monotonic() + WAIT
                while not marker.exists():
                    assert ingest.poll() is None, f"ingest {round_} ended before the swap: {finish(ingest)}"
                    assert time.monotonic() < deadline, f"ingest {round_} did not reach the swap"
                    time.sleep(0.05)
                assert any(index.glob(f".tmp-build-*-{ingest.pid}-*")), "the new build waits beside the live one"
                asker.wait_for_more(2)
                go.touch()
            else:
                ingest = subprocess.Popen(
                    [sys.executable, "-m", "assistant.cli", *cli],
                    cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                )  # fmt: skip
            code, out, err = finish(ingest)
            assert code == 0, err
            assert f"documents {documents + round_} |" in out, out  # the new file was read
            now = live_build(index)
            assert now not in seen and (index / now).is_dir(), f"ingest {round_} swapped in a new build"
            seen.append(now)
            assert builds(index) == set(seen[-2:]), "older builds are removed, the one before the live one kept"
            assert not any(p.name.startswith(".tmp-") for p in index.iterdir())
            asker.wait_for_more(2)  # and answering after it
            assert len(asker.results) - before >= (4 if round_ < 3 else 2)
        assert first not in builds(index), "the build the app loaded was removed while it served"
        asker.wait_for_more(3)
    finally:
        if ingest is not None and ingest.poll() is None:  # a round that failed midway
            ingest.kill()
            ingest.wait()
        asker.stop.set()
        asker.join(timeout=WAIT)
        stop_server(app)
    failed = [
        r if isinstance(r, Exception) else (r.get("abstained"), r.get("text", "")[:200])
        for r in asker.results
        if not right(r)
    ]
    assert not failed, f"{len(failed)} of {len(asker.results)} answers were wrong or failed: {failed[:3]}"
    assert len(asker.results) >= 16  # 3 before, 2 + 2, 2 + 2 and 2 in the rounds, 3 after
