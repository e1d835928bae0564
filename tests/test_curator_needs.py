"""What visitors needed (grouped by the real e5 encoder, newest first, CSV), retention, the audit log, sources.toml edits."""

from __future__ import annotations

import csv
import io
import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from curator_kit import ConsoleServer, copy_seed, csrf, sign_in, version_of

from assistant.config import Settings
from assistant.curator.audit import AuditLog
from assistant.curator.needs import Need, collect, e5_encoder, group, to_csv
from assistant.curator.store import edit_tables
from assistant.feedback import answer_key, read_feedback, record_feedback, record_unanswered
from assistant.types import Answer

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def at(hours: float) -> str:
    return (NOW - timedelta(hours=hours)).isoformat(timespec="seconds")


@pytest.fixture(scope="module")
def encode():
    return e5_encoder(Settings())


def test_similar_questions_group_together_newest_first(encode):
    needs = [
        Need("When did Trotsky get rehabilitated?", "en", at(5), "unanswered"),
        Need("When was Trotsky rehabilitated?", "en", at(1), "disliked"),
        Need("when was trotsky rehabilitated", "en", at(30), "unanswered"),
        Need("Who built the reading room?", "en", at(0.5), "unanswered"),
        Need("Who designed the museum's reading room?", "en", at(3), "unanswered"),
        Need("Когда реабилитировали Троцкого?", "ru", at(2), "unanswered"),
        Need("What is the capital of France?", "en", at(10), "unanswered"),
    ]
    groups = group(needs, encode, 0.90)
    assert [g.question for g in groups] == [
        "Who built the reading room?",  # newest first, each group named by its newest wording
        "When was Trotsky rehabilitated?",
        "Когда реабилитировали Троцкого?",  # the same question in Russian scores 0.86: its own group
        "What is the capital of France?",
    ]
    reading, trotsky = groups[0], groups[1]
    assert (reading.count, reading.unanswered, reading.disliked) == (2, 2, 0)
    assert (trotsky.count, trotsky.unanswered, trotsky.disliked) == (3, 2, 1)
    assert trotsky.newest == at(1) and trotsky.languages == ["en"] and groups[2].languages == ["ru"]
    assert trotsky.wordings == ["When was Trotsky rehabilitated?", "When did Trotsky get rehabilitated?",
                                "when was trotsky rehabilitated"]  # fmt: skip
    assert [g.count for g in group(needs, None, 0.90)][:3] == [1, 2, 1], "without e5: only the same words (any case) group"
    assert group([], encode, 0.9) == []


def test_csv_has_a_row_per_group_and_no_formulas():
    groups = group([Need("=HYPERLINK(\"http://x\")", "en", at(1), "unanswered", "api"), Need("Где архив?", "ru", at(2), "disliked")], None, 0.9)
    rows = list(csv.reader(io.StringIO(to_csv(groups))))
    assert rows[0] == ["question", "count", "unanswered", "disliked", "languages", "newest", "similar_questions", "sources"]
    assert [r[-1] for r in rows[1:]] == ["api 1", "? 1"], "where each row came from (? for rows logged before sources were)"
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")" and rows[1][1:5] == ["1", "1", "0", "en"]
    assert rows[2][0] == "Где архив?" and rows[2][3:5] == ["1", "ru"]


def test_collect_reads_refusals_and_dislikes_and_purges_old_entries(tmp_path):
    settings = Settings(feedback_path=tmp_path / "feedback.jsonl", needs_retention_days=30)
    refused = Answer("Who built the reading room?", "The sources do not say.", True, language="en")
    record_unanswered(settings.log_path("needs"), refused, NOW - timedelta(days=1))
    record_unanswered(settings.log_path("needs"), refused, NOW - timedelta(days=90))
    liked, disliked = Answer("Q1", "A1", False), Answer("Когда?", "A2", False, language="ru")
    record_feedback(settings.feedback_path, liked, "like", NOW - timedelta(days=2), key=answer_key(liked))
    record_feedback(settings.feedback_path, disliked, "like", NOW - timedelta(days=2), key=answer_key(disliked))
    record_feedback(settings.feedback_path, disliked, "dislike", NOW - timedelta(days=2), key=answer_key(disliked))
    record_feedback(settings.feedback_path, Answer("Old", "A3", False), "dislike", NOW - timedelta(days=60))
    needs = collect(settings, NOW)
    assert sorted((n.question, n.language, n.kind) for n in needs) == [
        ("Who built the reading room?", "en", "unanswered"),
        ("Когда?", "ru", "disliked"),
    ]
    assert len(read_feedback(settings.log_path("needs"))) == 1, "the 90-day-old refusal was purged"
    assert [r["question"] for r in read_feedback(settings.feedback_path)] == ["Q1", "Когда?"], "old feedback purged too"


