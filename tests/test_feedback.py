"""What visitors leave behind: a changed verdict replaces its record, refused questions are logged bare, old entries go."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import gradio as gr

from assistant.config import Settings
from assistant.feedback import answer_key, purge, purge_old_logs, read_feedback, record_feedback, record_unanswered
from assistant.types import Answer
from assistant.web.handlers import PageHandlers
from assistant.web.service import Companion

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def answer(question="When was Trotsky rehabilitated?", text="On 16 June 2001. [1]", abstained=False, language="en"):
    return Answer(question, text, abstained, language=language)


def test_changing_a_like_to_a_dislike_replaces_the_record(tmp_path):
    path = tmp_path / "feedback.jsonl"
    mine, theirs = answer(), answer()  # equal answers shown to two visitors: two objects, two keys
    assert answer_key(mine) == answer_key(mine) != answer_key(theirs)
    record_feedback(path, mine, "like", key=answer_key(mine))
    record_feedback(path, theirs, "like", key=answer_key(theirs))
    record_feedback(path, mine, "dislike", key=answer_key(mine))
    rows = read_feedback(path)
    assert sorted(r["verdict"] for r in rows) == ["dislike", "like"], rows
    assert {r["key"] for r in rows} == {answer_key(mine), answer_key(theirs)}
    assert all(r["language"] == "en" for r in rows)
    record_feedback(path, mine, "cleared", key=answer_key(mine))  # un-liking removes the record
    assert [r["verdict"] for r in read_feedback(path)] == ["like"]
    record_feedback(path, theirs, "dislike")  # without a key: appended, as before
    assert len(read_feedback(path)) == 2


def test_the_page_companion_replaces_a_changed_verdict(tmp_path):
    settings = Settings(feedback_path=tmp_path / "fb" / "feedback.jsonl")
    companion = Companion(object(), settings)
    shown = answer()
    companion.feedback(shown, True)
    companion.feedback(shown, False)
    (record,) = read_feedback(settings.feedback_path)
    assert record["verdict"] == "dislike" and record["question"] == shown.question


def test_replacing_verdicts_from_many_threads_loses_nothing(tmp_path):
    path = tmp_path / "feedback.jsonl"
    answers = [answer(question=f"question {i}") for i in range(8)]

    def vote(a):
        for liked in (True, False, True, False):
            record_feedback(path, a, "like" if liked else "dislike", key=answer_key(a))

    threads = [threading.Thread(target=vote, args=(a,)) for a in answers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = read_feedback(path)
    assert sorted(r["question"] for r in rows) == sorted(a.question for a in answers)
    assert all(r["verdict"] == "dislike" for r in rows)
    assert all(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())


def test_a_refused_question_is_logged_with_text_language_and_time_only(tmp_path):
    path = tmp_path / "needs.jsonl"
    assert record_unanswered(path, answer("Где архив?", "Источники не отвечают.", True, "ru"), NOW)
    assert not record_unanswered(path, answer(), NOW), "an answered question is not a need"
    assert not record_unanswered(path, answer("   ", "", True), NOW)
    assert read_feedback(path) == [{"time": "2026-11-30T12:00:00+00:00", "question": "Где архив?", "language": "ru"}]
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert not record_unanswered(blocked / "needs.jsonl", answer("q", "t", True)), "a failed write is logged, not raised"


class Refuser:
    """A stand-in engine that refuses everything (the page's rules are under test, not answering)."""

    def ask(self, question, history=None, language=None):
        return Answer(question, "The sources do not say.", True, language=language or "en")


def test_the_page_logs_a_refused_question(tmp_path):
    settings = Settings(feedback_path=tmp_path / "feedback.jsonl", rate_limit_per_minute=0)
    handlers = PageHandlers(Refuser(), settings)
    handlers.respond("Who built the reading room?", [], [], {}, "en", gr.Request())
    (need,) = read_feedback(tmp_path / "needs.jsonl")
    assert need["question"] == "Who built the reading room?" and need["language"] == "en"
    assert set(need) == {"time", "question", "language", "source"} and need["source"] == "page"


def test_the_gradio_api_logs_a_refused_question_too(tmp_path):
    settings = Settings(feedback_path=tmp_path / "feedback.jsonl", rate_limit_per_minute=0)
    PageHandlers(Refuser(), settings).api_ask("Кто построил читальный зал?", None, "ru", gr.Request())
    (need,) = read_feedback(tmp_path / "needs.jsonl")
    assert need["question"] == "Кто построил читальный зал?" and need["language"] == "ru" and need["source"] == "api"


def test_purge_removes_entries_older_than_the_retention(tmp_path):
    path = tmp_path / "needs.jsonl"
    for days in (400, 200, 10, 0):
        record_unanswered(path, answer(f"{days} days ago", "no", True), NOW - timedelta(days=days))
    assert purge(path, 180, NOW) == 2
    assert [r["question"] for r in read_feedback(path)] == ["10 days ago", "0 days ago"]
    assert purge(path, 0, NOW) == 0, "retention 0 keeps everything"
    assert purge(tmp_path / "missing.jsonl", 30, NOW) == 0
    path.write_text(path.read_text() + "not json\n", encoding="utf-8")
    assert len(read_feedback(path)) == 2, "a damaged line is skipped, not fatal"


def test_purge_old_logs_covers_feedback_and_needs_and_never_raises(tmp_path):
    settings = Settings(feedback_path=tmp_path / "feedback.jsonl", needs_retention_days=30)
    record_feedback(settings.feedback_path, answer(), "dislike", NOW - timedelta(days=31))
    record_feedback(settings.feedback_path, answer(), "like", NOW - timedelta(days=29))
    record_unanswered(settings.log_path("needs"), answer("old", "no", True), NOW - timedelta(days=45))
    assert purge_old_logs(settings, NOW) == 2
    assert [r["verdict"] for r in read_feedback(settings.feedback_path)] == ["like"]
    assert read_feedback(tmp_path / "needs.jsonl") == []
    blocked = Settings(feedback_path=tmp_path / "feedback.jsonl" / "x.jsonl", needs_retention_days=1)
    assert purge_old_logs(blocked, NOW) == 0
