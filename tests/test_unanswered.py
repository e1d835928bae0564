"""What visitors needed stays readable: junk is not logged, one address cannot flood it, each row says where it
came from, and a curator can dismiss a row (audited). The fuzzer's kind of input and a flood go through the
real JSON API on the seed index; the dismissal through the real console over HTTP."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import gradio as gr
import httpx
import pytest
from curator_kit import ConsoleServer, copy_seed, csrf, sign_in
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.bench.serving import free_port
from assistant.config import Settings
from assistant.curator.needs import collect
from assistant.feedback import answer_key, read_feedback, record_feedback
from assistant.lang.served import has_served_word
from assistant.types import Answer
from assistant.unanswered import NeedsLog, dismiss, needs_log
from assistant.web.handlers import PageHandlers
from assistant.web.page import create_app
from assistant.web.serve import launch_options

# The kinds of rows a schema fuzzer (schemathesis, 805 requests) left: symbols, mojibake, single characters.
JUNK = [
    "×", "÷±", "!!!", "???", "-", "0", "12345", "∑∂ƒ©", "😀😀", "\x00", "\u200b", "ﾟ∀ﾟ", "a", "Я", "x y z",
    "aaaa", "ЖЖЖЖ", "ĀĒĪŌ", "什么时候", "Ã©tÃ©", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "ÐšÐ¾Ð³Ð´Ð° Ð±Ñ‹Ð»", "Êîãäà ðåàáèëèòèðîâàí",
    "Wer wurde wann rehabilitiert?", "Коли реабілітували Троцького?",
    # what hypothesis (under schemathesis) tries first: program literals, device names, lone keywords
    "NIL", "null", "undefined", "None", "True", "NaN", "Infinity", "NUL", "COM1", "LPT1", "if", "0..0", "1e100",
    "__proto__", "(╯°□°）╯︵ ┻━┻)", "ʇǝɯɐ ʇᴉs ɹolop ɯnsdᴉ ɯǝɹo˥", "𝐓𝐡𝐞 𝐪𝐮𝐢𝐜𝐤 𝐛𝐫𝐨𝐰𝐧 𝐟𝐨𝐱",
]  # fmt: skip
QUESTIONS = [
    "Who built the museum's reading room?", "Кто построил читальный зал музея?", "Оқу залын кім салды?",
    "kto postroil chitalnyi zal", "Gulag?", "«Карлаг»", "Қарлаг туралы", "×× Когда открыли архив? ××", "Кто это?",
]  # fmt: skip


@pytest.mark.parametrize("text", JUNK)
def test_junk_has_no_word_in_a_served_language(text):
    assert not has_served_word(text)


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_in_kazakh_russian_or_english_have_one(text):
    assert has_served_word(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Lu", "Ll", "Lt", "Lm", "Lo")), max_size=40))
def test_text_without_letters_is_never_a_question(text):
    assert not has_served_word(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0xC0, max_codepoint=0x24F) | st.sampled_from(" ¿¡€‘’“”•–—"), max_size=40))
def test_latin_1_mojibake_is_never_a_question(text):
    """UTF-8 read as Latin-1 or cp1252 gives letters from À-ɏ between symbols: none is English, Russian or Kazakh."""
    assert not has_served_word(text)


def refused(question: str) -> Answer:
    return Answer(question, "The sources do not say.", True, language="en")


def test_one_visitor_adds_at_most_the_daily_cap_and_the_next_day_starts_afresh(tmp_path):
    day = [date(2026, 12, 6)]
    log = NeedsLog(tmp_path / "needs.jsonl", per_day=3, today=lambda: day[0])
    flood = [log.record(refused(f"Who built room {n}?"), "api", "10.0.0.1") for n in range(50)]
    assert flood == [True] * 3 + [False] * 47
    assert log.record(refused("Who built the hall?"), "api", "10.0.0.2"), "another address has its own count"
    day[0] = date(2026, 12, 7)
    assert log.record(refused("Who built room 99?"), "api", "10.0.0.1"), "a new day starts afresh"
    assert not log.record(refused("×"), "api", "10.0.0.3") and not log.record(Answer("Who?", "x", False), "api", "10.0.0.3")
    rows = read_feedback(tmp_path / "needs.jsonl")
    assert len(rows) == 5 and {r["source"] for r in rows} == {"api"}
    assert NeedsLog(tmp_path / "x.jsonl", per_day=0).record(refused("Who built it?"), "page", "a"), "0: no cap"


class Refuser:
    """A stand-in engine that refuses everything (the page's rules are under test, not answering)."""

    def ask(self, question, history=None, language=None):
        return Answer(question, "The sources do not say.", True, language=language or "en")

    def with_settings(self, **values):  # a kiosk caps question length this way
        return self


def test_the_kiosk_counts_each_visit_and_says_it_is_the_kiosk(tmp_path):
    """A kiosk's visitors share the screen's address, so each visit (from idle reset to idle reset) has its own cap."""
    kiosk = Settings(feedback_path=tmp_path / "feedback.jsonl", kiosk=True, rate_limit_per_minute=0, needs_per_address_per_day=2)
    handlers = PageHandlers(Refuser(), kiosk)
    for visit in (1, 2):
        for n in range(4):
            handlers.respond(f"Who built hall {visit}-{n}?", [], [], {}, "en", gr.Request(), visit)
    rows = read_feedback(tmp_path / "needs.jsonl")
    assert [r["question"] for r in rows] == ["Who built hall 1-0?", "Who built hall 1-1?", "Who built hall 2-0?", "Who built hall 2-1?"]
    assert {r["source"] for r in rows} == {"kiosk"}


@pytest.fixture(scope="module")
def served(assistant, seed_settings, tmp_path_factory):
    """The student page and its JSON API on the seed index, behind a 'proxy' at 127.0.0.1, cap 5 a day."""
    settings = seed_settings.with_overrides(
        feedback_path=tmp_path_factory.mktemp("needs") / "feedback.jsonl", needs_per_address_per_day=5,
        api_rate_limit_per_minute=0, trusted_proxies="127.0.0.1",
    )  # fmt: skip
    app = create_app(assistant, settings)
    port = free_port()
    app.launch(**launch_options(settings, assistant, server_port=port, prevent_thread_lock=True, quiet=True))
    yield settings, f"http://127.0.0.1:{port}/api/v1/ask"
    app.close()


@pytest.mark.server
def test_the_fuzzers_junk_through_the_real_api_leaves_no_row(served):
    settings, url = served
    for text in JUNK:
        response = httpx.post(url, json={"question": text}, headers={"X-Forwarded-For": "192.0.2.10"}, timeout=60)
        assert response.status_code < 500, (text, response.text)
    assert read_feedback(settings.log_path("needs")) == [], "junk is answered politely and never logged"
    response = httpx.post(url, json={"question": "Who built the museum's reading room?"}, headers={"X-Forwarded-For": "192.0.2.10"}, timeout=60)
    assert response.json()["abstained"]
    (row,) = read_feedback(settings.log_path("needs"))
    assert row["question"] == "Who built the museum's reading room?" and row["source"] == "api" and row["language"] == "en"
    assert "192.0.2.10" not in json.dumps(row), "no address is written down"


@pytest.mark.server
def test_a_flood_from_one_address_adds_only_its_daily_cap(served):
    settings, url = served
    before = len(read_feedback(settings.log_path("needs")))
    for n in range(30):  # distinct, each refused: a script asking about rooms the sources never mention
        answer = httpx.post(url, json={"question": f"Who painted the ceiling of room {n} of the museum?"},
                            headers={"X-Forwarded-For": "198.51.100.7"}, timeout=60).json()  # fmt: skip
        assert answer["abstained"], answer["text"]
    httpx.post(url, json={"question": "Кто построил читальный зал музея?"}, headers={"X-Forwarded-For": "203.0.113.5"}, timeout=60)
    rows = read_feedback(settings.log_path("needs"))[before:]
    flood = [r for r in rows if "ceiling" in r["question"]]
    assert len(flood) == 5, "the cap: 5 a day from one address"
    assert [r["question"] for r in rows if "читальный" in r["question"]] == ["Кто построил читальный зал музея?"], "others still heard"


def test_dismissed_entries_stop_showing_until_asked_again(tmp_path):
    settings = Settings(feedback_path=tmp_path / "feedback.jsonl")
    now = datetime.now(UTC)
    log = NeedsLog(settings.log_path("needs"), per_day=0)
    for hours, question in ((3, "Who built the reading room?"), (2, "Who built the reading room?"), (1, "Где архив?")):
        log.record(refused(question), "page", "a", now - timedelta(hours=hours))
    disliked = Answer("Who built the reading room?", "A wrong one.", False)
    record_feedback(settings.feedback_path, disliked, "dislike", now - timedelta(hours=2), key=answer_key(disliked), source="page")
    until = (now - timedelta(hours=2)).isoformat(timespec="seconds")
    assert dismiss([settings.log_path("needs"), settings.feedback_path], ["Who built the reading room?"], until) == 3
    assert [n.question for n in collect(settings)] == ["Где архив?"]
    log.record(refused("Who built the reading room?"), "api", "b", now)
    assert sorted(n.question for n in collect(settings)) == ["Who built the reading room?", "Где архив?"], "asked again: shown again"
    assert len(read_feedback(settings.log_path("needs"))) == 4, "dismissed, not deleted"


@pytest.mark.server
def test_a_curator_sees_where_rows_came_from_and_dismisses_one_with_an_audit_entry(tmp_path, seed_settings):
    settings = copy_seed(tmp_path, seed_settings)
    log = needs_log(settings)
    now = datetime.now(UTC)
    for hours, source, question in ((3, "page", "Who built the reading room?"), (2, "api", "Who built the reading room?"),
                                    (1, "kiosk", "Оқу залын кім салды?")):  # fmt: skip
        log.record(refused(question), source, source, now - timedelta(hours=hours))
    with ConsoleServer(settings) as server:
        curator = sign_in(server.url, "Aigerim", lang="ru")
        page = curator.get("", params={"lang": "ru"}).text
        assert "Где спросили" in page and "API 1, страница 1" in page and "киоск 1" in page
        rows = list(csv.reader(io.StringIO(curator.get("needs.csv").content.decode("utf-8-sig"))))
        assert rows[0][-1] == "sources" and {r[0]: r[-1] for r in rows[1:]}["Who built the reading room?"] == "api 1, page 1"
        form = page[page.index('action="dismiss"'):]
        questions = form.split('name="questions" value="')[1].split('"')[0]
        until = form.split('name="until" value="')[1].split('"')[0]
        done = curator.post("dismiss", data={"csrf": csrf(page), "lang": "ru", "name": "Оқу залын кім салды?",
                                             "questions": questions.replace("&quot;", '"'), "until": until})  # fmt: skip
        assert done.status_code == 200 and "Скрыто «Оқу залын кім салды?» (записей: 1)" in done.text
        assert "Оқу залын кім салды?" not in done.text.split("needs-h")[1].split("audit-h")[0]
        again = curator.post("dismiss", data={"csrf": csrf(page), "lang": "kk", "name": "x", "questions": '["Оқу залын кім салды?"]', "until": until})
        assert again.status_code == 400 and "Жасыратын ештеңе жоқ" in again.text
    audit = [a for a in read_feedback(settings.log_path("audit")) if a["action"] == "dismiss_need"]
    assert [(a["who"], a["target"], a["outcome"]) for a in audit] == [("Aigerim", "Оқу залын кім салды?", "ok"), ("Aigerim", "x", "dismiss_gone")]
    assert audit[0]["detail"] == "1 entries: Оқу залын кім салды?"
