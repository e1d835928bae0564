"""Start-up helpers for measuring a running app: a free local port, waiting for it, stopping it.

The one copy the benchmark, the tests and the evals scripts share. Standard library only.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


class ServerNotReady(RuntimeError):
    """The server exited, or did not answer, before it was ready."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(
    url: str, proc: subprocess.Popen | None = None, log: Path | None = None, timeout: float = 180
) -> None:
    """Return once `url` answers 200; ServerNotReady if `proc` exits first (with `log`'s tail) or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = f": {Path(log).read_text(errors='replace')[-500:]}" if log and Path(log).is_file() else ""
            raise ServerNotReady(f"the server exited with code {proc.returncode} before answering on {url}{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise ServerNotReady(f"the server did not answer on {url} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the server's process group (started with start_new_session=True), SIGKILL if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
