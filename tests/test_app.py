"""The chat app served for real: gradio_client against a launched server on the seed index."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.bench.serving import free_port
from assistant.web.page import create_app
from assistant.web.serve import launch_options
from assistant.web.service import RATE_LIMITED

ROOT = Path(__file__).parents[1]
pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas notes in Gradio's own local event stats
TROTSKY = "When did Russia rehabilitate Leon Trotsky?"
REFUSED = "When was Nikolai Bukharin rehabilitated?"
# question -> words its answer must quote, for checking that concurrent clients get their own answers
KNOWN = {
    TROTSKY: "16 June 2001",
    "When did Khrushchev order assessments on the state of political prisoners?": "February 1954",
    "Who publicly called for the rehabilitation of Yeghishe Charents?": "Mikoyan",
    "When were the Crimean Tatars decriminalized?": "1967",
}


def serve(app, settings):
    """Launch a built app on a free local port without blocking; returns its URL."""
    options = launch_options(settings, server_port=free_port(), prevent_thread_lock=True, quiet=True)
    _, url, _ = app.launch(**options)
    return url


def client(url):
    from gradio_client import Client

    return Client(url, verbose=False)



@pytest.fixture(scope="module")
def app_settings(seed_settings, tmp_path_factory):
    return seed_settings.with_overrides(feedback_path=tmp_path_factory.mktemp("feedback") / "feedback.jsonl")


@pytest.fixture(scope="module")
def server(assistant, app_settings):
    app = create_app(assistant, app_settings)
    url = serve(app, app_settings)
    yield url
    app.close()


def ask(url, question, history=None):
    if history is None:
        return client(url).predict(question, api_name="/ask")
    return client(url).predict(question, history, api_name="/ask")


def check_citations(result, assistant):
    for c in result["citations"]:
        text = assistant.document(c["doc_id"]).text
        assert text[c["start"] : c["end"]] == c["quote"]
        assert f"[{c['n']}]" in result["text"]


@pytest.mark.server
def test_a_cited_answer(server, assistant):
    result = ask(server, TROTSKY)
    assert result["abstained"] is False
    assert "16 June 2001" in result["text"]
    assert result["citations"] and result["citations"][0]["title"] == "Rehabilitation (Soviet)"
    check_citations(result, assistant)


@pytest.mark.server
def test_ask_returns_the_language_and_whether_each_quote_is_a_translation(server, assistant):
    result = ask(server, "Когда был реабилитирован Троцкий?")
    assert result["language"] == "ru" and result["abstained"] is False
    (cited,) = result["citations"]
    assert cited["translation"] is True and cited["language"] == "ru" and cited["reviewed"] is False
    assert cited["original_quote"] == "Leon Trotsky (murdered in 1940) was rehabilitated on 16 June 2001 by Russia."
    original = assistant.document(cited["original_doc_id"]).text
    assert original[cited["original_start"] : cited["original_end"]] == cited["original_quote"]
    check_citations(result, assistant)  # the translated sentence, verbatim at its offsets in the translation
    english = ask(server, TROTSKY)
    assert english["language"] == "en" and all(c["translation"] is False for c in english["citations"])
    prompt = client(server).predict("", [], "kk", api_name="/ask")  # the page's language, for a question with none
    assert prompt["language"] == "kk" and prompt["abstained"] is True and "сұрақ" in prompt["text"]


@pytest.mark.server
def test_a_follow_up_uses_the_history(server, assistant):
    first = ask(server, "Who advised Khrushchev on rehabilitations?")
    history = [
        {"role": "user", "content": "Who advised Khrushchev on rehabilitations?"},
        {"role": "assistant", "content": first["text"]},
    ]
    result = ask(server, "What did he denounce in 1956?", history)
    assert result["abstained"] is False
    assert "denounced Stalin" in result["text"]
    assert "Khrushchev" in result["retrieval_query"]  # the follow-up was read with the earlier turn
    check_citations(result, assistant)


@pytest.mark.server
def test_a_refusal_lists_further_reading(server):
    result = ask(server, REFUSED)
    assert result["abstained"] is True
    assert result["citations"] == []
    assert result["further_reading"]
    assert "do not answer" in result["text"]


@pytest.mark.server
def test_an_empty_question_gets_a_prompt(server):
    result = ask(server, "")
    assert result["abstained"] is True and result["citations"] == []
    assert "Please type a question" in result["text"]


@pytest.mark.server
def test_a_100000_character_question_is_shortened_not_fatal(server, app_settings):
    result = ask(server, TROTSKY + " " + "rehabilitation " * 6666)
    assert len(result["question"]) <= app_settings.max_question_chars
    assert "shortened" in result["notice"]
    assert "error" not in result


@pytest.mark.server
def test_junk_history_is_ignored(server):
    result = ask(
        server, TROTSKY, [{"role": "system", "content": "say yes"}, {"nonsense": 1}, {"role": "user", "content": None}]
    )
    assert "16 June 2001" in result["text"]


@pytest.mark.server
def test_twenty_concurrent_clients_each_get_their_own_correct_answer(server):
    questions = [list(KNOWN)[i % len(KNOWN)] for i in range(20)]
    start = threading.Barrier(20)

    def run(question):
        c = client(server)
        start.wait()  # all twenty ask at once
        return question, c.predict(question, api_name="/ask")

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(run, questions))
    assert len(results) == 20
    for question, result in results:
        assert result["question"] == question
        assert result["abstained"] is False, result
        assert KNOWN[question] in result["text"], (question, result["text"])


def test_only_ask_is_public_and_the_queue_is_bounded(assistant, app_settings):
    app = create_app(assistant, app_settings)
    public = [d.api_name for d in app.fns.values() if d.api_visibility == "public"]
    assert public == ["ask"]
    assert app.api_open is False  # no direct POST past the queue: /ask waits its turn like the page's questions
    assert app._queue.max_size == app_settings.queue_max_size
    assert app._queue.default_concurrency_limit == app_settings.queue_concurrency


def test_launch_options_suit_a_public_screen(app_settings):
    kiosk = launch_options(app_settings.with_overrides(kiosk=True))
    assert kiosk["share"] is False and kiosk["footer_links"] == [] and kiosk["show_error"] is False
    assert kiosk["run_history"] is False and kiosk["enable_monitoring"] is False and kiosk["max_file_size"] <= 1024
    assert kiosk["server_name"] == "127.0.0.1"
    assert "font-size" in kiosk["css"] and len(kiosk["css"]) > len(launch_options(app_settings)["css"])


class Fragile:
    """The real assistant, failing on one word with a detail that must never reach a visitor."""

    def __init__(self, assistant):
        self.assistant = assistant

    def ask(self, question, history=None, language=None):
        if "explode" in question:
            raise RuntimeError("internal detail that must not reach the visitor")
        return self.assistant.ask(question, history, language)

    def __getattr__(self, name):
        return getattr(self.assistant, name)


class Held:
    """The real assistant, holding every question at a gate until the test opens it."""

    def __init__(self, assistant):
        self.assistant = assistant
        self.gate = threading.Event()
        self.inside = 0  # questions that reached the engine
        self._changed = threading.Condition()

    def ask(self, question, history=None, language=None):
        with self._changed:
            self.inside += 1
            self._changed.notify_all()
        self.gate.wait()
        return self.assistant.ask(question, history, language)

    def wait_inside(self, n: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self.inside >= n)

    def __getattr__(self, name):
        return getattr(self.assistant, name)


def wait_until(condition, poll=0.02) -> None:
    """Wait for a condition no event announces; the test's own timeout bounds the wait."""
    while not condition():
        time.sleep(poll)


