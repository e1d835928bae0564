"""Replicas behind a real nginx on 127.0.0.1 (deploy/nginx/assistant.conf, assistant.serving.replicas).

Three replicas of the seed index: two healthy, one whose index is damaged (it must say not-ready
and nginx must route around it). Then slow clients that hold connections, then one healthy replica
killed in the middle of a load: the API keeps answering. Every answer is checked against a reference.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time
from pathlib import Path

import pytest
from conftest import require

from assistant.bench.api_load import ApiClient, reference_answers, run_load
from assistant.bench.serving import ServerNotReady
from assistant.index.layout import CURRENT
from assistant.serving.replicas import health, nginx_binary, start_cluster, stop_cluster

pytestmark = [pytest.mark.nginx, pytest.mark.server, pytest.mark.slow]
QUESTIONS = [
    "When did Russia rehabilitate Leon Trotsky?",
    "When were the Crimean Tatars decriminalized?",
    "Who publicly called for the rehabilitation of Yeghishe Charents?",
    "Когда был реабилитирован Троцкий?",
    "When was Nikolai Bukharin rehabilitated?",  # refused: a refusal must come back the same too
]


def nginx_present() -> bool:
    try:
        nginx_binary()
        return True
    except ServerNotReady:
        return False


@pytest.fixture(scope="module")
def cluster(seed_settings, tmp_path_factory):
    require("nginx", nginx_present(), "apt-get install -y nginx (the Makefile's test target installs it)")
    damaged = tmp_path_factory.mktemp("damaged") / "index"
    shutil.copytree(seed_settings.index_dir, damaged)
    build = damaged / (damaged / CURRENT).read_text().strip()
    data = bytearray((build / "dense.faiss").read_bytes())
    data[len(data) // 2] ^= 0x01
    (build / "dense.faiss").write_bytes(bytes(data))
    cluster = start_cluster(
        seed_settings.index_dir,
        replicas=3,
        env={"ASSISTANT_API_RATE_LIMIT_PER_MINUTE": "0", "ASSISTANT_FEEDBACK_PATH": str(damaged.parent / "fb.jsonl")},
        replica_env={2: {"ASSISTANT_INDEX_DIR": str(damaged)}},
        fail_timeout=5,
    )
    yield cluster
    stop_cluster(cluster)


@pytest.fixture(scope="module")
def reference(cluster):
    return reference_answers(cluster.replicas[0].url, QUESTIONS)


def test_the_index_is_memory_mapped_by_every_healthy_replica(cluster):
    for replica in cluster.replicas[:2]:
        maps = Path(f"/proc/{replica.proc.pid}/maps").read_text()
        assert "sentences.npy" in maps and "dense.faiss" in maps, replica.port


def test_a_replica_with_a_damaged_index_says_not_ready_and_nginx_routes_around_it(cluster, reference):
    status, body = health(cluster.replicas[2].url)
    assert status == 503 and body["ready"] is False and "assistant ingest --rebuild" in body["reason"]
    assert cluster.replicas[2].proc.poll() is None  # still up, saying why
    result = run_load(cluster.url, reference, clients=2, requests=40)
    assert (result.failed, result.wrong, result.answered) == (0, 0, 40), result.summary()


def test_the_page_is_served_through_nginx(cluster):
    client = ApiClient(cluster.url)
    status, _ = client.request("GET", "/")
    client.close()
    assert status == 200


def test_mcp_initialize_and_tools_list_pass_through_nginx(cluster):
    """The SDK's own client at nginx's /mcp: the handshake and the tool list come back, whichever replica nginx
    picks (the one with the damaged index answers 503 and nginx tries the next; it once answered 405 to a POST)."""
    import asyncio

    from mcp import Client

    async def session():
        async with Client(f"{cluster.url}/mcp", mode="legacy") as client:
            return client.server_info.name, sorted(tool.name for tool in (await client.list_tools()).tools)

    for _ in range(len(cluster.replicas)):  # round robin: each replica's turn comes
        assert asyncio.run(session()) == ("rehabilitation-assistant", ["ask", "document"])


def test_slow_clients_do_not_block_others(cluster, reference):
    """Fifty connections that send half a request and stall (bounded: 127.0.0.1, closed after the check)."""
    stalled = []
    try:
        for _ in range(50):
            s = socket.create_connection(("127.0.0.1", cluster.port), timeout=5)
            s.sendall(b"POST /api/v1/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 400\r\n\r\n{")
            stalled.append(s)
        result = run_load(cluster.url, reference, clients=2, requests=20)
        assert (result.failed, result.wrong, result.answered) == (0, 0, 20), result.summary()
    finally:
        for s in stalled:
            s.close()


def test_killing_a_replica_mid_load_loses_no_answers_once_nginx_marks_it_down(cluster, reference):
    victim = cluster.replicas[0]
    killed_at = []

    def kill_soon():
        time.sleep(1.5)
        killed_at.append(time.perf_counter())
        os.killpg(victim.proc.pid, signal.SIGKILL)

    import threading

    killer = threading.Thread(target=kill_soon)
    started = time.perf_counter()
    killer.start()
    result = run_load(cluster.url, reference, clients=4, seconds=5)
    killer.join()
    victim.proc.wait(timeout=10)
    kill_time = killed_at[0] - started
    after = [what for t, what in result.failures if t > kill_time + 0.5]
    print(f"load across the kill: {result.summary()} (killed at {kill_time:.2f} s)")
    assert result.answered > 20 and result.wrong == 0
    assert after == [], after  # none failed once nginx had marked the replica down
    assert result.failed <= 4, result.summary()  # at most the requests in flight at the kill (none, with retries)
    assert health(cluster.replicas[1].url)[0] == 200
