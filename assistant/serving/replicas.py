"""Replicas of app.py behind Debian's nginx on 127.0.0.1: `make serve-replicas`, and the bench, tests and probes.

    python -m assistant.serving.replicas [--replicas 2] [--port 8080] [--index index]

Starts N `app.py` processes (each `ASSISTANT_REPLICA=1`: it never builds the index and, when it
cannot load it, answers 503; `ASSISTANT_TRUSTED_PROXIES=127.0.0.1`, so the rate limits count the
client nginx names), waits for each to answer, then nginx with deploy/nginx/assistant.conf filled
in, in a scratch folder of its own (config, pid, logs, temp files). Other settings reach the
replicas as `ASSISTANT_<SETTING>` variables.

Stopping: each child runs in a process group of its own, so only the launcher hears a terminal's
Ctrl-C, a `kill`, a script's or a supervisor's signal. SIGTERM, SIGINT and SIGHUP (a closed terminal)
all make it stop nginx and every replica, wait for them, remove the scratch folder and exit 0; so
does a replica or nginx ending by itself, but with exit 1, saying which, and the scratch folder's logs
kept. Should the launcher be killed outright (SIGKILL), Linux sends each child SIGTERM itself
(PR_SET_PDEATHSIG), so nothing is left holding the port (the scratch folder stays then).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from ..config import set_offline_environment
from .processes import ServerNotReady, die_with_parent, free_port, stop_server

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TEMPLATE = ROOT / "deploy" / "nginx" / "assistant.conf"
SERVER_LINE = "    server 127.0.0.1:{port} max_fails=1 fail_timeout={fail_timeout}s;"
MAIN_CONF = """worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_buffer_size 1m;  # bodies and answers stay in memory: the workers (another user) write no temp files
    proxy_max_temp_file_size 0;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
{snippet}
}}
"""


@dataclass
class Replica:
    """One app.py process: its port, process and log file."""

    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    """N replicas and the nginx in front of them, all in `folder`."""

    folder: Path
    port: int
    replicas: list[Replica] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def nginx_binary() -> str:
    """Debian's nginx, or an error naming the fix."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)
    if not found:
        raise ServerNotReady("nginx is not installed: `apt-get install -y nginx` (make serve-replicas does it)")
    return found


def nginx_config(folder: Path, listen: int, ports: list[int], fail_timeout: int = 10) -> str:
    """deploy/nginx/assistant.conf for these replica ports, inside a main config kept in `folder`."""
    servers = "\n".join(SERVER_LINE.format(port=p, fail_timeout=fail_timeout) for p in ports)
    text = TEMPLATE.read_text(encoding="utf-8")
    values = {"listen": f"127.0.0.1:{listen}", "api_servers": servers, "page_servers": servers}
    assert all(f"${{{k}}}" in text for k in values), f"{TEMPLATE} lost a placeholder"
    snippet = Template(text).safe_substitute(values)  # nginx's own $variables stay as they are
    return MAIN_CONF.format(folder=folder, snippet=snippet)


def start_replica(port: int, folder: Path, index_dir: Path, env: dict | None = None, tied: bool = False) -> Replica:
    """app.py on 127.0.0.1:port as a replica of `index_dir` (not waited for); `tied`: it dies with this process."""
    set_offline_environment()
    variables = dict(os.environ) | {
        "ASSISTANT_INDEX_DIR": str(index_dir),
        "ASSISTANT_REPLICA": "true",
        "ASSISTANT_TRUSTED_PROXIES": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    variables.update(env or {})
    log = folder / f"replica-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(APP), "--host", "127.0.0.1", "--port", str(port)],
            env=variables,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent if tied else None,
        )
    return Replica(port, proc, log)


