"""Start-up helpers for measuring a running app: a free local port, waiting for it, stopping it.

The one copy the benchmark, the tests and the evals scripts share. Standard library only. A free port,
stopping a process group and `ServerNotReady` live in the product (assistant.serving.processes, which
the replicas launcher uses) and are named here too.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path

from ..serving.processes import ServerNotReady, free_port, stop_server

__all__ = ["ServerNotReady", "free_port", "stop_server", "wait_for_server"]


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
