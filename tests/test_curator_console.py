"""The curator's console end to end: `app.py --curator` and `app.py` as real processes over HTTP.

A curator signs in (a wrong password first: refused, audited, and after the limit rate-limited), adds
a document; the console rebuilds the index in the background with its progress, and the serving app,
which was never restarted, switches to the new build by itself and answers from the new document.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from curator_kit import TOKEN, copy_seed, csrf, metadata, sign_in, wait_rebuilt

from assistant.bench.serving import free_port, stop_server, wait_for_server
from assistant.feedback import read_feedback

ROOT = Path(__file__).parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.filterwarnings("ignore:::gradio.queueing")]

NOTE = (
    "= The reading room =\n\nThe museum's reading room opened to visitors in 1993. "
    "It holds the registers of the regional rehabilitation commissions.\n"
)
QUESTION = "When did the museum's reading room open to visitors?"


def start(args, env, log: Path, cwd: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), *args], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, f"exited {proc.returncode}: {log.read_text()[-2000:]}"
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)


@pytest.fixture
def env_for(tmp_path, seed_settings):
    settings = copy_seed(tmp_path, seed_settings, curator_login_attempts_per_minute=3)
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_CACHE_DIR": str(settings.cache_dir),
        "ASSISTANT_FEEDBACK_PATH": str(settings.feedback_path),
        "ASSISTANT_CURATOR_TOKEN": TOKEN,
        "ASSISTANT_CURATOR_LOGIN_ATTEMPTS_PER_MINUTE": "3",
        "ASSISTANT_INDEX_WATCH_SECONDS": "0.5",
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("ASSISTANT_CONFIG", None)
    env.pop("ASSISTANT_INDEX_DIR", None)
    return settings, env


@pytest.mark.timeout(600)
def test_a_curator_adds_a_document_and_the_serving_app_answers_from_it(env_for, tmp_path):
    from gradio_client import Client

    settings, env = env_for
    app_port, console_port = free_port(), free_port()
    app_url, console_url = f"http://127.0.0.1:{app_port}/", f"http://127.0.0.1:{console_port}/"
    app = start(["--port", str(app_port), "--index", str(settings.index_dir)], env, tmp_path / "app.log", tmp_path)
    console = start(["--curator", "--port", str(console_port), "--index", str(settings.index_dir)], env,
                    tmp_path / "console.log", tmp_path)  # fmt: skip
    try:
        wait_for_server(app_url, app, tmp_path / "app.log", timeout=300)
        wait_http(console_url, console, tmp_path / "console.log")
        client = Client(app_url, verbose=False)
        before = client.predict(QUESTION, api_name="/ask")
        assert before["abstained"], "the reading room is not in the seed corpus"

        # Signing in: nothing but the sign-in form without a session; wrong passwords refused, then limited.
        anonymous = httpx.Client(base_url=console_url, timeout=60)
        page = anonymous.get("")
        assert page.status_code == 200 and 'type="password"' in page.text and "Documents" not in page.text
        assert anonymous.get("status").status_code == 401 and anonymous.get("needs.csv").status_code == 401
        refused = anonymous.post("upload", files={"file": ("x.txt", b"text")}, data=metadata())
        assert refused.status_code == 401 and "Please sign in" in refused.text
        curator = sign_in(console_url, "Aigerim", lang="en")  # before the failures: the limit is per address
        for _ in range(3):
            wrong = anonymous.post("login", data={"who": "Mallory", "password": "guess", "lang": "ru"})
            assert wrong.status_code == 401 and "Неверный пароль" in wrong.text
        limited = anonymous.post("login", data={"who": "Mallory", "password": TOKEN, "lang": "kk"})
        assert limited.status_code == 429 and "бір минут күтіп" in limited.text, "even the right password waits out the limit"

        # Adding a document: saved, audited, rebuilt in the background with progress.
        page = curator.get("")
        assert page.status_code == 200 and "Signed in as Aigerim" in page.text
        added = curator.post(
            "upload", data=metadata(csrf=csrf(page.text)), files={"file": ("reading-room.txt", NOTE.encode(), "text/plain")}
        )
        assert added.status_code == 200, added.text[-1000:]
        assert "reading-room.txt was added" in added.text
        assert 'data-state="running"' in added.text or 'data-state="done"' in added.text
        assert '<progress max="100"' in added.text
        state = wait_rebuilt(curator)
        assert state["state"] == "done", state
        assert (settings.corpus_dir / "reading-room.txt").read_text(encoding="utf-8") == NOTE
        assert 'title = "The reading room"' in (settings.corpus_dir / "sources.toml").read_text(encoding="utf-8")

        # The serving app switches by itself, answering all the while.
        deadline, answers = time.monotonic() + 120, []
        while True:
            answer = client.predict(QUESTION, api_name="/ask")
            answers.append(answer)
            if not answer["abstained"]:
                break
            assert time.monotonic() < deadline, f"the app never switched: {(tmp_path / 'app.log').read_text()[-2000:]}"
            time.sleep(0.3)
        assert "1993" in answer["text"] and answer["citations"][0]["doc_id"] == "reading-room"
        assert "switched from" in (tmp_path / "app.log").read_text()
        trotsky = client.predict("When was Leon Trotsky rehabilitated?", api_name="/ask")
        assert "16 June 2001" in trotsky["text"], "the old documents still answer after the switch"

        # The audit log says who did what; the console shows it.
        audit = read_feedback(settings.feedback_path.with_name("audit.jsonl"))
        actions = [(a["who"], a["action"], a["outcome"]) for a in audit]
        assert actions.count(("Mallory", "login_failed", "refused")) == 3
        assert ("Mallory", "login_limited", "refused") in actions
        assert ("Aigerim", "login", "ok") in actions and ("Aigerim", "upload", "ok") in actions
        assert ("Aigerim", "rebuild", "ok") in actions
        assert all(a["time"].endswith("+00:00") for a in audit)
        shown = curator.get("").text
        assert "Audit log" in shown and "login_failed" in shown and "reading-room.txt" in shown
        assert TOKEN not in shown and TOKEN not in (tmp_path / "console.log").read_text()
    finally:
        stop_server(console)
        stop_server(app)


def test_the_console_refuses_a_public_address_without_a_password(tmp_path, seed_settings):
    settings = copy_seed(tmp_path, seed_settings)
    env = os.environ | {"ASSISTANT_CORPUS_DIR": str(settings.corpus_dir), "ASSISTANT_CURATOR_TOKEN": ""}
    env.pop("ASSISTANT_CONFIG", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--curator", "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "without a password" in done.stderr and "ASSISTANT_CURATOR_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_systemd_units_run_what_app_py_accepts():
    import shlex

    import app

    units = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
    started = {}
    for unit in units:
        for line in unit.read_text(encoding="utf-8").splitlines():
            if line.startswith("ExecStart=") and "app.py" in line:
                argv = shlex.split(line.removeprefix("ExecStart="))
                started[unit.name] = app.parse_args(argv[argv.index("app.py") + 1 :])
    assert started["rehabilitation-kiosk.service"].kiosk and not started["rehabilitation-kiosk.service"].curator
    assert started["rehabilitation-curator.service"].curator
    curator_unit = (ROOT / "deploy" / "systemd" / "rehabilitation-curator.service").read_text(encoding="utf-8")
    assert "EnvironmentFile=" in curator_unit and "ASSISTANT_CURATOR_TOKEN=" not in curator_unit.split("[Service]")[1]
    backup = (ROOT / "deploy" / "systemd" / "rehabilitation-backup.service").read_text(encoding="utf-8")
    assert "corpus" in backup and "feedback" in backup


def test_the_console_refuses_a_password_kept_inside_a_repository(tmp_path, seed_settings):
    settings = copy_seed(tmp_path, seed_settings)
    (tmp_path / ".git").mkdir()
    (tmp_path / "assistant.toml").write_text(f'curator_token = "{TOKEN}"\n', encoding="utf-8")
    env = os.environ | {"ASSISTANT_CORPUS_DIR": str(settings.corpus_dir)}
    env.pop("ASSISTANT_CONFIG", None)
    env.pop("ASSISTANT_CURATOR_TOKEN", None)
    done = subprocess.run([sys.executable, str(ROOT / "app.py"), "--curator", "--port", str(free_port())],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2 and "inside a git repository" in done.stderr and TOKEN not in done.stderr
