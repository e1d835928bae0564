"""Shared by the curator tests: a copy of the seed corpus and index, a console served over real HTTP, a signed-in client."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import httpx
from helpers import SEED_CORPUS

from assistant.bench.serving import free_port

TOKEN = "correct horse battery staple"


def copy_seed(tmp_path: Path, seed_settings, **overrides):
    """Settings over a private copy of the seed corpus, index and embedding cache (the logs under tmp_path too)."""
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    for path in (tmp_path / "corpus").iterdir():
        path.chmod(0o644)
    shutil.copytree(seed_settings.index_dir, tmp_path / "index")
    shutil.copytree(seed_settings.cache_dir, tmp_path / "cache")
    return seed_settings.with_overrides(
        corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", cache_dir=tmp_path / "cache",
        feedback_path=tmp_path / "logs" / "feedback.jsonl", curator_token=TOKEN, curator_port=free_port(),
        **overrides,
    )  # fmt: skip


class ConsoleServer:
    """The console's app served by uvicorn in a thread of the test process, on a free port."""

    def __init__(self, settings):
        import uvicorn

        from assistant.curator.server import create_console

        self.app = create_console(settings)
        self.console = self.app.state.console
        self.url = f"http://127.0.0.1:{settings.curator_port}/"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=settings.curator_port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "the console did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.console.rebuild.wait(120)
        self.server.should_exit = True
        self.thread.join(timeout=30)


def sign_in(url: str, who: str = "Aigerim", password: str = TOKEN, lang: str = "en") -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    response = client.post("login", data={"who": who, "password": password, "lang": lang})
    assert response.status_code == 303, response.text[:500]
    return client


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def version_of(page: str, name: str) -> str:
    match = re.search(rf'name="name" value="{re.escape(name)}"><input type="hidden" name="version" value="([^"]+)"', page)
    assert match, f"no form for {name}"
    return match.group(1)


def metadata(**values) -> dict:
    base = {"title": "The reading room", "kind": "museum note", "origin": "Written by the museum's staff",
            "language": "en", "licence": "CC BY 4.0"}  # fmt: skip
    return base | values


def wait_rebuilt(client: httpx.Client, timeout: float = 180) -> dict:
    """Poll the console's status until no rebuild runs; returns the final state."""
    deadline = time.monotonic() + timeout
    while True:
        state = client.get("status").json()
        if state["state"] != "running":
            return state
        assert time.monotonic() < deadline, f"the rebuild did not finish: {state}"
        time.sleep(0.2)
