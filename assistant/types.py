"""Plain frozen dataclasses passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Section:
    """A heading path and the span of text it covers in its document."""

    path: tuple[str, ...]  # e.g. ("Rehabilitation (Soviet)", "Khrushchev Thaw")
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One source file: its original text (all offsets point into it) and metadata."""

    id: str
    title: str
    text: str
    path: str  # relative to the corpus folder
    sections: tuple[Section, ...] = ()
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a chunk; `document.text[start:end] == text`."""

    chunk_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """A passage embedded as one vector; `document.text[start:end] == text`."""

    id: str  # content hash of (doc_id, start, end, text)
    doc_id: str
    section: tuple[str, ...]
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the ranks it had in each list."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    rows: tuple[int, ...] = ()  # index rows of the chunks this hit covers (more than one once merged)


@dataclass(frozen=True)
class Citation:
    """A quoted sentence, where it sits in its document and in its passage."""

    n: int
    doc_id: str
    title: str
    section: str
    quote: str
    passage: str
    start: int  # offsets of `quote` in the document text
    end: int
    score: float
    passage_start: int = 0  # offset of `passage` in the document text

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What `Assistant.ask` returns: quoted text with [n] markers, or an honest refusal."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    further_reading: tuple[Citation, ...] = ()  # closest passages when abstaining
    retrieval_query: str = ""  # the question as rewritten for follow-ups
    notice: str = ""  # e.g. "Your question was shortened to 1000 characters."

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "text": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "further_reading": [c.to_dict() for c in self.further_reading],
            "retrieval_query": self.retrieval_query,
            "notice": self.notice,
        }
