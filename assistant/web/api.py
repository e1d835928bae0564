"""The JSON API beside the page: `POST /api/v1/ask`, `GET /api/v1/health`, `GET /api/v1/documents/{id}`.

Served by the same FastAPI app as the page (routes handed to Gradio's `launch(app_kwargs=...)`), but
never through Gradio's queue: a request calls the engine directly in the server's thread pool. It is
stateless (the client sends the history), so any replica can answer any request. The answer is the
dict the page's `/ask` returns (`Answer.to_dict()`). Rules: a body over `api_max_body_bytes` gets 413
before it is read; a malformed one 422 naming what is wrong; a question over the page's limit in this
mode (`max_question_chars`, on a kiosk `kiosk_max_question_chars`) is shortened by the engine, which
says so in `notice`; at most `api_rate_limit_per_minute` questions per
client address (429 with Retry-After), the address taken from `X-Forwarded-For` only when the peer is
one of `trusted_proxies`; an engine that is not ready, or fails, gives 503, never 500. A refused
question is logged for the curator's "what visitors needed" as the page logs it (text, language, time
only). The schema is at `/api/v1/openapi.json`.
"""

import logging
import time

import orjson
from fastapi import Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from ..config import Settings
from ..errors import AssistantError
from ..unanswered import needs_log
from .i18n import t
from .schema import AnswerOut, AskRequest, DocumentOut, Health, Problem
from .service import RateLimiter, clean_history

log = logging.getLogger("app")
PREFIX = "/api/v1"
VERSION = "1"


def api_enabled(settings: Settings) -> bool:
    """Whether this server offers the API: `api` on, or auto (on for students, off on a kiosk)."""
    return settings.api == "on" or (settings.api == "auto" and not settings.kiosk)


# --- the rules ----------------------------------------------------------------------------


def client_address(peer: str | None, forwarded_for: str | None, trusted: frozenset[str]) -> str:
    """The client's address: the peer's, or when the peer is a trusted proxy, the last untrusted X-Forwarded-For hop."""
    peer = peer or "unknown"
    if peer not in trusted or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return hops[0] if hops else peer


def question_limit(settings: Settings) -> int:
    """The longest question the page of this mode takes (a kiosk's is shorter); the API shortens at the same."""
    return settings.kiosk_max_question_chars if settings.kiosk else settings.max_question_chars


def trusted_proxies(settings: Settings) -> frozenset[str]:
    return frozenset(a.strip() for a in settings.trusted_proxies.split(",") if a.strip())


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    """JSON bytes straight from orjson: no model validation on the way out (the answer is already checked data)."""
    return Response(orjson.dumps(data), status_code=status, headers=headers, media_type="application/json")


def problem(status: int, error: str, message: str, headers: dict | None = None) -> Response:
    return json_response({"error": error, "message": message}, status, headers)


class Refused(Exception):
    """Why a question or document gets no answer: the HTTP status, a code, a message, and seconds to wait."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after

    def response(self) -> Response:
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after else None
        return problem(self.status, self.code, self.message, headers)


class BodyLimit:
    """ASGI middleware: a request to the API whose body passes `max_bytes` gets 413 (`too_large()`), read no further."""

    def __init__(self, app, max_bytes: int, prefix: str = PREFIX, too_large=None):
        self.app, self.max_bytes, self.prefix = app, max_bytes, prefix
        self.too_large = too_large or (
            lambda: problem(413, "too_large", f"The request body is over {max_bytes} bytes.")
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            return await self.app(scope, receive, send)
        too_large = self.too_large()
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            return await too_large(scope, receive, send)
        if length is not None:
            return await self.app(scope, receive, send)
        body = bytearray()  # no Content-Length (chunked): read up to the cap here, then hand the body on
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                return await too_large(scope, receive, send)
            if not message.get("more_body"):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


async def _validation_problem(request: Request, exc: RequestValidationError):
    """A malformed API request: 422 naming each problem; other routes keep FastAPI's own answer."""
    if not request.url.path.startswith(PREFIX):
        return await request_validation_exception_handler(request, exc)
    problems = []
    for e in exc.errors()[:10]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {e.get('msg', 'invalid')}")
    return _invalid("; ".join(problems))


async def _http_problem(request: Request, exc: HTTPException):
    """On the API, HTTP errors in the API's shape; a body that is not even UTF-8 JSON is a 422 like any malformed one."""
    if not request.url.path.startswith(PREFIX):
        return await http_exception_handler(request, exc)
    if exc.status_code == 400:
        return _invalid("the body is not JSON in UTF-8")
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return problem(exc.status_code, code, str(exc.detail), exc.headers)  # a 405 keeps its Allow (RFC 9110)


def _invalid(what: str) -> Response:
    message = f'The request is not valid: {what}. Send JSON like {{"question": "..."}}.'
    return problem(422, "invalid_request", message)


# --- the routes ---------------------------------------------------------------------------


