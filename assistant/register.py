"""Registers: documents made of entries, each a title line followed by short lines about what it names.

A book of memory, a martyrology, a list of camps or of decrees is written so: a line with a person's name and age
("Ким Анна Тимофеевна  28 лет"), then lines of birth, arrest, charge, sentence and rehabilitation that never name
her again ("Расстреляна 18.11.1937."). Such a title line is found by its shape alone, in any language: it opens a
paragraph, is followed at once by the entry's lines, is short, starts with a capital, and ends with no sentence
mark; it is no list item or table row. A plain text is read as a register only when it has no marked-up headings
and at least `MIN_ENTRIES` such paragraphs: one short first line is a title, not a register.

Each entry becomes a section whose path ends with its title line and whose text starts at that line, so a chunk
never joins one entry's lines to another's title, search finds the entry by the name on it, and the title line
is the subject of every line under it (`entry_title`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from .lang.words import read_words
from .text import shared_start
from .types import Document, Section

MIN_ENTRIES = 3  # paragraphs opening with a title line before a plain text is read as a register
MAX_TITLE_CHARS = 100  # a title line is a name and a few words ("Ким Анна Тимофеевна  28 лет", or with how she
MAX_TITLE_WORDS = 12  # died: "Салатова Матрена Прокофьевна 45 лет, умерла в заключении в 1944 году"), not a sentence

_LINE = re.compile(r"[^\n]+")
_LIST_OR_ROW = re.compile(r"^\s*(?:[-–—•*·]|\d+[.)]\s|\(?[a-zа-я]\)\s)|\|")
_SENTENCE_MARK = re.compile(r"[.!?…:;,]\s*$")


def entry_headings(text: str) -> list[tuple[int, str, int, int]]:
    """The title lines of a register's entries as headings (level, title, line start, line end), or [] when the
    text is not a register."""
    found = []
    for m in _LINE.finditer(text):
        line, start, end = m.group(), m.start(), m.end()
        opens = start == 0 or text[max(0, start - 2) : start] == "\n\n" or not text[:start].strip()
        followed = end < len(text) - 1 and text[end : end + 2] != "\n\n" and text[end + 1 :].strip() != ""
        if opens and followed and is_title_line(line):
            found.append((1, line.strip(), start, end))
    return found if len(found) >= MIN_ENTRIES else []


def is_title_line(line: str) -> bool:
    """Whether a line has the shape of an entry's title: short, capitalised, no sentence mark at its end, no list
    item or table row."""
    line = line.strip()
    words = line.split()
    return (
        3 <= len(line) <= MAX_TITLE_CHARS
        and len(words) <= MAX_TITLE_WORDS
        and line[0].isupper()
        and any(ch.islower() for ch in line)  # a line in capitals is the heading of a part, not an entry
        and not all(w.isupper() for w in words[:2])  # nor one opening in capitals ("ЧИСЛЕННОСТЬ РАССТРЕЛЯННЫХ ... за
        # период"): a surname in capitals is followed by a given name in lower case ("ИВАНОВ Иван Иванович")
        and not _SENTENCE_MARK.search(line)
        and not _LIST_OR_ROW.search(line)
    )


def is_entry(doc: Document, section: Section) -> bool:
    """Whether a section is a register's entry: its text starts with its own title line (a marked-up heading's
    section starts after the heading's line, a whole document's section has no title of its own)."""
    return len(section.path) > 1 and doc.text.startswith(section.path[-1], section.start)


def entry_title(doc: Document, path: tuple[str, ...]) -> str:
    """The title line of the register entry a chunk's section path names, or "" when it is no entry."""
    return path[-1] if path in _entry_paths(doc) else ""


@lru_cache(maxsize=256)
def _entry_paths(doc: Document) -> frozenset[tuple[str, ...]]:
    return frozenset(s.path for s in doc.sections if is_entry(doc, s))


def entry_sections(text: str, headings: list[tuple[int, str, int, int]], title: str) -> tuple[Section, ...]:
    """A register's sections: what comes before the first entry, then each entry from its title line on."""
    first = headings[0][2]
    sections = [Section((title,), 0, first)] if text[:first].strip() else []
    for i, (_, name, start, _) in enumerate(headings):
        end = headings[i + 1][2] if i + 1 < len(headings) else len(text)
        sections.append(Section((title, name), start, end))
    return tuple(sections)


