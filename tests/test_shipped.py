"""As shipped: the README's commands exactly as written, in a fresh clone, from its root, with the defaults.

No ASSISTANT_* variable is set (the console's password alone, where the console runs); the default
ports (7860 page, 7870 console, 8080 nginx) and folders (corpus/, index/, feedback/, .cache/) are used.
What the clone borrows to stay quick (the venv, the embedding cache) is said in tests/shipped_kit.py.
The tests run in file order, each asserting what a user would see: ingest, info, ask, chat in a
pseudo-terminal, eval, `make run` in the browser, the kiosk in the browser, the curator's console in the
browser (sign in, upload, the running page answers from the new document; then every other console
action with the defaults), and `make serve-replicas` stopped by Ctrl-C.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from browser_kit import Offline, ask, last_answer, open_page
from conftest import require
from curator_kit import csrf, metadata, version_of
from helpers import make_pdf
from shipped_kit import (
    Clone,
    documented,
    documented_output,
    interrupt,
    make_clone,
    require_free,
    run_coroutine,
    wait_http,
)

from assistant.serving.replicas import health

pytestmark = [pytest.mark.shipped, pytest.mark.slow, pytest.mark.server]
PAGE, CONSOLE, NGINX = "http://127.0.0.1:7860/", "http://127.0.0.1:7870/", "http://127.0.0.1:8080"
PASSWORD = "a museum's own password"
TROTSKY = "When did Russia rehabilitate Leon Trotsky?"
NOTE_NAME = "Қарағанды оқу залы.txt"  # a museum names its files in Kazakh
NOTE = ("= The Karaganda reading room =\n\nThe museum's reading room in Karaganda was opened to visitors "
        "by the archivist Saule Bekova in 1994.\n")  # fmt: skip
NOTE_QUESTION = "When was the museum's reading room in Karaganda opened?"


@pytest.fixture(scope="module")
def clone(tmp_path_factory, seed_settings) -> Clone:
    return make_clone(tmp_path_factory.mktemp("shipped") / "rehabilitation-assistant", seed_settings.cache_dir / "embeddings.sqlite")


def counts(line: str) -> dict:
    return {k: int(v) for k, v in re.findall(r"(documents|chunks|sentences|skipped files) (\d+)", line)}


@pytest.mark.timeout(900)
def test_assistant_ingest_builds_the_index_the_readme_shows(clone):
    command = documented("assistant ingest")
    done = clone.run(f"source .venv/bin/activate && {command}")
    assert done.returncode == 0, done.stderr[-3000:]
    shown = counts(documented_output("assistant ingest"))
    seen = counts(done.stdout.strip().splitlines()[-1])
    assert shown and seen == shown, f"the README shows {shown}, ingest printed {done.stdout[-500:]}"
    assert (clone.root / "index" / "CURRENT").is_file()
    again = clone.run(f"source .venv/bin/activate && {command}")
    assert again.returncode == 0 and "(nothing to embed)." in again.stdout, again.stdout
    info = clone.run("source .venv/bin/activate && assistant info")
    assert info.returncode == 0 and "status     up to date with the corpus" in info.stdout, info.stdout
    assert f"holds      {seen['documents']} documents" in info.stdout


@pytest.mark.timeout(600)
def test_assistant_ask_answers_the_readme_question_and_its_follow_up(clone):
    command = documented("assistant ask ")
    done = clone.run(f"source .venv/bin/activate && {command}")
    assert done.returncode == 0, done.stderr[-3000:]
    first, second = done.stdout.split("\nQ: Where?\n")
    assert first.startswith("Q: Who called for the rehabilitation of Yeghishe Charents?\nA: ")
    assert "Mikoyan" in first and "Yerevan" in first and "[1]" in first
    assert "[1] Rehabilitation (Soviet) — Khrushchev Thaw (chars " in first
    assert second.startswith("A: ") and "Yerevan" in second, "the follow-up is understood from the turn before"


def wait_line(log: Path, line: str, timeout: float = 60) -> None:
    """Wait for a line a server prints just after it starts answering."""
    deadline = time.monotonic() + timeout
    while line not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"never printed {line!r}: {log.read_text(errors='replace')[-2000:]}"
        time.sleep(0.2)


def read_until(fd: int, wanted: str, timeout: float = 300) -> str:
    """Read a pseudo-terminal until `wanted` appears; everything read so far."""
    seen, deadline = b"", time.monotonic() + timeout
    while wanted.encode() not in seen:
        assert time.monotonic() < deadline, f"never saw {wanted!r} in {seen.decode(errors='replace')[-2000:]!r}"
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the other side closed
                break
    return seen.decode(errors="replace")


@pytest.mark.timeout(600)
def test_assistant_chat_in_a_terminal(clone):
    main, child = pty.openpty()
    proc = subprocess.Popen(["bash", "-c", "source .venv/bin/activate && assistant chat"], cwd=clone.root, env=clone.env,
                            stdin=child, stdout=child, stderr=child, start_new_session=True)  # fmt: skip
    os.close(child)
    try:
        intro = read_until(main, "> ")
        assert "An empty line or Ctrl-D ends" in intro
        os.write(main, f"{TROTSKY}\n".encode())
        answer = read_until(main, "\n> ")
        assert "16 June 2001" in answer and "[1]" in answer, answer
        os.write(main, "Когда был реабилитирован Троцкий?\n".encode())
        answer = read_until(main, "\n> ")
        assert "2001" in answer and "(language: ru)" in answer, answer
        os.write(main, b"\x04")  # Ctrl-D
        assert proc.wait(timeout=60) == 0
    finally:
        os.close(main)
        if proc.poll() is None:
            proc.kill()


@pytest.mark.timeout(1200)
def test_assistant_eval_scores_the_gold_set_and_holds_the_gate(clone):
    command = documented("assistant eval")
    done = clone.run(f"source .venv/bin/activate && {command}", timeout=1200)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-2000:])
    assert re.search(r"^gate: \d+ figures at or above their floors", done.stdout, re.M), done.stdout[-2000:]
    reports = re.search(r"^reports: (\S+\.json), (\S+\.md)$", done.stdout, re.M)
    assert reports and (clone.root / reports.group(2)).is_file() and reports.group(2).startswith("evals/reports/local/")


@pytest.mark.timeout(900)
@pytest.mark.browser
def test_make_run_serves_the_page_and_it_answers(clone, browser, tmp_path):
    require_free(7860)
    app = clone.start("make run", tmp_path / "run.log")
    try:
        wait_http(PAGE, app, tmp_path / "run.log")
        wait_line(tmp_path / "run.log", "Serving the student page at http://127.0.0.1:7860/ (Ctrl-C stops).")
        offline, page = open_page(browser, PAGE)
        try:
            assert page.evaluate("document.documentElement.lang") == "en"
            ask(page, TROTSKY)
            assert "16 June 2001" in last_answer(page).inner_text()
            assert "Rehabilitation (Soviet)" in page.inner_text("#sources")
            offline.check("the student page")
        finally:
            offline.context.close()
    finally:
        interrupt(app)
    require_free(7860)


@pytest.mark.timeout(900)
@pytest.mark.browser
def test_the_kiosk_opens_in_kazakh_and_answers(clone, browser, tmp_path):
    require_free(7860)
    kiosk = clone.start("source .venv/bin/activate && python app.py --kiosk", tmp_path / "kiosk.log")
    try:
        wait_http(PAGE, kiosk, tmp_path / "kiosk.log")
        offline, page = open_page(browser, PAGE, viewport={"width": 1920, "height": 1080})
        try:
            assert page.evaluate("document.documentElement.lang") == "kk", "a kiosk opens in Kazakh"
            ask(page, "Қазақстанда қанша адам ақталды?")
            assert "311 000" in last_answer(page).inner_text()
            assert page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight"), "a kiosk never scrolls"
            offline.check("the kiosk")
        finally:
            offline.context.close()
    finally:
        interrupt(kiosk)
    require_free(7860)


@pytest.mark.timeout(1200)
@pytest.mark.browser
def test_the_curator_adds_a_document_in_the_browser_and_the_running_page_answers_from_it(clone, browser, tmp_path):
    require_free(7860, 7870)
    app = clone.start("source .venv/bin/activate && python app.py", tmp_path / "app.log")
    console = clone.start("source .venv/bin/activate && python app.py --curator", tmp_path / "console.log",
                          ASSISTANT_CURATOR_TOKEN=PASSWORD)  # fmt: skip
    note = tmp_path / NOTE_NAME
    note.write_text(NOTE, encoding="utf-8")
    try:
        wait_http(PAGE, app, tmp_path / "app.log")
        wait_http(CONSOLE, console, tmp_path / "console.log")
        offline, student = open_page(browser, PAGE)
        curator_tab = Offline.open(browser, viewport={"width": 1280, "height": 900}, bypass_csp=True)
        try:
            ask(student, NOTE_QUESTION)
            assert "Saule Bekova" not in last_answer(student).inner_text(), "not in the seed corpus"
            tab = curator_tab.new_page()
            tab.goto(CONSOLE)
            tab.fill("#who", "Aigerim")
            tab.fill("#password", PASSWORD)
            tab.get_by_role("button", name="Sign in").click()
            tab.wait_for_selector("#docs-h")
            tab.set_input_files("#file", str(note))
            for field, value in metadata(title="The Karaganda reading room").items():
                if field == "language":
                    tab.select_option("#new-language", value)
                else:
                    tab.fill(f"#new-{field}", value)
            tab.locator("#add-h ~ form button[type=submit]").click()
            tab.wait_for_selector(".message")
            assert f"{NOTE_NAME} was added" in tab.inner_text("main"), tab.inner_text("main")[:2000]
            tab.wait_for_function("document.querySelector('#rebuild').dataset.state === 'done'", timeout=300_000)
            assert "Rebuilt: build build-" in tab.inner_text("#rebuild .status-text")
            deadline = time.monotonic() + 180  # the page's index watcher looks every 2 s, then loads the build
            while True:
                ask(student, NOTE_QUESTION)
                if "Saule Bekova" in last_answer(student).inner_text():
                    break
                assert time.monotonic() < deadline, (tmp_path / "app.log").read_text()[-2000:]
                time.sleep(4)  # as a visitor would, and within the page's 20 questions a minute
            assert "The Karaganda reading room" in student.inner_text("#sources")
            offline.check("the student page")
        finally:
            offline.context.close()
            curator_tab.context.close()
        every_console_action_works(clone)
    finally:
        interrupt(console)
        interrupt(app)
    status = clone.git_status()
    assert not [line for line in status if "curator.lock" in line or ".tmp-" in line], status
    assert all(line[3:].startswith(("corpus/", '"corpus/')) for line in status), f"only the corpus changed: {status}"


def every_console_action_works(clone: Clone) -> None:
    """Add a .md, .html and .pdf, edit, remove, rebuild and export, over HTTP, with the defaults."""
    client = httpx.Client(base_url=CONSOLE, timeout=120)
    assert client.post("login", data={"who": "Boris", "password": PASSWORD}).status_code == 303
    files = {
        "archive.md": b"# The archive\n\nThe archive keeps the registers of 1956.\n",
        "hall.html": b"<html><body><h1>The hall</h1><p>The hall shows letters written in 1957.</p></body></html>",
        "guide.pdf": make_pdf([["The guide lists the camps of Karlag and Steplag."]]),
    }
    for name, data in files.items():
        page = client.get("").text
        added = client.post("upload", data=metadata(csrf=csrf(page), title=name), files={"file": (name, data)})
        assert added.status_code == 200 and f"{name} was added" in added.text, added.text[-1500:]
    page = client.get("").text
    edited = client.post("edit", data=metadata(csrf=csrf(page), name="archive.md", version=version_of(page, "archive.md"),
                                               title="The museum's archive"))  # fmt: skip
    assert edited.status_code == 200 and "The metadata of archive.md was saved" in edited.text
    page = client.get("").text
    removed = client.post("remove", data={"csrf": csrf(page), "name": "hall.html", "version": version_of(page, "hall.html")})
    assert removed.status_code == 200 and "hall.html was removed" in removed.text
    rebuilt = client.post("rebuild", data={"csrf": csrf(client.get("").text)})
    assert rebuilt.status_code == 200
    deadline = time.monotonic() + 300
    while (state := client.get("status").json())["state"] == "running" or state.get("queued"):
        assert time.monotonic() < deadline, state
        time.sleep(0.5)
    assert state["state"] == "done" and state["documents"] == 9, state  # 6 seed + the note + .md + .pdf
    exported = client.get("needs.csv")
    assert exported.status_code == 200 and exported.text.startswith("\ufeffquestion,count")
    sources = (clone.root / "corpus" / "sources.toml").read_text(encoding="utf-8")
    assert 'title = "The museum\'s archive"' in sources and '["hall.html"]' not in sources and '["guide.pdf"]' in sources
    audit = [line for line in (clone.root / "feedback" / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert not [line for line in audit if '"outcome": "error"' in line], audit


@pytest.mark.timeout(900)
@pytest.mark.nginx
def test_make_serve_replicas_serves_through_nginx_and_ctrl_c_stops_everything(clone, tmp_path):
    require("nginx", bool(shutil.which("nginx") or Path("/usr/sbin/nginx").is_file()), "apt-get install -y nginx (`make nginx`)")
    require_free(8080)
    log = tmp_path / "replicas.log"
    launcher = clone.start("make serve-replicas", log)
    try:
        deadline = time.monotonic() + 600
        while "stops all)" not in log.read_text(errors="replace"):
            assert launcher.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        status, body = health(NGINX)
        assert status == 200 and body["ready"] and body["documents"] >= 6, body
        answer = httpx.post(f"{NGINX}/api/v1/ask", json={"question": TROTSKY}, timeout=60).json()
        assert "16 June 2001" in answer["text"] and not answer["abstained"]
        assert httpx.get(f"{NGINX}/", timeout=60).status_code == 200
        pids = [int(p) for p in re.findall(r"\(pid (\d+)", log.read_text())]
    finally:
        interrupt(launcher, timeout=120)
    assert len(pids) == 3
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z", pid
    assert "stopped (SIGINT): nginx and 2 replicas" in log.read_text()
    require_free(8080)


def documented_mcp_servers(clone: Clone) -> dict[str, dict]:
    """The README's MCP client configurations (its ```json blocks), with the clone's paths in place of /path/to/clone."""
    blocks = re.findall(r"```json\n(.*?)\n\s*```", (clone.root / "README.md").read_text(encoding="utf-8"), re.S)
    configs = [json.loads(re.sub(r"^\s*", "", b, flags=re.M).replace("/path/to/clone", str(clone.root))) for b in blocks]
    servers = {}
    for config in configs:
        for name, server in config.get("mcpServers", {}).items():
            servers["url" if "url" in server else "stdio"] = server | {"name": name}
    assert set(servers) == {"stdio", "url"}, servers
    return servers


@pytest.mark.timeout(900)
def test_an_mcp_client_configured_as_the_readme_shows_gets_cited_quotes(clone, tmp_path):
    """The README's two client configurations, each driven by the mcp SDK's own client: stdio, then /mcp of `make run`."""
    from mcp import Client, StdioServerParameters

    servers = documented_mcp_servers(clone)

    async def ask_trotsky(target) -> dict:
        async with Client(target) as client:
            assert {tool.name for tool in (await client.list_tools()).tools} == {"ask", "document"}
            result = await client.call_tool("ask", {"question": TROTSKY})
            assert not result.is_error, result.content
            return result.structured_content

    stdio = servers["stdio"]
    command = StdioServerParameters(command=stdio["command"], args=stdio["args"], env={"PYTHONPATH": str(clone.root)})
    answer = run_coroutine(ask_trotsky(command))  # PYTHONPATH: the clone's code through the borrowed venv
    assert "16 June 2001" in answer["text"] and answer["citations"][0]["doc_id"] == "rehabilitation-soviet"
    require_free(7860)
    app = clone.start("make run", tmp_path / "run.log")
    try:
        wait_http(PAGE, app, tmp_path / "run.log")
        assert run_coroutine(ask_trotsky(servers["url"]["url"])) == answer  # one answer, either door
    finally:
        interrupt(app)
    require_free(7860)
