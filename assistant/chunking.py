"""`Document` -> `Chunk`s and `Sentence`s, with offsets into the document text, and the chunking policy.

Chunks are whole sentences (assistant.sentences: initials, abbreviations, numbered articles and quotations known)
packed by langchain-text-splitters inside one section at a time, with overlap, measured in the tokens of the model
that embeds the document's language: MiniLM's word pieces for English, multilingual-e5's for Russian and Kazakh
(MiniLM reads Cyrillic letter by letter, so its count made chunks of ~100 characters of a Russian text). A sentence
longer than a chunk is cut by the recursive splitter at clause marks, then spaces.
The policy (how big a chunk may be, and what the model reads for it: its section path, then
its text) is recorded in the index manifest, so a change to it makes the index stale.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from .register import is_entry
from .sentences import split_sentences as sentence_spans
from .sentences import trim as _trim
from .types import Chunk, Document, Sentence

if TYPE_CHECKING:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from .config import Settings
    from .embedding import Encoder

PREFIX_CHARS = 120  # in ASCII characters; any other character counts 3 (a Hangul syllable is 3 word pieces)

_SEPARATORS = ["\n\n", "\n", "\x00sentences", r"(?<=[;:,])\s+", r"\s+", ""]


def split_sentences(text: str, start: int = 0, end: int | None = None, language: str = "en") -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] (see assistant.sentences), trimmed of whitespace; line breaks always end one."""
    return sentence_spans(text, start, end, language)


