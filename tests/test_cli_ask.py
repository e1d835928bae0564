"""`assistant ask`: questions asked in order as one conversation, plain or JSON lines; user errors in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.cli import main

ROOT = Path(__file__).parents[1]
CHARENTS = "Who called for the rehabilitation of Yeghishe Charents?"


def test_ask_prints_each_answer_and_the_second_sees_the_first(seed_settings, cli_env, capsys):
    code = main(["ask", "--index", str(seed_settings.index_dir), CHARENTS, "Where?"])
    out = capsys.readouterr().out
    assert code == 0
    first, second = out.split("Q: Where?")
    assert f"Q: {CHARENTS}" in first and "Mikoyan" in first and "[1]" in first
    assert "Yerevan" in second and "[1] Rehabilitation (Soviet)" in second


def test_ask_json_prints_one_object_per_line(seed_settings, cli_env, capsys):
    code = main(
        ["ask", "--index", str(seed_settings.index_dir), "--json", CHARENTS, "Where?", "How do I bake sourdough bread?"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    for obj in (first, second, third):
        assert {
            "question",
            "text",
            "citations",
            "abstained",
            "further_reading",
            "retrieval_query",
            "notice",
        } <= obj.keys()
    assert first["abstained"] is False and "Mikoyan" in first["text"]
    assert second["question"] == "Where?" and second["retrieval_query"] == f"{CHARENTS} Where?"
    assert "Yerevan" in second["text"]
    c = second["citations"][0]
    assert {"n", "doc_id", "title", "section", "quote", "passage", "start", "end", "score", "passage_start"} <= c.keys()
    assert c["end"] - c["start"] == len(c["quote"])
    assert third["abstained"] is True and third["citations"] == []


def test_a_refusal_lists_further_reading(seed_settings, cli_env, capsys):
    assert main(["ask", "--index", str(seed_settings.index_dir), "When was Nikolai Bukharin rehabilitated?"]) == 0
    out = capsys.readouterr().out
    assert "do not answer" in out and "Further reading:" in out


def test_a_missing_index_is_one_line_and_exit_2(cli_env, capsys):
    code = main(["ask", "--index", str(cli_env / "no-index"), "When was Trotsky rehabilitated?"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "assistant ingest" in lines[0]


def test_the_installed_command_runs_as_a_process(seed_settings, tmp_path):
    env = {**os.environ, "ASSISTANT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    env.pop("ASSISTANT_CONFIG", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "ask",
            "--index",
            str(seed_settings.index_dir),
            "--json",
            "When did Russia rehabilitate Leon Trotsky?",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    (line,) = run.stdout.splitlines()
    assert "16 June 2001" in json.loads(line)["text"]

    missing = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--index", str(tmp_path / "none"), "q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_chat_answers_a_conversation_typed_at_the_terminal(seed_settings, cli_env):
    typed = f"{CHARENTS}\nWhere?\nnew\nWhere?\n\n"
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat", "--index", str(seed_settings.index_dir)],
        input=typed, capture_output=True, text=True, timeout=300, cwd=cli_env,
        env={**os.environ, "ASSISTANT_CACHE_DIR": str(cli_env / "cache")},
    )
    assert out.returncode == 0, out.stderr
    answers = out.stdout.split("Q: ")[1:]
    assert len(answers) == 3
    assert "Mikoyan" in answers[0] and "[1]" in answers[0]
    assert "Yerevan" in answers[1]  # the follow-up leans on the first question
    assert "do not answer" in answers[2]  # after 'new' there is nothing to lean on


def test_chat_ends_cleanly_at_end_of_input(seed_settings, cli_env):
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat", "--index", str(seed_settings.index_dir)],
        input="", capture_output=True, text=True, timeout=300, cwd=cli_env,
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr


def test_a_russian_question_shows_the_translation_its_label_and_the_original(seed_settings, cli_env, capsys):
    code = main(["ask", "--index", str(seed_settings.index_dir), "Когда был реабилитирован Троцкий?"])
    out = capsys.readouterr().out
    assert code == 0 and "(language: ru)" in out
    assert "draft translation, not reviewed" in out and "original: Leon Trotsky (murdered in 1940)" in out


def test_ask_json_carries_the_language_and_whether_each_quote_is_a_translation(seed_settings, cli_env, capsys):
    main(["ask", "--index", str(seed_settings.index_dir), "--json", "Қазақстанда қанша адам ақталды?"])
    obj = json.loads(capsys.readouterr().out)
    assert obj["language"] == "kk" and obj["citations"]
    assert all(c["translation"] and c["original_quote"] and c["reviewed"] is False for c in obj["citations"])
