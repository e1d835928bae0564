"""The replicas launcher (`make serve-replicas`) stops what it started: real nginx, two real replicas.

Each signal is sent to the launcher alone (`kill -TERM <pid>`, as a script or a supervisor does; a
terminal's Ctrl-C reaches the whole group and is tried in test_shipped.py). After it: the launcher has
exited, nginx and both replicas are gone, and the port is free, so the next case's launch on the same
port works. SIGKILL cannot be handled: Linux's parent-death signal stops the children then.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import require

from assistant.serving.processes import free_port, port_free, stop_server
from assistant.serving.replicas import health

ROOT = Path(__file__).parents[1]
PORT = free_port()  # one port for every case: each launch after the first is "a second launch" on it
pytestmark = [pytest.mark.nginx, pytest.mark.server, pytest.mark.slow]


def alive(pid: int) -> bool:
    """Whether a process still runs (a zombie waiting for its reaper does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _listeners(ports: list[int]) -> str:
    """Who listens on these ports, for the failure message."""
    done = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True)
    return " | ".join(line for line in done.stdout.splitlines() if any(f":{p} " in line for p in ports))


def launch(index_dir: Path, log: Path) -> tuple[subprocess.Popen, list[int], list[int]]:
    """The launcher as `make serve-replicas` runs it; (process, child pids, replica ports) once nginx answers."""
    out = open(log, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.serving.replicas", "--port", str(PORT), "--index", str(index_dir)],
        cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while "(Ctrl-C, SIGTERM or SIGHUP stops all)" not in log.read_text():
        assert proc.poll() is None, f"the launcher exited {proc.returncode}: {log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, log.read_text()[-2000:]
        time.sleep(0.2)
    text = log.read_text()
    pids = [int(p) for p in re.findall(r"\(pid (\d+)", text)]
    ports = [int(p) for p in re.findall(r"^replica http://127\.0\.0\.1:(\d+)", text, re.M)]
    assert len(pids) == 3 and len(ports) == 2, text
    return proc, pids, ports


@pytest.mark.timeout(600)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL], ids=lambda s: s.name)
def test_a_signal_to_the_launcher_alone_stops_nginx_and_both_replicas(signum, seed_settings, tmp_path):
    require("nginx", bool(shutil.which("nginx") or Path("/usr/sbin/nginx").is_file()), "apt-get install -y nginx (`make nginx`)")
    assert port_free(PORT), f"port {PORT} is still taken: the previous case left something running"
    log = tmp_path / "launcher.log"
    proc, pids, ports = launch(seed_settings.index_dir, log)
    scratch = Path(re.search(r"log (/\S+)/replica-\d+\.log", log.read_text()).group(1))
    try:
        status, body = health(f"http://127.0.0.1:{PORT}")
        assert status == 200 and body["ready"], body
        proc.send_signal(signum)  # the launcher alone, not its group
        proc.wait(timeout=120)
        deadline = time.monotonic() + 30  # after SIGKILL the children get their SIGTERM from the kernel
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [p for p in pids if alive(p)] == [], f"still running after {signum.name}: {log.read_text()[-1500:]}"
        while not all(port_free(p) for p in [PORT, *ports]) and time.monotonic() < deadline:
            time.sleep(0.2)  # nginx's workers (no pid of ours) close the listening socket a moment after their master
        held = [p for p in [PORT, *ports] if not port_free(p)]
        assert held == [], f"still held after {signum.name}: {held} ({_listeners(held)})"
        assert health(f"http://127.0.0.1:{PORT}")[0] == 0, "port still answering"
        if signum != signal.SIGKILL:
            assert proc.returncode == 0, log.read_text()[-1500:]
            assert f"stopped ({signum.name}): nginx and 2 replicas" in log.read_text()
            assert "Traceback" not in log.read_text()
            assert not scratch.exists(), "its scratch folder (config, logs) is removed on a clean stop"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # SIGKILL leaves it: nothing could remove it
        stop_server(proc)
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
