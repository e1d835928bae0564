"""The JSON API's and the MCP tools' data: what a request holds and what an answer or a document looks like.

Plain pydantic models, shared by assistant/web/api.py (the OpenAPI schema at /api/v1/openapi.json) and
assistant/web/mcp_server.py (the tools' input and output schemas), so both doors describe one shape.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Turn(BaseModel):
    """One earlier message of the conversation."""

    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    """A question, with the conversation so far (only its last 20 messages are read) and the reader's language."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(
        description="the question; longer than the page's limit (max_question_chars, on a kiosk "
        "kiosk_max_question_chars) is shortened (see `notice`)",
        examples=["When did Russia rehabilitate Leon Trotsky?"],
    )
    history: list[Turn] = Field(default_factory=list, description="earlier messages, oldest first")
    language: Literal["kk", "ru", "en"] | None = Field(
        None, description="the reader's language, assumed only for a question that shows none of its own"
    )


class CitationOut(BaseModel):
    """A quoted sentence: where it sits in its document, and for a translation, the original beside it."""

    model_config = ConfigDict(extra="allow")
    n: int = Field(description="the [n] marker that follows the quote in the answer's text")
    doc_id: str = Field(description="the document quoted (`GET /api/v1/documents/{doc_id}`, MCP tool `document`)")
    title: str
    section: str = Field("", description="the heading of the part of the document the quote is in")
    quote: str = Field(description="the sentence, verbatim: the document's text[start:end]")
    passage: str = Field("", description="the passage around the quote, verbatim, from passage_start")
    start: int
    end: int
    score: float = Field(0.0, description="how closely the passage matched the question (for ordering only)")
    passage_start: int = 0
    language: str = Field(description="the quote's language: en, ru or kk")
    translation: bool = Field(description="the quote is from a human translation held in the corpus")
    original_doc_id: str = Field(description="for a translation: the document of the original sentence")
    original_title: str = ""
    original_quote: str = Field("", description="for a translation: the original sentence, verbatim")
    original_start: int = Field(description="for a translation: the original sentence's offsets (else -1)")
    original_end: int
    translator: str = ""
    reviewed: bool = Field(True, description="false for a draft translation no native speaker has checked")


class AnswerOut(BaseModel):
    """The answer, as the page's `/ask` returns it: sentences quoted verbatim from the sources, each marked [n]."""

    model_config = ConfigDict(extra="allow")
    question: str = Field(description="the question as read (shortened past the limit; see `notice`)")
    text: str = Field(
        description="the answer: quoted sentences with [n] markers, or our note that the sources do not answer"
    )
    abstained: bool = Field(description="true when the sources do not answer the question")
    citations: list[CitationOut] = Field(description="the quotes of `text`, in marker order")
    further_reading: list[CitationOut] = Field(description="when abstaining: the closest passages (they do not answer)")
    retrieval_query: str = ""
    notice: str = Field(description="a remark on the question, e.g. shortened or a spelling corrected")
    language: str = Field(description="the question's language: en, ru, kk, or other")
    kind: str = Field("answer", description="answer, list, overview, multipart, smalltalk or refusal")
    unanswered: list[str] = Field(default_factory=list, description="parts of a multi-part question not answered")


class Health(BaseModel):
    """Whether this replica answers, and from which index."""

    ready: bool
    index_id: str | None = None
    model: str | None = None
    multilingual_model: str | None = None
    documents: int | None = None
    chunks: int | None = None
    reason: str | None = None


class SectionOut(BaseModel):
    """A section of a document: its heading path and where it sits in the text."""

    path: list[str]
    start: int
    end: int


class DocumentOut(BaseModel):
    """A source document: its whole text (every citation's offsets point into it), title and metadata."""

    id: str
    title: str
    text: str
    path: str = Field(description="the source file, relative to the corpus folder")
    sections: list[SectionOut]
    meta: dict = Field(description="its entry in corpus/sources.toml: kind, origin, language, licence, ...")


class Problem(BaseModel):
    """Why a request got no answer: a short code for scripts and a message for people."""

    error: str
    message: str
