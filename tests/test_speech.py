"""Answers read aloud: what is said in which voice (pure logic), and real speech from Debian's espeak-ng and lame
served by a real page server, measured: its voice, its length against the text's, its bounds, its cache.

How long speech should last was measured once on the seed corpus (45 sentences per language at espeak-ng's
default 175 words a minute): Kazakh 0.063 to 0.094 s a character (median 0.068), Russian 0.053 to 0.089,
English 0.051 to 0.086. The same Kazakh sentence read by the Russian voice lasts 2.5 times as long (it spells
out Kazakh letters) and by the English voice 5 times.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import require
from test_app import serve
from test_handlers import Clock, visitor

from assistant.config import Settings
from assistant.speech import (
    PAUSE_SECONDS,
    Speaker,
    SpeechError,
    Utterance,
    bounded,
    faded,
    pcm_of,
    speech_key,
    wav_of,
)
from assistant.types import Answer, Citation
from assistant.web.handlers import SKIP, PageHandlers
from assistant.web.i18n import t
from assistant.web.listen import spoken
from assistant.web.page import create_app

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")
KAZAKH = "Қазақстанда қанша адам ақталды?"
KAZAKH_SECONDS_PER_CHAR = (0.055, 0.105)  # measured 0.063-0.094 on 45 Kazakh sentences (above), widened by ~12%
MP3_SLACK = 0.12  # seconds lame's frames add or round away (1152 samples at 22.05 kHz is 0.052 s)


def speech_settings(folder: Path, **overrides) -> Settings:
    return Settings(speech_dir=folder / "speech", **overrides)


def cite(n, language, title="Rehabilitation (Soviet)", translation=False) -> Citation:
    return Citation(n, "doc", title, "", f"quote {n}", "passage", 0, 7, 1.0, language=language, translation=translation)


# --- what is said, in which voice (pure logic) ---------------------------------------------------


def test_each_quote_is_spoken_in_the_language_it_is_shown_in_then_where_it_comes_from():
    """A Russian answer quoting a Russian translation and an English original: each piece in its own voice, the
    markers unread, then 'Источники:' in the answer's language and each title in its document's."""
    answer = Answer(
        "q",
        "Троцкий был реабилитирован в 2001 году. [1] Trotsky was rehabilitated. [2]",
        False,
        citations=(cite(1, "ru", "Реабилитация (СССР)", translation=True), cite(2, "en")),
        language="ru",
    )
    parts = spoken(answer, page="kk")
    assert [(p.language, p.text.strip()) for p in parts] == [
        ("ru", "Троцкий был реабилитирован в 2001 году."),
        ("en", "Trotsky was rehabilitated."),
        ("ru", ""),
        ("ru", t("speech_from_many", "ru")),
        ("ru", "Реабилитация (СССР)."),
        ("en", "Rehabilitation (Soviet)."),
    ]
    said = bounded(parts, 1000)  # empty pieces dropped, neighbours in one voice joined
    assert [p.language for p in said] == ["ru", "en", "ru", "en"]
    assert said[2].text == f"{t('speech_from_many', 'ru')} Реабилитация (СССР)."
    assert "[1]" not in " ".join(p.text for p in said)


def test_a_refusal_or_small_talk_is_spoken_in_the_answers_language_and_an_unknown_one_in_the_pages():
    refusal = Answer("q", "Бұл дереккөздерде бұл сұраққа жауап жоқ.", True, language="kk", kind="refusal")
    assert bounded(spoken(refusal, page="en"), 1000) == (Utterance("Бұл дереккөздерде бұл сұраққа жауап жоқ.", "kk"),)
    other = Answer("q", "Извините, я понимаю вопросы только на трёх языках.", True, language="other")
    assert [p.language for p in bounded(spoken(other, page="ru"), 1000)] == ["ru"]
    numbered = Answer("q", "Article [7] says so. [1]", False, citations=(cite(1, "en"),), language="en")
    assert bounded(spoken(numbered), 1000)[0].text.startswith("Article [7] says so.")  # not a citation: read


def test_text_is_bounded_cleaned_and_keyed_by_voice():
    parts = [Utterance("one two three four five six", "en"), Utterance("семь восемь", "ru")]
    assert bounded(parts, 14) == (Utterance("one two three…", "en"),)  # cut at a word, the rest dropped
    assert bounded([Utterance("a\x00b\u200b\n\n  c", "kk")], 100) == (Utterance("a b c", "kk"),)
    assert sum(len(p.text) for p in bounded(parts * 50, 300)) <= 301
    kk, ru = (Utterance("Сәлем", "kk"),), (Utterance("Сәлем", "ru"),)
    assert speech_key(kk, 175) != speech_key(ru, 175) != speech_key(ru, 140)
    assert speech_key(kk, 175) == speech_key((Utterance("Сәлем", "kk"),), 175) and len(speech_key(kk, 175)) == 32


def test_wav_round_trip_and_the_fade_at_a_cut():
    pcm = b"".join((8000).to_bytes(2, "little", signed=True) for _ in range(22050))  # 1 s of a constant
    assert pcm_of(wav_of(22050, pcm)) == (22050, pcm)
    cut = faded(pcm, 22050, 0.5)
    assert len(cut) == 22050 and cut[:100] == pcm[:100] and cut[-2:] == b"\0\0"  # half a second, faded to zero
    assert faded(pcm, 22050, 5) == pcm
    with pytest.raises(SpeechError):
        pcm_of(b"not a wav file at all, no header here")


def test_a_missing_tool_is_a_message_that_names_the_fix(tmp_path):
    speaker = Speaker(speech_settings(tmp_path))
    with pytest.raises(SpeechError, match="make run"):
        speaker._run(["no-such-espeak-ng-here"], b"")
    with pytest.raises(SpeechError, match="32 hex"):
        speaker.audio("../../etc/passwd")
    with pytest.raises(SpeechError, match="ask again"):
        speaker.audio("0" * 32)


# --- real speech: espeak-ng and lame on this machine, served by the page's server -----------------


def tools_present() -> None:
    for tool in ("espeak-ng", "lame"):
        require("speech", shutil.which(tool) is not None, f"{tool} is missing: run `make speech` (apt-get install)")


def seconds(mp3: bytes) -> float:
    """The length of MP3 audio, decoded by lame itself."""
    done = subprocess.run(
        ["lame", "--quiet", "--mp3input", "--decode", "-", "-"], input=mp3, capture_output=True, check=True
    )
    rate, pcm = pcm_of(done.stdout)
    return len(pcm) / 2 / rate


def espeak_seconds(text: str, voice: str, rate: int = 175) -> float:
    """How long espeak-ng itself takes to say a text in a voice (called directly, not through the product)."""
    command = ["espeak-ng", "-v", voice, "-s", str(rate), "-b", "1", "--stdin", "--stdout"]
    done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, check=True)
    rate_hz, pcm = pcm_of(done.stdout)
    return len(pcm) / 2 / rate_hz


@pytest.fixture(scope="module")
def served(assistant, seed_settings, tmp_path_factory):
    """(url, handlers, settings): the student page on a real server, its speech in a temp folder."""
    tools_present()
    folder = tmp_path_factory.mktemp("speech")
    settings = seed_settings.with_overrides(feedback_path=folder / "feedback.jsonl", speech_dir=folder / "audio")
    handlers = PageHandlers(assistant, settings, Clock())
    app = create_app(assistant, settings, handlers)
    url = serve(app, settings)
    yield url, handlers, settings
    app.close()


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def key_of(listen_html: str) -> str:
    return listen_html.split('data-speech="')[1].split('"')[0]


@pytest.mark.server
def test_a_kazakh_answer_is_read_by_the_kazakh_voice_for_as_long_as_its_text_suggests(served):
    url, handlers, settings = served
    state = handlers.respond(KAZAKH, [], [], {}, "kk", request=visitor("kk"))
    assert state.current.language == "kk" and state.current.citations, state.current.text
    key = key_of(state.listen)
    (said,) = handlers.speaker.utterances(key)  # one stretch: the quote, 'Дереккөзі:' and the title, all Kazakh
    assert said.language == "kk" and state.current.citations[0].quote in said.text
    assert said.text.endswith(state.current.citations[0].title.rstrip(".") + ".")
    status, kind, mp3 = fetch(f"{url}speech/{key}.mp3")
    assert status == 200 and kind == "audio/mpeg" and (mp3[:3] == b"ID3" or mp3[:2] in (b"\xff\xfb", b"\xff\xf3"))
    length = seconds(mp3)
    per_char = length / len(said.text)
    low, high = KAZAKH_SECONDS_PER_CHAR
    assert low <= per_char <= high, f"{length:.2f} s for {len(said.text)} characters: {per_char:.4f} s each"
    kazakh, russian = espeak_seconds(said.text, "kk"), espeak_seconds(said.text, "ru")
    assert abs(length - kazakh) <= MP3_SLACK, (length, kazakh)  # what espeak-ng's Kazakh voice makes of it
    assert russian > 1.5 * length  # and not what the Russian one would (it spells the Kazakh letters)
    print(
        f"Kazakh answer: {len(said.text)} characters, {length:.2f} s ({per_char:.4f} s a character), {len(mp3)} bytes"
    )


@pytest.mark.server
def test_mixed_voices_are_joined_with_a_pause_and_the_cache_makes_each_answer_once(served):
    _, handlers, settings = served
    parts = [Utterance("Лев Троцкий был реабилитирован.", "ru"), Utterance("From: Rehabilitation (Soviet).", "en")]
    key = handlers.speaker.remember(parts)
    path = handlers.speaker.audio(key)
    expected = espeak_seconds(parts[0].text, "ru") + PAUSE_SECONDS + espeak_seconds(parts[1].text, "en")
    assert abs(seconds(path.read_bytes()) - expected) <= MP3_SLACK
    made = path.stat().st_ino
    assert handlers.speaker.remember(list(parts)) == key and handlers.speaker.audio(key) == path
    assert path.stat().st_ino == made  # the same file, not made again (a new one would take its name anew)


def test_the_cache_keeps_the_newest_within_its_bound(tmp_path):
    tools_present()
    speaker = Speaker(speech_settings(tmp_path, speech_cache_mb=0))  # nothing kept but the file just made
    paths = [speaker.audio(speaker.remember([Utterance(f"Answer number {n}.", "en")])) for n in range(3)]
    assert [p.exists() for p in paths] == [False, False, True]
    big = Speaker(speech_settings(tmp_path / "big"))
    again = [big.audio(big.remember([Utterance("The same answer.", "en")])) for _ in range(2)]
    assert again[0] == again[1] and len(list(again[0].parent.glob("*.mp3"))) == 1


@pytest.mark.server
@pytest.mark.parametrize(
    "question",
    [
        "%$#@!^&*()_+{}|:<>?~`" * 48,  # 1,008 symbols: over the page's 1,000
        ("When was Trotsky rehabilitated and what is " + "%$#@ " * 200)[:1000],  # 1,000: mostly symbols
        " ".join(["rehabilitation"] * 70)[:1000],  # 1,000 characters of one word
        ("Лев Троцкий " * 84)[:999] + "?",  # 1,000 characters, Russian
    ],
)
def test_a_question_of_symbols_or_a_thousand_characters_gives_bounded_audio_or_a_clear_message(served, question):
    url, handlers, settings = served
    state = handlers.respond(question, [], [], {}, "en", request=visitor(f"long{len(question)}"))
    if len(question) > handlers.max_chars:
        assert state.notice and str(handlers.max_chars) in state.notice  # told, in the page's language
        assert state.listen == SKIP.listen  # no new answer, so nothing new to read
        return
    key = key_of(state.listen)
    said = handlers.speaker.utterances(key)
    assert sum(len(p.text) for p in said) <= settings.speech_max_chars + 1
    status, _, mp3 = fetch(f"{url}speech/{key}.mp3")
    assert status == 200
    length = seconds(mp3)
    assert 0.5 < length <= settings.speech_max_seconds + MP3_SLACK
    print(f"{len(question)}-character question: {state.current.kind}, {sum(len(p.text) for p in said)} characters said,"
          f" {length:.1f} s")  # fmt: skip


def test_audio_is_cut_at_its_time_bound_even_when_the_text_is_short_enough(tmp_path):
    """Symbols that espeak-ng names one by one ('percent percent ...') stop at speech_max_seconds, faded out."""
    tools_present()
    speaker = Speaker(speech_settings(tmp_path, speech_max_seconds=4))
    key = speaker.remember([Utterance("% $ # @ & " * 40, "en")])  # 400 characters, about 100 s when named
    assert abs(seconds(speaker.audio(key).read_bytes()) - 4) <= MP3_SLACK


@pytest.mark.server
def test_the_route_serves_only_keys_it_made(served):
    url, _, _ = served
    for path in ("speech/" + "0" * 32 + ".mp3", "speech/..%2F..%2Fetc%2Fpasswd.mp3", "speech/ABC.mp3"):
        status, kind, body = fetch(url + path)
        assert status == 404 and body, path
    assert b"ask again" in fetch(url + "speech/" + "0" * 32 + ".mp3")[2]


@pytest.mark.server
def test_without_espeak_the_route_says_so_and_how_to_fix_it(served, monkeypatch):
    """A machine where espeak-ng is missing (the tool lookup made to fail): 503 naming the fix, never a 500."""
    url, handlers, _ = served
    key = handlers.speaker.remember([Utterance("A text never spoken on this server before.", "en")])
    monkeypatch.setattr("assistant.speech.shutil.which", lambda name: None)
    status, _, body = fetch(f"{url}speech/{key}.mp3")
    assert status == 503 and b"make run" in body and b"espeak-ng" in body
    monkeypatch.undo()
    assert fetch(f"{url}speech/{key}.mp3")[0] == 200  # installed again: the same key is made