def test_sources_toml_is_edited_table_by_table():
    text = '# header comment\n\n["a.txt"]\ntitle = "A"\nseed = "s"\n\n# about b\n\n["b.txt"]\ntitle = "B"\n'
    edited = edit_tables(text, {"a.txt": {"title": "A2 \"quoted\"", "seed": "s"}, "b.txt": None, "c.txt": {"title": "C", "reviewed": False}})
    assert edited.startswith("# header comment\n") and "# about b" in edited
    assert tomllib.loads(edited) == {"a.txt": {"title": 'A2 "quoted"', "seed": "s"}, "c.txt": {"title": "C", "reviewed": False}}


def test_the_audit_log_keeps_who_what_when_newest_first(tmp_path):
    audit = AuditLog(tmp_path / "audit.jsonl")
    audit.record("Aigerim", "upload", "a.txt", when=NOW - timedelta(minutes=5))
    audit.record("Boris", "remove", "b.txt", "has_translations", "refused")
    entries = audit.entries()
    assert [(e["who"], e["action"], e["target"], e["outcome"]) for e in entries] == [
        ("Boris", "remove", "b.txt", "has_translations"), ("Aigerim", "upload", "a.txt", "ok")]  # fmt: skip
    assert entries[1]["time"] == (NOW - timedelta(minutes=5)).isoformat(timespec="seconds")
    (tmp_path / "file").write_text("x")
    assert AuditLog(tmp_path / "file" / "audit.jsonl").record("x", "login")["who"] == "x", "a failed write never raises"


@pytest.mark.server
@pytest.mark.timeout(300)
def test_the_console_shows_needs_exports_csv_and_audits_edits(tmp_path, seed_settings):
    settings = copy_seed(tmp_path, seed_settings)
    for hours, question in ((3, "Who built the reading room?"), (1, "Who designed the museum's reading room?"),
                            (2, "Где хранятся дела репрессированных?")):  # fmt: skip
        record_unanswered(settings.log_path("needs"), Answer(question, "no", True, language="ru" if "Где" in question else "en"),
                          datetime.now(UTC) - timedelta(hours=hours))  # fmt: skip
    with ConsoleServer(settings) as server:
        curator = sign_in(server.url, "Aigerim", lang="ru")
        page = curator.get("", params={"lang": "ru"}).text
        assert "Что искали посетители" in page
        first = page.index("Who designed the museum&#x27;s reading room?")
        assert first < page.index("Где хранятся дела репрессированных?"), "newest group first"
        assert "Who built the reading room?" in page[first:]
        exported = curator.get("needs.csv")
        assert exported.headers["content-type"].startswith("text/csv") and exported.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert [(r[0], r[1], r[4]) for r in rows[1:]] == [
            ("Who designed the museum's reading room?", "2", "en"), ("Где хранятся дела репрессированных?", "1", "ru")]  # fmt: skip
        name = "kazakhstan-state-commission.txt"
        edited = curator.post("edit", data={"name": name, "version": version_of(page, name), "csrf": csrf(page), "lang": "ru",
                                            "title": "Новое название", "language": "en"})  # fmt: skip
        assert edited.status_code == 200 and "сохранено" in edited.text
        server.console.rebuild.wait(120)
        removed_page = curator.get("", params={"lang": "ru"}).text
        assert "Новое название" in removed_page
    audit = read_feedback(settings.log_path("audit"))
    assert [(a["who"], a["action"], a["target"]) for a in audit if a["action"] in ("export_needs", "edit")] == [
        ("Aigerim", "export_needs", "needs.csv"), ("Aigerim", "edit", name)]  # fmt: skip
    meta = tomllib.loads((settings.corpus_dir / "sources.toml").read_text(encoding="utf-8"))[name]
    assert meta["title"] == "Новое название" and meta["id"] == "kazakhstan-state-commission" and "kind" not in meta
    assert meta["seed"] == "shared/seeds/000_13dd805adb57b485.txt"