def entry_names(doc: Document) -> list[str]:
    """The capitalised words on a register's entry title lines: the names the entries are about ("Залога-Тен",
    "Валентина"), though each stands at a line start, where any word is capitalised."""
    return [
        w
        for s in getattr(doc, "sections", ())
        if is_entry(doc, s)
        for w in re.findall(r"[^\W\d_][\w’'-]*", s.path[-1])
        if w[0].isupper() and any(ch.islower() for ch in w)
    ]


_WORD = re.compile(r"[^\W\d_][\w’'-]*")


def full_names(text: str, is_name: Callable[[str], bool]) -> tuple[tuple[str, ...], ...]:
    """The full names a question gives: runs of two or more adjacent capitalised words, at least one of which the
    sources write as a name ("Ли Марию", "Ким Веру Александровну"; not "Great Terror")."""
    runs, run, end = [], [], -1
    for m in _WORD.finditer(text):
        word = m.group()
        opens = word[0].isupper() and not _adjective(word)
        if opens and (not run or not text[end : m.start()].strip()):
            run.append(word)
        else:
            runs.append(run)
            run = [word] if opens else []
        end = m.end()
    runs.append(run)
    return tuple(tuple(r) for r in runs if len(r) >= 2 and any(is_name(w) for w in r))


def _adjective(word: str) -> bool:
    """A Russian adjective that is no surname opens no name and ends one: "Володькину Ольгу Военный трибунал"."""
    if not is_cyrillic_word(word):
        return False
    read = read_words(word, "ru")
    tags = read[0].tags if read else frozenset()
    return "ADJF" in tags and not tags & {"Surn", "Name", "Patr"}


def names_someone_else(names: tuple[tuple[str, ...], ...], title: str) -> bool:
    """Whether a register entry's title names another person than a question that gives a full name: neither holds
    every word of the other's name ("Ким Мария" and "Ли Марию"; "Ким-Хан-Сук Вера Ивановна" is held by "Ким-Хан-Сук
    Вера Ивановна Серпуховта"), though they share a word or are written in the same alphabet. A word is held in
    any case form (its last letters may differ); a title's variants in brackets are not part of its name."""
    own = _parts(w for w in _WORD.findall(re.sub(r"\([^)]*\)", " ", title)) if w[0].isupper())
    if not own:
        return False
    for name in names:
        parts = _parts(name)
        held = [any(_same_word(p, t) for t in own) for p in parts]
        if all(held) or all(any(_same_word(t, p) for p in parts) for t in own):
            continue
        if any(held) or is_cyrillic_word(parts[0]) == is_cyrillic_word(own[0]):
            return True
    return False


def _parts(words) -> list[str]:
    return [p.lower() for w in words for p in w.split("-") if p]


def _same_word(a: str, b: str) -> bool:
    """Two forms of one name: the shorter whole, less its last letters when it is long enough to be declined."""
    short = min(len(a), len(b))
    allowed = 0 if short <= 3 else 1 if short == 4 else 2
    return shared_start(a, b) >= short - allowed


def is_cyrillic_word(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def entry_at(doc: Document, offset: int) -> Section | None:
    """The register entry whose text holds an offset, or None."""
    entries = _entries(doc)
    i = bisect_right([s.start for s in entries], offset) - 1
    return entries[i] if i >= 0 and offset < entries[i].end else None


@lru_cache(maxsize=256)
def _entries(doc: Document) -> tuple[Section, ...]:
    return tuple(sorted((s for s in doc.sections if is_entry(doc, s)), key=lambda s: s.start))


def with_entry_titles(chosen: list, documents: dict, hits) -> list:
    """The chosen sentences, each from a register's entry preceded by that entry's title line, quoted as it stands
    (once per entry, and only where a retrieved passage holds it): "Расстреляна 18.11.1937, г. Ленинград" says
    whom it is about only under "Залога-Тен Валентина Александровна  32 года". Each is a `select.Candidate`."""
    out, quoted = [], {(c.doc_id, c.start) for c in chosen}
    for c in chosen:
        entry = entry_at(documents[c.doc_id], c.start)
        if entry is not None and (c.doc_id, entry.start) not in quoted:
            end = entry.start + len(entry.path[-1])
            if any(h.chunk.doc_id == c.doc_id and h.chunk.start <= entry.start and end <= h.chunk.end for h in hits):
                out.append(replace(c, start=entry.start, end=end, text=entry.path[-1]))
                quoted.add((c.doc_id, entry.start))
        out.append(c)
    return out
