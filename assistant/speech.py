"""Text read aloud on this machine: Debian's espeak-ng speaks each stretch in its language's voice, lame
makes the whole an MP3, and the file is kept in a bounded cache keyed by the text and the voices.

Nothing leaves the machine and nothing is fetched: both tools are Debian packages (`make run` and
`make test` install them). What an answer says aloud (which sentences, in which voice) is decided by
the page (`assistant.web.listen`); this module only turns `Utterance`s into audio. A key names the audio
(a hash of the utterances, the speaking rate and this module's format), so the same answer asked again,
by anyone, is one file; `audio(key)` makes it on first use. Bounds: `speech_max_chars` of text (cut at a
word, with the last stretch still spoken) and `speech_max_seconds` of audio (a text of symbols that
espeak-ng spells out one by one stops there, faded out).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import struct
import subprocess
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .errors import AssistantError
from .files import write_atomic

log = logging.getLogger("speech")
FORMAT = "speech v1: espeak-ng wav 16-bit mono, lame mp3 32 kbps"  # in every key: a change makes new files
VOICES = {"kk": "kk", "ru": "ru", "en": "en"}  # espeak-ng's voices for the three languages; others read as English
PAUSE_SECONDS = 0.3  # between stretches in different voices
REMEMBERED = 1024  # keys whose utterances are kept in memory, waiting to be asked for
KEY = re.compile(r"^[0-9a-f]{32}$")
_SPACE = re.compile(r"\s+")


class SpeechError(AssistantError):
    """Speech could not be made: a tool is missing or failed."""


class UnknownSpeech(SpeechError):
    """The audio asked for is not a key this server made, or it has forgotten it."""


@dataclass(frozen=True)
class Utterance:
    """A stretch of text and the language whose voice speaks it."""

    text: str
    language: str


def voice_of(language: str) -> str:
    """espeak-ng's voice for a language code (English for one it is not asked to speak)."""
    return VOICES.get(language, VOICES["en"])


def clean(text: str) -> str:
    """Text as it is spoken: control characters out, whitespace as single spaces."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(text))
    return _SPACE.sub(" ", text).strip()


def bounded(parts: list[Utterance], max_chars: int) -> tuple[Utterance, ...]:
    """The utterances within `max_chars` characters in all, the first one over cut at a word with '…';
    neighbours in the same voice are joined, empty ones dropped."""
    out: list[Utterance] = []
    left = max_chars
    for part in parts:
        text = clean(part.text)
        if not text or left <= 0:
            continue
        if len(text) > left:
            text = (text[:left].rsplit(" ", 1)[0] if " " in text[:left] else text[:left]).rstrip(",;:") + "…"
            left = 0
        else:
            left -= len(text)
        if out and voice_of(out[-1].language) == voice_of(part.language):
            out[-1] = Utterance(f"{out[-1].text} {text}", out[-1].language)
        else:
            out.append(Utterance(text, part.language))
    return tuple(out)


def speech_key(parts: tuple[Utterance, ...], rate: int) -> str:
    """The name of the audio for these utterances at this rate: 32 hex digits."""
    data = json.dumps([FORMAT, rate, [(voice_of(p.language), p.text) for p in parts]], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def pcm_of(wav: bytes) -> tuple[int, bytes]:
    """(sample rate, 16-bit mono samples) from espeak-ng's WAV, whose header gives no true length when streamed."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise SpeechError("espeak-ng gave no WAV audio; check that `espeak-ng --version` works.")
    rate = struct.unpack_from("<I", wav, 24)[0]
    at = wav.find(b"data", 12)
    if at < 0:
        raise SpeechError("espeak-ng's WAV audio has no data.")
    data = wav[at + 8 :]
    return rate, data[: len(data) // 2 * 2]


def wav_of(rate: int, pcm: bytes) -> bytes:
    """A WAV file of 16-bit mono samples."""
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ", 16, 1, 1, rate,
                         rate * 2, 2, 16, b"data", len(pcm))  # fmt: skip
    return header + pcm


