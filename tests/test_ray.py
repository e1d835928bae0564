"""`assistant ingest --ray` on a real local Ray cluster (two CPU workers) started by the test on 127.0.0.1.

The index it builds must equal the local build of the seed corpus (conftest's seed index): same
documents and chunk ids, vectors equal within the encoders' determinism, the same answers to the
gold questions. The cluster is bound to loopback and stopped at the end (its process group only).
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import SEED_CORPUS, require

from assistant.bench.children import child_env
from assistant.bench.serving import free_port, stop_server

pytestmark = [pytest.mark.ray, pytest.mark.slow]
ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def ray_cluster():
    """A Ray head with 2 CPUs on 127.0.0.1 (no dashboard, small object store, its own token): (address, env)."""
    require("ray", importlib.util.find_spec("ray") is not None, 'pip install -e ".[cluster]" (the dev extra has it)')
    from assistant.index.ray_embed import ray_environment

    folder = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))  # short: Ray's socket paths must stay under 108 bytes
    (folder / "token").write_text(secrets.token_hex(32))
    port = free_port()
    env = child_env() | ray_environment() | {"RAY_AUTH_TOKEN_PATH": str(folder / "token")}
    command = [str(Path(sys.executable).parent / "ray"), "start", "--head", "--node-ip-address=127.0.0.1",
               f"--port={port}", "--num-cpus=2", "--include-dashboard=false", "--object-store-memory=100000000",
               "--disable-usage-stats", f"--temp-dir={folder / 'tmp'}", "--block"]  # fmt: skip
    log = open(folder / "head.log", "w")
    head = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert head.poll() is None, (folder / "head.log").read_text()[-1000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the Ray head did not listen within 60 s"
                time.sleep(0.3)
        yield f"127.0.0.1:{port}", env, head
    finally:
        stop_server(head, timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_ray_ingest_writes_the_same_index_as_a_local_ingest(ray_cluster, seed_settings, tmp_path):
    address, env, head = ray_cluster
    env = {k: v for k, v in env.items() if k != "ASSISTANT_CONFIG"} | {"ASSISTANT_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "assistant.cli", "ingest", "--corpus", str(SEED_CORPUS), "--index",
               str(tmp_path / "index"), "--ray", address, "--ray-workers", "2", "--quiet"]  # fmt: skip
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "by 2 worker(s)" in done.stdout and " 0 already cached" in done.stdout, done.stdout
    assert "| embedded 0 |" in done.stdout, done.stdout  # the build found every vector Ray had embedded

    check_loopback_only(head.pid)
    from assistant.index.read import load_index

    local, remote = load_index(seed_settings.index_dir), load_index(tmp_path / "index")
    assert [c.id for c in remote.chunks] == [c.id for c in local.chunks]
    assert remote.documents.keys() == local.documents.keys()
    for a, b in ((local.dense, remote.dense), (local.multilingual.dense, remote.multilingual.dense)):
        assert np.allclose(a.reconstruct_n(0, a.ntotal), b.reconstruct_n(0, b.ntotal), atol=1e-5)
    assert np.allclose(local.sentence_vectors, remote.sentence_vectors, atol=1e-5)
    assert np.allclose(local.multilingual.sentence_vectors, remote.multilingual.sentence_vectors, atol=1e-5)
    assert local.multilingual.translations == remote.multilingual.translations

    from assistant import Assistant
    from assistant.evaluation.gold import load_gold

    ours = Assistant.load(seed_settings.index_dir, seed_settings)
    theirs = Assistant.load(tmp_path / "index", seed_settings.with_overrides(index_dir=tmp_path / "index"))
    questions = [it["question"] for it in load_gold(ROOT / "evals" / "gold.jsonl") if not it["history"]]
    assert len(questions) > 50
    differ = [q for q in questions if ours.ask(q).to_dict() != theirs.ask(q).to_dict()]
    assert differ == []


def check_loopback_only(pid: int) -> None:
    """Every socket the Ray head's processes listen on is bound to 127.0.0.1."""
    import psutil

    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    listening = []
    for p in processes:
        try:
            listening += [c.laddr.ip for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        except psutil.NoSuchProcess:
            continue
    assert listening and all(ip in ("127.0.0.1", "::ffff:127.0.0.1") for ip in listening), json.dumps(listening)
