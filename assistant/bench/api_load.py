"""Clients asking the JSON API at once over keep-alive HTTP, every answer checked against a reference.

Shared by the benchmark, tests/test_nginx.py and the load probe. Standard library only. An answer
is right when its text is the reference answer's (the engine is deterministic, so every replica
gives the same text); anything else (an error status, a refused connection, other text) is counted
and timed, so a report can say when the failures happened.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .stats import stats


@dataclass
class LoadResult:
    """What a load run saw: counts, latencies, and each failure with its time since the start."""

    seconds: float = 0.0
    requests: int = 0
    answered: int = 0
    wrong: int = 0
    failed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, what happened)

    def summary(self) -> dict:
        return {
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "answered": self.answered,
            "wrong": self.wrong,
            "failed": self.failed,
            "answers_per_s": round(self.answered / self.seconds, 1) if self.seconds else None,
            "latency_ms": stats(self.latencies_ms),
            "failure_examples": sorted({what for _, what in self.failures})[:5],
            "failure_times_s": [round(t, 2) for t, _ in self.failures[:20]],
        }


class ApiClient:
    """One keep-alive connection to an API base URL (reconnecting after an error)."""

    def __init__(self, url: str, timeout: float = 30):
        parts = urlsplit(url)
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.connection = None

    def ask(self, question: str, history: list | None = None) -> tuple[int, dict]:
        body = json.dumps({"question": question, "history": history or []})
        return self.request("POST", "/api/v1/ask", body)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, {"raw": raw[:200].decode(errors="replace")}

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def reference_answers(url: str, questions: list[str]) -> dict[str, str]:
    """Each question's answer text, asked once, as the reference a load run's answers must equal."""
    client = ApiClient(url)
    try:
        answers = {}
        for q in questions:
            status, result = client.ask(q)
            if status != 200:
                raise RuntimeError(f"reference answer for {q!r} failed with {status}: {result}")
            answers[q] = result["text"]
        return answers
    finally:
        client.close()


def run_load(url: str, reference: dict[str, str], clients: int, seconds: float = 0, requests: int = 0) -> LoadResult:
    """`clients` threads ask the reference questions in turn for `seconds` (or until `requests` in all)."""
    questions = list(reference)
    result = LoadResult()
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds if seconds else float("inf")
    budget = [requests or float("inf")]

    def client_loop(n: int) -> None:
        client = ApiClient(url)
        i = n
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            question = questions[i % len(questions)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, answer = client.ask(question)
                problem = None if status == 200 else f"HTTP {status} {answer.get('error', '')}".strip()
            except (OSError, http.client.HTTPException) as exc:
                status, problem = 0, type(exc).__name__
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                result.requests += 1
                if problem:
                    result.failed += 1
                    result.failures.append((t0 - started, problem))
                elif answer.get("text") != reference[question]:
                    result.wrong += 1
                    result.failures.append((t0 - started, f"wrong answer to {question[:40]!r}"))
                else:
                    result.answered += 1
                    result.latencies_ms.append(elapsed)
        client.close()

    threads = [threading.Thread(target=client_loop, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result