def faded(pcm: bytes, rate: int, seconds: float) -> bytes:
    """The first `seconds` of the samples, the last 50 ms faded out (so a cut does not click)."""
    keep = int(rate * seconds) * 2
    if len(pcm) <= keep:
        return pcm
    n = max(2, min(keep // 2, int(rate * 0.05)))
    tail = struct.unpack(f"<{n}h", pcm[keep - 2 * n : keep])
    return pcm[: keep - 2 * n] + struct.pack(f"<{n}h", *(int(v * (n - 1 - i) / (n - 1)) for i, v in enumerate(tail)))


class Speaker:
    """Makes and keeps the audio: `remember(parts)` names it, `audio(key)` makes (once) and returns its file."""

    def __init__(self, settings: Settings):
        self.folder = Path(settings.speech_dir)
        self.rate = settings.speech_words_per_minute
        self.max_chars = settings.speech_max_chars
        self.max_seconds = settings.speech_max_seconds
        self.max_bytes = settings.speech_cache_mb * 1_000_000
        self.timeout = 60.0
        self._waiting: OrderedDict[str, tuple[Utterance, ...]] = OrderedDict()
        self._lock = threading.Lock()  # the registry
        self._making = threading.Lock()  # one synthesis at a time: the cores are the answering engine's too

    def remember(self, parts: list[Utterance]) -> str:
        """The key of these utterances (bounded), kept so that `audio(key)` can make them when asked."""
        spoken = bounded(parts, self.max_chars)
        key = speech_key(spoken, self.rate)
        with self._lock:
            self._waiting[key] = spoken
            self._waiting.move_to_end(key)
            while len(self._waiting) > REMEMBERED:
                self._waiting.popitem(last=False)
        return key

    def utterances(self, key: str) -> tuple[Utterance, ...] | None:
        """What a remembered key says, or None."""
        with self._lock:
            return self._waiting.get(key)

    def path(self, key: str) -> Path:
        """Where a key's audio is kept: a name made of its hex digits only."""
        if not KEY.match(key or ""):
            raise UnknownSpeech("A speech key is 32 hex digits.")
        return self.folder / f"{key}.mp3"

    def audio(self, key: str) -> Path:
        """The MP3 file of a key: from the cache, or made now from its remembered utterances."""
        path = self.path(key)
        if path.is_file():
            os.utime(path)  # recently used: kept longest
            return path
        parts = self.utterances(key)
        if parts is None:
            raise UnknownSpeech("This answer's audio is not known here (the server restarted?); ask again.")
        with self._making:
            if not path.is_file():
                self.folder.mkdir(parents=True, exist_ok=True)
                write_atomic(path, self.mp3(parts))
                self.prune()
        return path

    def mp3(self, parts: tuple[Utterance, ...]) -> bytes:
        """The utterances spoken one after another, a short pause between voices, as MP3."""
        rate, pcm = 22050, b""
        for i, part in enumerate(parts):
            rate, samples = pcm_of(self._run(["espeak-ng", "-v", voice_of(part.language), "-s", str(self.rate),
                                              "-b", "1", "--stdin", "--stdout"], part.text.encode("utf-8")))  # fmt: skip
            pause = b"\0\0" * int(rate * PAUSE_SECONDS) if i else b""
            pcm += pause + samples
        pcm = faded(pcm, rate, self.max_seconds)
        return self._run(["lame", "--quiet", "-m", "m", "-b", "32", "-", "-"], wav_of(rate, pcm))

    def prune(self) -> None:
        """Delete the least recently used files until the cache fits `speech_cache_mb`."""
        files = sorted(self.folder.glob("*.mp3"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        for old in files[:-1]:  # never the newest: it was just asked for
            if total <= self.max_bytes:
                break
            total -= old.stat().st_size
            old.unlink(missing_ok=True)

    def _run(self, command: list[str], data: bytes) -> bytes:
        if shutil.which(command[0]) is None:
            raise SpeechError(
                f"{command[0]} is not installed; `make run` installs it (apt-get install espeak-ng lame)."
            )
        try:
            done = subprocess.run(command, input=data, capture_output=True, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired:
            raise SpeechError(f"{command[0]} took over {self.timeout:.0f} s; try a shorter answer.") from None
        if done.returncode != 0 or not done.stdout:
            log.warning("%s failed (%s): %s", command[0], done.returncode, done.stderr[-500:])
            raise SpeechError(f"{command[0]} failed; see the server log.")
        return done.stdout