def health(url: str, timeout: float = 2) -> tuple[int, dict]:
    """(status, body) of GET url/api/v1/health; (0, {}) when nothing answers."""
    try:
        with urllib.request.urlopen(f"{url}/api/v1/health", timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except (OSError, ValueError):
        return 0, {}


def wait_answering(replica: Replica, timeout: float = 120) -> int:
    """Wait until the replica answers its health check at all (200 ready, 503 not); the status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if replica.proc.poll() is not None:
            tail = replica.log.read_text(errors="replace")[-500:]
            raise ServerNotReady(f"replica on port {replica.port} exited with {replica.proc.returncode}: {tail}")
        status, _ = health(replica.url)
        if status:
            return status
        time.sleep(0.1)
    raise ServerNotReady(f"replica on port {replica.port} did not answer within {timeout:.0f} s")


def start_nginx(cluster: Cluster, fail_timeout: int = 10, tied: bool = False) -> None:
    """nginx in front of the cluster's replicas, in the foreground of its own process group."""
    folder = cluster.folder
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(folder, cluster.port, [r.port for r in cluster.replicas], fail_timeout))
    command = [nginx_binary(), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if check.returncode:
        raise ServerNotReady(f"nginx rejected {conf}: {check.stderr.strip()}")
    cluster.nginx = subprocess.Popen([*command, "-g", "daemon off;"], stdin=subprocess.DEVNULL, start_new_session=True,
                                     preexec_fn=die_with_parent if tied else None)  # fmt: skip
    deadline = time.monotonic() + 15
    while not health(cluster.url)[0]:
        if cluster.nginx.poll() is not None or time.monotonic() > deadline:
            raise ServerNotReady(f"nginx did not start: {(folder / 'error.log').read_text(errors='replace')[-500:]}")
        time.sleep(0.05)


def start_cluster(
    index_dir: Path,
    replicas: int = 2,
    port: int | None = None,
    folder: Path | None = None,
    env: dict | None = None,
    replica_env: dict[int, dict] | None = None,
    fail_timeout: int = 10,
    tied: bool = False,
) -> Cluster:
    """N replicas of `index_dir` (replica i also gets `replica_env[i]`) and nginx on 127.0.0.1; stop with stop_cluster.

    `tied`: every child is sent SIGTERM by Linux when the thread that started it ends (the launcher's own use).
    """
    folder = Path(folder or tempfile.mkdtemp(prefix="assistant-replicas-"))
    folder.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(folder, port or free_port())
    try:
        for i in range(replicas):
            extra = {**(env or {}), **((replica_env or {}).get(i) or {})}
            cluster.replicas.append(start_replica(free_port(), folder, Path(index_dir).resolve(), extra, tied))
        for replica in cluster.replicas:
            wait_answering(replica)
        start_nginx(cluster, fail_timeout, tied)
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    """Stop nginx, then every replica still running."""
    if cluster.nginx is not None:
        stop_server(cluster.nginx)
    for replica in cluster.replicas:
        stop_server(replica.proc)


class Stopped(BaseException):
    """A stop signal reached the launcher (a BaseException, like KeyboardInterrupt, so no `except Exception` eats it)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.name = signal.Signals(signum).name


def _stop(signum, frame) -> None:
    for other in STOP_SIGNALS:  # the first signal starts the stop; a second Ctrl-C must not cut it short
        signal.signal(other, signal.SIG_IGN)
    raise Stopped(signum)


def serve_until_stopped(cluster: Cluster) -> int:
    """Wait until a stop signal or a child ending by itself, then stop every child; 0 for a signal, else 1."""
    code, reason = 1, ""
    try:
        while True:
            ended = [f"replica {r.url} (exit {r.proc.returncode}, log {r.log})" for r in cluster.replicas if r.proc.poll() is not None]
            if cluster.nginx.poll() is not None:
                ended.append(f"nginx (exit {cluster.nginx.returncode}, log {cluster.folder / 'error.log'})")
            if ended:
                reason = "ended by itself: " + "; ".join(ended)
                break
            time.sleep(0.5)
    except Stopped as stop:
        code, reason = 0, stop.name
    finally:
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        stop_cluster(cluster)
    if code == 0:  # asked to stop: the scratch folder (config, logs) goes too; after a failure its logs stay
        shutil.rmtree(cluster.folder, ignore_errors=True)
    else:
        reason += f"; logs kept in {cluster.folder}"
    print(f"stopped ({reason}): nginx and {len(cluster.replicas)} replicas", file=sys.stderr if code else sys.stdout, flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.serving.replicas", description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    parser.add_argument("--index", type=Path, default=Path("index"))
    args = parser.parse_args(argv)
    for signum in STOP_SIGNALS:  # before anything starts: a signal during start-up stops what has started
        signal.signal(signum, _stop)
    try:
        cluster = start_cluster(args.index, args.replicas, args.port, tied=True)
    except ServerNotReady as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Stopped as stop:  # start_cluster stopped what it had started
        print(f"stopped ({stop.name}) while starting", flush=True)
        return 0
    for replica in cluster.replicas:
        print(f"replica {replica.url} (pid {replica.proc.pid}, log {replica.log})")
    print(f"nginx {cluster.url} (pid {cluster.nginx.pid}): the page at /, the API at /api/v1/ "
          "(Ctrl-C, SIGTERM or SIGHUP stops all)", flush=True)  # fmt: skip
    return serve_until_stopped(cluster)


if __name__ == "__main__":
    sys.exit(main())
