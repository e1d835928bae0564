"""Starting and stopping server processes: a free local port, a process group stopped whole, and the error
for a server that never answered. Standard library only; the benchmark and the tests use these too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess


class ServerNotReady(RuntimeError):
    """The server exited, or did not answer, before it was ready."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on host:port (a fresh bind succeeds)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed socket in TIME_WAIT does not count
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def stop_server(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the server's process group (started with start_new_session=True), SIGKILL if it lingers."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:  # it ended between poll and kill
            proc.wait()


def die_with_parent() -> None:
    """In a child before exec (`preexec_fn`): ask Linux to SIGTERM it when its parent dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the launcher's own signal handlers still stop its children
        pass
