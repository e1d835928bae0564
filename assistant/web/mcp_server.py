"""The assistant as a Model Context Protocol server: tools `ask` and `document`, on stdio or at `/mcp`.

Built with the official `mcp` SDK around the JSON API's `Api` (assistant/web/api.py), so both doors
answer with one shape (`Answer.to_dict()`, `DocumentOut`), one question limit, one rate limit per client
address and one log of refused questions. `assistant mcp` serves it on stdio (a local client starts it;
no rate limit); the student page's server serves it as streamable HTTP at `/mcp` whenever it serves the
JSON API (`api_enabled`: on for students, on a kiosk only with `api = "on"`). Over HTTP it is stateless
and answers in plain JSON, so any replica can answer any request, a body over `api_max_body_bytes` gets
413 before it is read, and the `Host` header is checked against DNS rebinding while the server listens
on loopback only with no proxy in front.

Bad arguments (a missing or over-long question, a wrong type, an unknown document) come back as MCP tool
errors (`isError`) whose text says what is wrong; nothing of a traceback reaches the client.
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations, which name a closure's limit.
from importlib import metadata
from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import ToolAnnotations
from pydantic import Field
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..config import Settings
from .api import Api, BodyLimit, Refused, client_address
from .schema import AnswerOut, DocumentOut, Turn

PATH = "/mcp"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

INSTRUCTIONS = """\
This server answers questions about Soviet political rehabilitation (the post-1953 release and \
exoneration of people repressed under Stalin, the perestroika wave, Kazakhstan's State Commission) \
from a fixed collection of source texts, in English, Russian or Kazakh. No language model writes its \
answers: every sentence of an answer is quoted word for word from a source, marked [n], and each \
citation gives the source's title, document id and the character offsets of the quote. When you use \
an answer, present its sentences as quotations from the cited sources and cite them; do not restate \
them as facts of your own, do not add to them, and do not translate them yourself. When `abstained` is \
true the sources do not answer the question: say so, and do not answer it from elsewhere in their name."""

ASK = """\
Ask the sources a question (English, Russian or Kazakh). Returns the answer, whose `text` is made \
only of sentences quoted verbatim from the sources, each followed by its [n] marker; `citations[n-1]` \
says where that quote is: `doc_id`, `title`, `section`, `start`/`end` (character offsets into the \
document's text, which the `document` tool returns). A citation with `translation: true` quotes a \
human translation held in the collection (`reviewed: false` marks a draft); `original_quote` and \
`original_start`/`original_end` give the original sentence it translates. Quote and cite these \
sentences; never present them as your own words or as established fact beyond what the source says. \
`abstained: true` means the sources do not answer (the text says so and `further_reading` lists the \
closest passages, which do not answer the question). `notice` carries remarks such as a corrected \
spelling. Pass the conversation so far in `history` to ask a follow-up ("When was he rehabilitated?")."""

DOCUMENT = """\
A source's whole text and metadata (title, file, sections, kind, origin, language, licence), by the \
`doc_id` a citation of `ask` names. Every citation's `start`/`end` offsets point into this `text`, so \
`text[start:end]` is the quoted sentence."""

READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


def build_server(api: Api) -> MCPServer:
    """An MCP server with the tools `ask` and `document` over `api`'s assistant, limits and log."""
    server = MCPServer(
        "rehabilitation-assistant",
        title="Rehabilitation sources assistant",
        instructions=INSTRUCTIONS,
        version=_version(),
        log_level="WARNING",
    )

    def ask(
        question: Annotated[
            str,
            Field(
                max_length=api.max_chars,
                description=f"the question, at most {api.max_chars} characters, in English, Russian or Kazakh",
            ),
        ],
        history: Annotated[
            list[Turn] | None,
            Field(description="earlier messages of this conversation, oldest first (the last 20 are read)"),
        ] = None,
        language: Annotated[
            Literal["kk", "ru", "en"] | None,
            Field(description="the reader's language, for a question that shows none of its own"),
        ] = None,
        ctx: Context | None = None,
    ) -> AnswerOut:
        turns = [turn.model_dump() for turn in (history or [])[-40:]]
        try:
            return AnswerOut.model_validate(api.answer(question, turns, language, _address(api, ctx)))
        except Refused as refused:
            raise ToolError(_refusal(refused)) from None

    def document(
        doc_id: Annotated[str, Field(max_length=1000, description="the `doc_id` of a citation")],
    ) -> DocumentOut:
        try:
            return DocumentOut.model_validate(api.source(doc_id))
        except Refused as refused:
            raise ToolError(_refusal(refused)) from None

    server.add_tool(ask, title="Ask the sources", description=ASK, annotations=READ_ONLY)
    server.add_tool(document, title="Read a source", description=DOCUMENT, annotations=READ_ONLY)
    return server


def _address(api: Api, ctx: Context | None) -> str | None:
    """The HTTP client's address (as the JSON API takes it), or None on stdio, where nothing is limited."""
    request = ctx.request_context.request if ctx is not None else None
    if request is None or not hasattr(request, "headers"):
        return None
    peer = request.client.host if getattr(request, "client", None) else None
    return client_address(peer, request.headers.get("x-forwarded-for"), api.trusted)


def _refusal(refused: Refused) -> str:
    wait = f" Retry after {refused.retry_after} s." if refused.retry_after else ""
    return f"{refused.message}{wait}"


def _version() -> str:
    try:
        return metadata.version("rehabilitation-assistant")
    except metadata.PackageNotFoundError:
        return ""


def http_kwargs(api: Api, settings: Settings) -> dict:
    """Route and lifespan that serve `api` as streamable HTTP at /mcp on the page's FastAPI app."""
    server = build_server(api)
    guarded = settings.host in LOOPBACK and not api.trusted  # behind a proxy, its server_name picks the hosts
    app = server.streamable_http_app(
        streamable_http_path=PATH,
        stateless_http=True,
        json_response=True,
        max_request_body_size=settings.api_max_body_bytes,
        transport_security=None if guarded else TransportSecuritySettings(enable_dns_rebinding_protection=False),
        host=settings.host,
    )
    limit = settings.api_max_body_bytes

    def too_large():  # a JSON-RPC error, so the client shows this message rather than a bare status
        message = f"The request is over {limit} bytes; a question may have at most {api.max_chars} characters."
        return JSONResponse({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}, 413)

    endpoint = BodyLimit(app, limit, prefix=PATH, too_large=too_large)
    return {"routes": [Route(PATH, endpoint=endpoint)], "lifespan": lambda _app: server.session_manager.run()}


def run_stdio(api: Api) -> None:
    """Serve on this process's stdin and stdout until the client closes them."""
    build_server(api).run("stdio")
