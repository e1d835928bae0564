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
class TranslatedSentence:
    """One aligned sentence of a translation, with the span of the original sentence it translates."""

    doc_id: str  # the translation document
    language: str
    start: int  # offsets in the translation document's text
    end: int
    original_doc_id: str
    original_start: int
    original_end: int
    similarity: float


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
    language: str = "en"  # the language of `quote`
    translation: bool = False  # `quote` is from a human translation; the original sentence is beside it
    original_doc_id: str = ""  # for a translation: where the original sentence is, and what it says
    original_title: str = ""
    original_quote: str = ""
    original_start: int = -1
    original_end: int = -1
    translator: str = ""
    reviewed: bool = True  # False for a draft translation no native speaker has checked
    uncertain: bool = False  # read by OCR with a word under the confidence floor: further reading only, never an answer

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
    language: str = "en"  # the question's language: "kk", "ru", "en", or "other" (not understood)
    kind: str = "answer"  # "answer", "list", "overview", "multipart", "smalltalk" or "refusal"
    unanswered: tuple[str, ...] = ()  # the parts of a multi-part question the sources do not answer

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "text": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "further_reading": [c.to_dict() for c in self.further_reading],
            "retrieval_query": self.retrieval_query,
            "notice": self.notice,
            "language": self.language,
            "kind": self.kind,
            "unanswered": list(self.unanswered),
        }