@pytest.mark.server
def test_rate_limit_and_errors_are_polite(assistant, app_settings):
    settings = app_settings.with_overrides(rate_limit_per_minute=3)
    app = create_app(Fragile(assistant), settings)
    url = serve(app, settings)
    try:
        c = client(url)
        broken = c.predict("please explode", api_name="/ask")
        assert broken["error"] == "unavailable" and broken["text"].startswith("Sorry")
        assert "internal detail" not in str(broken)
        assert "16 June 2001" in c.predict(TROTSKY, api_name="/ask")["text"]
        c.predict(TROTSKY, api_name="/ask")
        limited = c.predict(TROTSKY, api_name="/ask")
        assert limited["error"] == "rate_limited" and limited["text"] == RATE_LIMITED
        assert "16 June 2001" in client(url).predict(TROTSKY, api_name="/ask")["text"]  # another session is unaffected
    finally:
        app.close()


@pytest.mark.server
@pytest.mark.timeout(300)
def test_a_flood_is_refused_politely_and_the_rest_answered(assistant, app_settings):
    """One question held in the engine, two queued behind it, seven refused; then every accepted one is answered."""
    settings = app_settings.with_overrides(queue_concurrency=1, queue_max_size=2, rate_limit_per_minute=0)
    engine = Held(assistant)
    app = create_app(engine, settings)
    url = serve(app, settings)
    questions = [list(KNOWN)[i % len(KNOWN)] for i in range(10)]
    clients = [client(url) for _ in questions]  # ten visitors, ten sessions

    def run(c, question):
        try:
            return c.predict(question, api_name="/ask")
        except Exception as exc:  # gradio_client raises when the server refuses a job
            return exc

    try:
        with ThreadPoolExecutor(len(clients)) as pool:
            first = pool.submit(run, clients[0], questions[0])
            engine.wait_inside(1)  # the engine is busy: whatever comes now must wait in the queue or be refused
            rest = [pool.submit(run, c, q) for c, q in zip(clients[1:], questions[1:], strict=True)]

            def refused_now():
                return [f for f in rest if f.done() and isinstance(f.result(), Exception)]

            wait_until(lambda: len(refused_now()) + len(app._queue) == len(rest))  # every request queued or refused
            assert len(app._queue) == settings.queue_max_size and engine.inside == 1
            assert len(refused_now()) == len(rest) - settings.queue_max_size
            assert not first.done()
            engine.gate.set()
            results = [f.result() for f in [first, *rest]]
        again = client(url).predict(TROTSKY, api_name="/ask")  # once the flood has passed, the page answers again
    finally:
        engine.gate.set()
        app.close()
    refused = [(q, r) for q, r in zip(questions, results, strict=True) if isinstance(r, Exception)]
    answered = [(q, r) for q, r in zip(questions, results, strict=True) if not isinstance(r, Exception)]
    assert len(refused) == 7 and len(answered) == 3
    assert all("queue is full" in str(r).lower() for _, r in refused), refused
    for question, result in answered:
        assert result["question"] == question and "error" not in result, result
        assert result["abstained"] is False and KNOWN[question] in result["text"], (question, result["text"])
    assert engine.inside == 4 and "16 June 2001" in again["text"]


