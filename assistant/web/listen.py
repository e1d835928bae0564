"""Answers read aloud on the page: what an answer says aloud, and the route that serves its audio.

An answer is spoken as the chat shows it: each quoted sentence in the language it is shown in (a
translated quote in its translation's language, an original in its own), the engine's own sentences
(a refusal, small talk) in the answer's language, then briefly where the quotes come from ("From:
Rehabilitation (Soviet)."). The audio is made on this machine (`assistant.speech`) and served at
`/speech/<key>.mp3`, where the key is a hash the page was given: no request names a file.
"""

from __future__ import annotations

import re

from ..speech import Speaker, SpeechError, UnknownSpeech, Utterance
from ..types import Answer
from .i18n import t
from .render import labels_language

_MARKER = re.compile(r"\[(\d{1,3})\]")


def spoken(answer: Answer, page: str = "en") -> list[Utterance]:
    """What the Listen button says for an answer: its text piece by piece in the voice of what each piece
    quotes (the [n] markers themselves not read), then the titles it quotes from."""
    lang = labels_language(answer, page)
    cited = {c.n: c for c in answer.citations}
    parts, last = [], 0
    for m in _MARKER.finditer(answer.text):
        c = cited.get(int(m.group(1)))
        if c is None:
            continue  # a bracketed number that is not a citation is read as text
        parts.append(Utterance(answer.text[last : m.start()], c.language))
        last = m.end()
    parts.append(Utterance(answer.text[last:], lang))
    titles = list(dict.fromkeys((c.title, c.language) for c in answer.citations))
    if titles:
        parts.append(Utterance(t("speech_from_one" if len(titles) == 1 else "speech_from_many", lang), lang))
        parts.extend(Utterance(title.rstrip(".") + ".", language) for title, language in titles)
    return parts


def routes(speaker: Speaker) -> list:
    """The page server's audio route: GET /speech/<32 hex digits>.mp3 (404 for a key it did not make, 503
    when espeak-ng or lame is missing or fails, each with a message saying so)."""
    from fastapi.responses import FileResponse, PlainTextResponse
    from fastapi.routing import APIRoute

    def speech(key: str):
        try:
            path = speaker.audio(key)
        except UnknownSpeech as exc:
            return PlainTextResponse(str(exc), status_code=404)
        except SpeechError as exc:
            return PlainTextResponse(str(exc), status_code=503, headers={"Retry-After": "60"})
        return FileResponse(path, media_type="audio/mpeg", headers={"Cache-Control": "private, max-age=86400"})

    return [APIRoute("/speech/{key}.mp3", speech, methods=["GET"], include_in_schema=False)]