class Api:
    """The three endpoints over one assistant (None: not ready, with `reason`)."""

    def __init__(self, assistant, settings: Settings, reason: str = "", clock=time.monotonic):
        self.max_chars = question_limit(settings)
        if assistant is not None and self.max_chars != settings.max_question_chars:
            assistant = assistant.with_settings(max_question_chars=self.max_chars)  # the kiosk page's limit
        self.assistant = assistant
        self.settings = settings
        self.reason = reason or "the index is not loaded"
        self.limiter = RateLimiter(settings.api_rate_limit_per_minute, clock, max_sessions=100_000)  # per address
        self.trusted = trusted_proxies(settings)
        self.default_language = settings.kiosk_language if settings.kiosk else settings.page_language
        self._schema = None

    def answer(
        self, question: str, history: list[dict], language: str | None = None, address: str | None = None
    ) -> dict:
        """The answer dict (`Answer.to_dict()`) the API and the MCP tool return, or `Refused` saying why not.

        `address` is the client's: it is counted against `api_rate_limit_per_minute`, and a refused question
        is logged for the curator as the page logs it. None is a local caller (MCP on stdio), like the CLI
        neither limited nor logged.
        """
        language = language or self.default_language  # the reader's, for our own messages
        if address is not None:
            wait = self.limiter.wait(address)
            if wait:
                raise Refused(429, "rate_limited", t("rate_limited", language), max(1, int(wait + 0.999)))
        if self.assistant is None:
            raise Refused(503, "not_ready", t("unavailable", language), 5)  # the reason is on /api/v1/health
        try:
            answer = self.assistant.ask(question, clean_history(history[-40:]), language=language)
        except AssistantError as exc:
            log.warning("API question failed: %s", exc)
            raise Refused(503, "unavailable", t("could_not_answer", language, error=exc), 5) from None
        except Exception:
            log.exception("API question failed")
            raise Refused(503, "unavailable", t("unavailable", language), 5) from None
        if answer.abstained and address is not None:  # as the page does: a need for the curator; never raises
            needs_log(self.settings).record(answer, "api", address)
        return answer.to_dict()

    def source(self, doc_id: str) -> dict:
        """A source document as `DocumentOut` describes it (all citation offsets point into its text), or `Refused`."""
        if self.assistant is None:
            raise Refused(503, "not_ready", t("unavailable", self.default_language), 5)
        try:
            d = self.assistant.document(doc_id)
        except AssistantError:
            raise Refused(404, "not_found", f"No document {doc_id[:100]!r} in the index.") from None
        except Exception:
            log.exception("API document %r failed", doc_id[:100])
            raise Refused(503, "unavailable", t("unavailable", self.default_language), 5) from None
        sections = [{"path": list(s.path), "start": s.start, "end": s.end} for s in d.sections]
        return {"id": d.id, "title": d.title, "text": d.text, "path": d.path, "sections": sections, "meta": d.meta}

    def ask(self, body: AskRequest, request: Request):
        """Answer a question with verbatim cited sentences, or abstain; the same dict as the page's /ask."""
        address = client_address(
            request.client.host if request.client else None, request.headers.get("x-forwarded-for"), self.trusted
        )
        try:
            return json_response(
                self.answer(body.question, [turn.model_dump() for turn in body.history[-40:]], body.language, address)
            )
        except Refused as refused:
            return refused.response()

    def health(self):
        """Ready (200) or not (503), with the index and models this replica answers from."""
        if self.assistant is None:
            return json_response(Health(ready=False, reason=self.reason).model_dump(), 503)
        try:
            index = self.assistant.index
            manifest = index.manifest
            health = Health(
                ready=True,
                index_id=index.path.name,
                model=manifest["model"]["id"],
                multilingual_model=(manifest.get("multilingual") or {}).get("id"),
                documents=len(index.documents),
                chunks=len(index.chunks),
            )
        except Exception as exc:
            log.exception("health check failed")
            return json_response(Health(ready=False, reason=type(exc).__name__).model_dump(), 503)
        return json_response(health.model_dump())

    def document(self, doc_id: str):
        """A source document's whole text (all citation offsets point into it), title and metadata."""
        try:
            return json_response(self.source(doc_id))
        except Refused as refused:
            return refused.response()

    def openapi(self):
        if self._schema is None:
            self._schema = get_openapi(
                title="Rehabilitation assistant API", version=VERSION, description=__doc__, routes=self.routes()
            )
        return json_response(self._schema)

    def routes(self) -> list[APIRoute]:
        bad = {413: {"model": Problem}, 422: {"model": Problem}, 429: {"model": Problem}, 503: {"model": Problem}}
        return [
            APIRoute(
                f"{PREFIX}/ask",
                self.ask,
                methods=["POST"],
                response_model=AnswerOut,
                responses=bad,
                summary="Answer a question",
            ),
            APIRoute(
                f"{PREFIX}/health",
                self.health,
                methods=["GET"],
                response_model=Health,
                responses={503: {"model": Health}},
                summary="Whether this replica is ready",
            ),
            APIRoute(
                f"{PREFIX}/documents/{{doc_id}}",
                self.document,
                methods=["GET"],
                response_model=DocumentOut,
                responses={404: {"model": Problem}, 503: {"model": Problem}},
                summary="A source document",
            ),
            APIRoute(f"{PREFIX}/openapi.json", self.openapi, methods=["GET"], include_in_schema=False),
        ]


def app_kwargs(assistant, settings: Settings, reason: str = "", api: Api | None = None) -> dict:
    """What the FastAPI app is built with to serve the API: its routes (first), the body cap, the 422 wording."""
    api = api or Api(assistant, settings, reason)
    return {
        "routes": api.routes(),
        "middleware": [Middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)],
        "exception_handlers": {RequestValidationError: _validation_problem, HTTPException: _http_problem},
    }