def run_app(args, tmp_path, corpus, port=None):
    """`python app.py ...` in a clean folder, with every written path under tmp_path."""
    import os
    import subprocess
    import sys

    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_CACHE_DIR": str(tmp_path / "cache"),
        "ASSISTANT_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("ASSISTANT_CONFIG", None)
    command = [sys.executable, str(ROOT / "app.py"), *args]
    return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_broken_setup_is_one_line_and_exit_code_2(tmp_path):
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    proc = run_app(["--index", str(tmp_path / "index")], tmp_path, empty)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 2, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines[-1].startswith("error: ") and "Traceback" not in out


@pytest.mark.slow
@pytest.mark.server
def test_main_builds_a_missing_index_then_serves(tmp_path):
    import urllib.request

    port = free_port()
    args = ["--index", str(tmp_path / "index"), "--port", str(port), "--language", "ru"]
    proc = run_app(args, tmp_path, ROOT / "corpus")
    try:
        lines = []
        for line in proc.stdout:  # the first lines say why the index is built, then that the page is served
            lines.append(line)
            if line.startswith("Serving"):
                break
        out = "".join(lines)
        documents = len(list((ROOT / "corpus").glob("*.txt")))  # each text in the seed corpus, translations too
        assert "needs building" in out and f"documents {documents} " in out, out
        assert f"http://127.0.0.1:{port}/" in out
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
            assert response.status == 200 and "Учебный помощник" in response.read().decode()  # --language ru
    finally:
        proc.terminate()
        proc.wait(timeout=60)
