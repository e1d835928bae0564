"""Sentence boundaries in English, Russian and Kazakh, with exact offsets.

A full stop, question or exclamation mark ends a sentence when whitespace and a likely sentence start follow, except
after an initial ("А. И. Солженицын", "N. S. Khrushchev"), an abbreviation of the text's language ("т. е.", "ст.",
"No."; lang/data/abbreviations.toml), a year mark right after a date that opens the sentence ("В 1956 г. Хрущёв"),
a numbered label ("Статья 1.", "1.", "а)") and inside a quotation (« », “ ”, " ") that closes on the same line.
A line break always ends a sentence, so a text without sentence punctuation (numbered articles) is read line by
line. A sentence longer than `max_chars` is cut after a clause mark (; : , —) so a quote stays readable.

pysbd was measured on the same cases and left out: its Russian rules split "т. е.", "ст. 58" and "Статья 1."
(tests/test_sentences.py holds the cases).
"""

from __future__ import annotations

import re
from functools import cache

from .lang.tables import table

MAX_SENTENCE_CHARS = 600  # a longer run-on sentence is cut at a clause mark

_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«„(\[]?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])""")
_WORD_BEFORE = re.compile(r"((?:[^\W\d_]{1,6}\.\s?){0,3}[^\W_]+)[.!?…]+\S*$")
_NUMBER = re.compile(r"^(?:\d+|[IVXLC]+)$")
_LABEL = re.compile(r"^(?:(?P<word>[^\W\d_]+)\s+)?(?:\d+|[IVXLC]+)(?:-[^\W\d_]+)?[.)]$")
_CLAUSE = re.compile(r"[;:,—–]\s+")
_OPENING = {"«": "»", "“": "”", "„": "“"}


@cache
def _abbreviations(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """(never_final, may_end) of a language, English's for one we do not serve."""
    t = table("abbreviations")
    entry = t.get(language, t["en"])
    return frozenset(entry["never_final"].split()), frozenset(entry["may_end"].split())


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset(table("abbreviations")[name]["words"].split())


def split_sentences(
    text: str, start: int = 0, end: int | None = None, language: str = "en", max_chars: int = MAX_SENTENCE_CHARS
) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end], trimmed of whitespace; line breaks always end one."""
    end = len(text) if end is None else end
    spans = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        line_start, line_end = start + line.start(), start + line.end()
        cut = line_start
        for m in _END.finditer(text, line_start, line_end):
            if _continues(text, cut, m, line_end, language):
                continue
            spans.append((cut, m.end()))
            cut = m.end()
        spans.append((cut, line_end))
    trimmed = [s for s in (trim(text, a, b) for a, b in spans) if s[1] > s[0]]
    return [piece for a, b in trimmed for piece in _shortened(text, a, b, max_chars)]


def _continues(text: str, cut: int, m: re.Match, line_end: int, language: str) -> bool:
    """Whether the sentence goes on past this full stop (initial, abbreviation, label, open quotation)."""
    so_far = text[cut : m.end()]
    if _inside_quotation(text, cut, m.end(), line_end):
        return True
    if not text[m.start()] == ".":
        return False
    label = _LABEL.match(so_far.strip())
    if label and (label["word"] is None or label["word"].lower() in _words("article_words")):
        return True  # "1.", "IV.", "Статья 1.", "1-бап." label what follows
    before = _WORD_BEFORE.search(text[max(cut, m.start() - 24) : m.end()])
    if before is None:
        return False
    token = before.group(1)
    last = token.split(".")[-1].strip().lower()
    dotted = re.sub(r"\s", "", token).lower()
    never, may_end = _abbreviations(language)
    if dotted in may_end or last in may_end and "." in token:
        return False
    date = re.search(r"(?:\d+|[IVXLC]+)\s*" + re.escape(last) + r"\.$", so_far, re.I)
    if date and last in _words("year_marks"):  # "В 1956 г. Хрущёв ..." goes on; "... реабилитирован в 1957 г. Он" ends
        return len(re.findall(r"[^\W_]+", so_far[: date.start()])) <= 2
    if len(last) == 1 and last.isalpha():
        return True  # an initial, or one letter of "т. е."
    return dotted in never or last in never


def _inside_quotation(text: str, cut: int, at: int, line_end: int) -> bool:
    """Whether position `at` sits inside a quotation opened in this sentence and closed later on the line."""
    depth, straight = [], False
    for i in range(cut, at):
        ch = text[i]
        if ch in _OPENING:
            depth.append(_OPENING[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
        elif ch == '"':
            straight = not straight
    if depth:
        return text.find(depth[-1], at, line_end) >= 0
    if straight:
        return text.find('"', at + 1, line_end) >= 0
    return False


def _shortened(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than max_chars cut after clause marks into pieces of at most max_chars (where it can)."""
    if end - start <= max_chars:
        return [(start, end)]
    pieces, cut = [], start
    while end - cut > max_chars:
        marks = [m.end() for m in _CLAUSE.finditer(text, cut + max_chars // 3, cut + max_chars)]
        stop = marks[-1] if marks else (text.rfind(" ", cut + 1, cut + max_chars) + 1 or cut + max_chars)
        if stop <= cut:
            stop = cut + max_chars
        pieces.append(trim(text, cut, stop))
        cut = stop
    pieces.append(trim(text, cut, end))
    return [p for p in pieces if p[1] > p[0]]


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def long_sentences(spans: list[tuple[int, int]], limit: int = MAX_SENTENCE_CHARS) -> int:
    """How many sentences reach the length limit (cut pieces of a run-on sentence)."""
    return sum(1 for a, b in spans if b - a >= limit * 0.9)
