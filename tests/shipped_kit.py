"""What the "as shipped" tier (tests/test_shipped.py) shares: a fresh clone, the README's commands, processes.

The clone is `git clone` of this checkout into a temp folder, so it holds what is committed, nothing
else. Three things are borrowed, to keep the tier to minutes rather than a fresh install's quarter hour:
- `.venv` is a folder of symlinks to the venv running the tests (its packages), with fresh `make`
  stamps of its own, so `make run` finds it installed and never reinstalls into the shared venv;
  PYTHONPATH names the clone, so the clone's own code runs (the venv's editable install points here);
- `.cache/embeddings.sqlite` starts as a copy of the test session's embedding cache (vectors keyed by
  model and text), so `assistant ingest` reuses vectors instead of embedding for minutes;
- the ONNX exports are the machine's (`~/.cache/rehabilitation-assistant/onnx`), as for any clone.
Every other variable a user's shell would not have is removed: no ASSISTANT_* (but the curator's
password where the console runs), no HF_HUB_OFFLINE or GRADIO_ANALYTICS_ENABLED (the project sets them).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.serving.processes import port_free, stop_server

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
SHELL_ONLY = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "GRADIO_ANALYTICS_ENABLED",
              "TOKENIZERS_PARALLELISM", "VIRTUAL_ENV", "PYTHONPATH")  # fmt: skip
STAMPS = (".installed", ".installed-dev", ".installed-eval")


@dataclass(frozen=True)
class Clone:
    root: Path
    env: dict  # a user's shell in the clone: no ASSISTANT_* at all

    def run(self, command: str, timeout: float = 900, **env) -> subprocess.CompletedProcess:
        """A shell command line in the clone's root, as a user types it."""
        return subprocess.run(["bash", "-c", command], cwd=self.root, env=self.env | env, capture_output=True,
                              text=True, timeout=timeout)  # fmt: skip

    def start(self, command: str, log: Path, **env) -> subprocess.Popen:
        """A long-running command in its own process group (a terminal's job), output to `log`."""
        with open(log, "w") as out:
            return subprocess.Popen(["bash", "-c", command], cwd=self.root, env=self.env | env, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip

    def git_status(self) -> list[str]:
        return self.run("git status --porcelain --untracked-files=all").stdout.splitlines()


def make_clone(dest: Path, embedding_cache: Path | None) -> Clone:
    """A fresh clone of this checkout with the borrowed venv and embedding cache described above."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True)
    venv = dest / ".venv"
    venv.mkdir()
    for entry in Path(sys.prefix).iterdir():
        if entry.name not in STAMPS:
            (venv / entry.name).symlink_to(entry)
    past = time.time() - 60
    os.utime(dest / "pyproject.toml", (past, past))  # older than the stamps: make sees the venv installed
    for stamp in STAMPS:
        (venv / stamp).touch()
    if embedding_cache is not None and embedding_cache.is_file():
        (dest / ".cache").mkdir()
        shutil.copyfile(embedding_cache, dest / ".cache" / "embeddings.sqlite")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") and k not in SHELL_ONLY}
    env["PYTHONPATH"] = str(dest)
    return Clone(dest, env)


def documented(prefix: str) -> str:
    """The README's command line that starts with `prefix` (inside a ```sh block), its trailing comment dropped."""
    in_sh = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_sh = line.strip() == "```sh"
            continue
        if in_sh and line.startswith(prefix):
            return re.sub(r"\s+#.*$", "", line).strip()
    raise AssertionError(f"the README documents no command starting with {prefix!r}")


def documented_output(after: str) -> str:
    """The first plain ``` block that follows the ```sh block holding `after` (what the README says you will see)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(after)
    match = re.search(r"\n```\n(.*?)\n```", text[start:], re.S)
    assert match, f"no output block after {after!r}"
    return match.group(1)


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 600, status: int = 200) -> None:
    """Wait until url answers `status`; fail with the log's tail if the process ends first."""
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, f"exited with {proc.returncode}: {log.read_text(errors='replace')[-3000:]}"
        try:
            if httpx.get(url, timeout=5).status_code == status:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer: {log.read_text(errors='replace')[-3000:]}"
        time.sleep(0.5)


def require_free(*ports: int) -> None:
    """The tier runs the default ports; say plainly which one another program holds."""
    taken = [p for p in ports if not port_free(p)]
    assert not taken, f"port(s) {taken} on 127.0.0.1 are taken by another program; the shipped tier serves the defaults there"


def run_coroutine(coroutine):
    """asyncio.run in a thread of its own: the module's Playwright browser keeps an event loop running in this one."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def interrupt(proc: subprocess.Popen, timeout: float = 60) -> int:
    """Ctrl-C as a terminal sends it (SIGINT to the whole process group); the exit code. SIGKILL only if it hangs."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_server(proc)
            raise AssertionError(f"Ctrl-C did not stop it within {timeout} s") from None
    return proc.returncode