def chunk_id(doc_id: str, start: int, end: int, text: str) -> str:
    """A stable content hash naming a chunk."""
    return hashlib.sha1(f"{doc_id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()[:16]


SENTENCES = "\x00sentences"  # the separator level at which text is cut into whole sentences (assistant.sentences)


def make_splitter(
    count_tokens: Callable[[str], int], max_tokens: int, overlap: int, language: str = "en"
) -> RecursiveCharacterTextSplitter:
    """A recursive splitter measured in model tokens that keeps separators, so chunks stay verbatim: paragraphs,
    then lines, then whole sentences of the language, then clauses, spaces and characters."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # heavy; only ingest needs it

    class SentenceSplitter(RecursiveCharacterTextSplitter):
        def _split_text(self, text: str, separators: list[str]) -> list[str]:
            rest = list(separators)
            while rest and rest[0] not in (SENTENCES, "") and not re.search(rest[0], text):
                rest.pop(0)
            if rest and rest[0] == SENTENCES:
                return self._by_sentence(text, rest[1:])
            return super()._split_text(text, rest)  # it recurses into this method for the finer levels

        def _by_sentence(self, text: str, finer: list[str]) -> list[str]:
            """Whole sentences merged up to the limit; a longer one cut by the finer separators, never merged again."""
            spans = sentence_spans(text, language=language, max_chars=len(text) + 1)
            out, run = [], []
            for piece in _sentence_pieces(text, 0, len(text), spans):
                if self._length_function(piece) <= self._chunk_size:
                    run.append(piece)
                    continue
                out += self._merge_splits(run, "") if run else []
                out += self._split_text(piece, finer)
                run = []
            return out + (self._merge_splits(run, "") if run else [])

    return SentenceSplitter(
        chunk_size=max_tokens,
        chunk_overlap=min(overlap, max_tokens // 2),
        length_function=count_tokens,
        separators=_SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        strip_whitespace=False,
    )


def chunk_document(
    doc: Document, count_tokens: Callable[[str], int], max_tokens: int, overlap: int, language: str = "en"
) -> list[Chunk]:
    """Cut each section of a document into token-bounded, overlapping chunks of whole sentences."""
    splitter = make_splitter(count_tokens, max_tokens, overlap, language)
    chunks = []
    for section in doc.sections:
        sentences = split_sentences(doc.text, section.start, section.end, language)
        pieces = splitter.split_text(doc.text[section.start : section.end])
        for start, end in _locate(doc.text, section.start, section.end, pieces):
            if count_tokens(doc.text[start:end]) > max_tokens:
                pieces = _hard_split(doc.text, start, end, count_tokens, max_tokens)
            else:
                pieces = [(start, end)]
            for a, b in pieces:
                text = doc.text[a:b]
                cid = chunk_id(doc.id, a, b, text)
                chunks.append(
                    Chunk(
                        id=cid,
                        doc_id=doc.id,
                        section=section.path,
                        start=a,
                        end=b,
                        text=text,
                        sentences=tuple(_sentences_in(doc.text, cid, a, b, sentences)),
                    )
                )
    return _dedupe(chunks)


def _sentence_pieces(text: str, lo: int, hi: int, sentences: list[tuple[int, int]]) -> list[str]:
    """The section's text cut at sentence starts: each sentence with the whitespace after it, nothing left out."""
    starts = [lo] + [a for a, _ in sentences[1:]] + [hi]
    return [text[a:b] for a, b in zip(starts, starts[1:], strict=False) if b > a]


def _locate(text: str, lo: int, hi: int, pieces: Iterable[str]) -> list[tuple[int, int]]:
    """Offsets of each split piece in the document.

    Each piece starts inside the one before it (overlap) or right where it ends, so it is looked
    for there, latest match first: in repetitive text an earlier match lags behind and leaves text
    in no chunk.
    """
    spans, prev = [], None  # prev: the previous piece's untrimmed (start, end)
    for piece in pieces:
        if prev is None:
            at = text.find(piece, lo, hi)
        else:
            at = text.rfind(piece, prev[0] + 1, min(hi, prev[1] + len(piece)))
            if at < 0:
                at = text.find(piece, prev[0] + 1, hi)
        if at < 0:  # the splitter altered the text; leave the piece out
            continue
        prev = (at, at + len(piece))
        start, end = _trim(text, at, at + len(piece))
        if end > start:
            spans.append((start, end))
    return spans


def _hard_split(text, start, end, count_tokens, max_tokens) -> list[tuple[int, int]]:
    """Cut an over-long span at whitespace so each piece fits the token limit."""
    pieces, cut = [], start
    while cut < end:
        stop = end
        while stop > cut + 1 and count_tokens(text[cut:stop]) > max_tokens:
            stop = cut + max(1, (stop - cut) * 3 // 4)
            space = text.rfind(" ", cut + 1, stop)
            stop = space if space > cut else stop
        a, b = _trim(text, cut, stop)
        if b > a:
            pieces.append((a, b))
        cut = stop
    return pieces


def _sentences_in(text, cid, start, end, sentences) -> list[Sentence]:
    """The sentences within a chunk, clipped to its edges."""
    out = []
    for s_start, s_end in sentences:
        a, b = max(s_start, start), min(s_end, end)
        if b > a:
            a, b = _trim(text, a, b)
            if b > a:
                out.append(Sentence(cid, a, b, text[a:b]))
    return out


def _dedupe(chunks: list[Chunk]) -> list[Chunk]:
    seen, out = set(), []
    for c in chunks:
        if c.id not in seen:
            seen.add(c.id)
            out.append(c)
    return out


# --- the policy: how big a chunk may be, and what the model reads for it ----------------------


def chunker_settings(settings: Settings, encoder: Encoder, multilingual: Encoder | None = None) -> dict:
    """The chunker settings a build records; a change to any of them makes the index stale."""
    out = {
        "splitter": "whole sentences (assistant.sentences) packed by langchain's splitter, per section; "
        "a register's entry whole when the model reads it so (assistant.register)",
        "chunk_tokens": chunk_limit(settings, encoder),
        "chunk_overlap": settings.chunk_overlap,
        "embedded_text": "section path, newline, chunk text",
        "embedded_sentence": "the sentence; a fact box's field after its section path",
        "counted_in": {"en": encoder.model_id},
    }
    if multilingual is not None:
        out["chunk_tokens_multilingual"] = chunk_limit(settings, multilingual)
        out["counted_in"] |= {"ru": multilingual.model_id, "kk": multilingual.model_id}
    return out


def chunk_limit(settings: Settings, encoder: Encoder) -> int:
    """Chunk size in word pieces, leaving room for [CLS], [SEP] and the section prefix."""
    return max(16, min(settings.chunk_tokens, encoder.max_seq_length - 2 - settings.chunk_prefix_tokens))


def section_prefix(path: tuple[str, ...]) -> str:
    """The section path as the model reads it, cut so it is never more than PREFIX_CHARS word pieces."""
    joined, weight = " > ".join(path), 0
    for i, ch in enumerate(joined):
        weight += 1 if ch.isascii() else 3
        if weight > PREFIX_CHARS:
            return joined[:i]
    return joined


def embedded_text(chunk: Chunk) -> str:
    """What the model reads for a chunk: its section path (short), then its text."""
    return section_prefix(chunk.section) + "\n" + chunk.text


# a bulleted field of a fact box ("- Date: 30 October", "- Дата: 30 октября", "- Күні: 31 мамыр"): a label of up to
# four words, a colon and its value
_FIELD = re.compile(r"^\s*[-*•·▪]\s+(\w[\w'’-]*(?: [\w'’-]+){0,3}:\s+\S.*)", re.S)


def fact_field(text: str) -> str:
    """A fact box's field without its bullet ("Date: 30 October"), or "" for any other line."""
    m = _FIELD.match(text)
    return m.group(1).strip() if m else ""


def embedded_sentence(chunk: Chunk, sentence: Sentence) -> str:
    """What the models read for a sentence: the sentence. A fact box's field names neither what the box is about
    nor the question it answers ("- Date: 30 October"), so it is read after its section path, as its box's title."""
    own = fact_field(sentence.text)
    return f"{section_prefix(chunk.section)}: {own}" if own and chunk.section else sentence.text


def chunk_corpus(
    documents: list[Document], settings: Settings, encoder: Encoder, multilingual: Encoder | None = None
) -> list[Chunk]:
    """Every document's chunks, sized in the tokens of the model that embeds its language (e5 for Russian and
    Kazakh when `multilingual` is given), each section's so that its prefix and text fit the model together."""
    from .language import document_language

    chunks = []
    for doc in documents:
        language = document_language(doc)
        model = multilingual if multilingual is not None and language in ("ru", "kk") else encoder
        limit = chunk_limit(settings, model)
        for section in doc.sections:
            room = model.max_seq_length - 2 - model.count_tokens(section_prefix(section.path) + "\n")
            one_section = replace(doc, sections=(section,))
            # a register's entry is one chunk when the model can read it whole: its title line and its lines together
            size = room if is_entry(doc, section) else min(limit, room)
            chunks += chunk_document(one_section, model.count_tokens, size, settings.chunk_overlap, language)
    return chunks
