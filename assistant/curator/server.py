"""The console's process: a small FastAPI app (Gradio's own web stack) on its own address, `python app.py --curator`.

Why a separate process and port rather than a `/curator` page of the app: the public kiosk and student
page then never carry the console's routes at all, so no proxy rule or forgotten setting can expose
it; it binds 127.0.0.1 by default (a non-loopback bind needs a password, see `auth.check_bind`), and it
can be stopped, restarted or left off (the default) without touching the screens visitors use. Plain
forms rather than Gradio components: uploads, edits and removals are ordinary POSTs that work by
keyboard, without JavaScript, and are easy to test over real HTTP.

Routes: GET / (sign-in or the console), POST login, logout, upload, edit, remove, rebuild, dismiss (a row
of what visitors needed); GET status (the rebuild as JSON, for the progress bar) and needs.csv. Every
change is audited; every refusal is a clear message in the console's language (en/ru/kk) and changes nothing.
"""

from __future__ import annotations

import json
import logging
import threading
from html import escape

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from ..config import Settings
from ..unanswered import dismiss
from .audit import AuditLog
from .auth import COOKIE, Gate, check_bind, check_token_source
from .i18n import language_of, t
from .needs import collect, e5_encoder, group, to_csv
from .page import console_page, login_page, rebuild_text, scan_page
from .rebuild import RebuildJob
from .scans import page_image, review, review_html, save_correction, scan_names
from .store import LOCK, CorpusStore
from .validation import CuratorError, check_file_name, clean_metadata, size_label

log = logging.getLogger("assistant.curator")
LANG_COOKIE = "curator_lang"
MAX_FORM_OVERHEAD = 1_000_000  # bytes of form fields allowed beside the file before the body is refused unread
COPY_BLOCK = 1 << 20


class Console:
    """The console's parts over one settings object: store, rebuild job, audit log, gate, needs encoder."""

    def __init__(self, settings: Settings, build=None, encode=None):
        self.settings = settings
        self.store = CorpusStore(
            settings.corpus_dir, settings.curator_max_upload_bytes, settings.cache_dir / LOCK, settings.ocr_max_pixels
        )
        self.audit = AuditLog(settings.log_path("audit"))
        self.gate = Gate(settings.curator_token, settings.curator_login_attempts_per_minute)
        self.rebuild = RebuildJob(settings, self._rebuilt, build=build, reading=self.store.reading)
        self._encode = encode  # encode(texts) -> unit vectors; by default e5, loaded on first use
        self._vectors: dict[str, object] = {}
        self._encoder_lock = threading.Lock()
        self._who_rebuilt = "-"

    def request_rebuild(self, who: str, lang: str = "en") -> str:
        """Start (or queue) a rebuild; a sentence saying it was queued behind the running one, else ""."""
        self._who_rebuilt = who
        state = self.rebuild.request()
        return " " + t("rebuild_queued", lang) if state.queued else ""

    def _rebuilt(self, state) -> None:
        outcome = "ok" if state.state == "done" else "failed"
        detail = f"build {state.build}, {state.documents} documents" if outcome == "ok" else state.reason
        if outcome == "ok" and state.left_out:
            detail += "; left out: " + "; ".join(f"{name} ({reason})" for name, _, reason in state.left_out)
        self.audit.record(self._who_rebuilt, "rebuild", "", outcome, detail)

    def groups(self):
        needs = collect(self.settings)
        encode = self._encode if self._encode is not None else self._default_encode()
        if encode is None:
            return group(needs, None, self.settings.needs_group_similarity)
        return group(needs, self._cached(encode), self.settings.needs_group_similarity)

    def _default_encode(self):
        with self._encoder_lock:
            if self._encode is None:
                self._encode = e5_encoder(self.settings) or False
        return self._encode or None

    def _cached(self, encode):
        def cached(texts):
            missing = [x for x in texts if x not in self._vectors]
            if missing:
                self._vectors.update(zip(missing, encode(missing), strict=True))
            return [self._vectors[x] for x in texts]

        return cached


def create_console(settings: Settings, build=None, encode=None):
    """The console's FastAPI app (no server). `build`/`encode` replace build_index / e5 only in tests of pure rules."""
    console = Console(settings, build, encode)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = console

    def address(request: Request) -> str:
        return request.client.host if request.client else "?"

    def language(request: Request, form=None) -> str:
        value = request.query_params.get("lang") or (form.get("lang") if form is not None else None)
        return language_of(value or request.cookies.get(LANG_COOKIE))

    def html(body: str, lang: str, status: int = 200) -> HTMLResponse:
        response = HTMLResponse(body, status_code=status, headers=_HEADERS)
        response.set_cookie(LANG_COOKIE, lang, samesite="strict", httponly=True)
        return response

    async def render(session, lang: str, message="", error="", status=200, draft=None) -> HTMLResponse:
        entries = await run_in_threadpool(console.store.entries)
        groups = await run_in_threadpool(console.groups)
        if not error and not await run_in_threadpool(console.store.writable):
            error = t("read_only", lang, folder=str(console.store.corpus_dir))
        body = console_page(lang, session.who, session.csrf, entries, rebuild_state(), groups,
                            console.audit.entries(), message, error, draft)  # fmt: skip
        return html(body, lang, status)

    def signed_in(request: Request):
        return console.gate.session(request.cookies.get(COOKIE))

    async def change(request: Request, action: str, work):
        """Run one change for a signed-in curator with a valid form token: audit it, show the result."""
        if int(request.headers.get("content-length") or 0) > settings.curator_max_upload_bytes + MAX_FORM_OVERHEAD:
            lang = language(request)
            session = signed_in(request)
            if session is None:
                return html(login_page(lang, error=t("login_required", lang)), lang, 401)
            console.audit.record(session.who, action, "", "too_large", "request body over the limit")
            return await render(session, lang, error=t("too_large", lang, limit=size_label(settings.curator_max_upload_bytes)), status=413)
        form = await request.form(max_files=1, max_fields=40)
        lang = language(request, form)
        session = signed_in(request)
        if session is None:
            return html(login_page(lang, error=t("login_required", lang)), lang, 401)
        if not console.gate.csrf_ok(session, form.get("csrf")):
            console.audit.record(session.who, action, "", "bad_form_token")
            return await render(session, lang, error=t("session_expired", lang), status=403)
        target = str(form.get("name") or getattr(form.get("file"), "filename", "") or "")[:200]
        detail = ""
        try:
            message = await work(form, session, lang)
            if isinstance(message, tuple):  # (message, a note for the audit log)
                message, detail = message
        except CuratorError as exc:
            if exc.code == "busy" and console.rebuild.reading_corpus:
                exc = CuratorError("busy_rebuild")
            console.audit.record(session.who, action, target, exc.code, exc.message("en"))
            draft = None
            if action in ("edit", "upload"):
                draft = {k: form.get(k, "") for k in ("title", "kind", "origin", "language", "licence", "translation_of", "translator", "reviewed")}
                draft["name"] = target if action == "edit" else ""
            return await render(session, lang, error=exc.message(lang), status=exc.status, draft=draft)
        except Exception:
            log.exception("curator %s failed", action)
            console.audit.record(session.who, action, target, "error", "unexpected error; see the server log")
            return await render(session, lang, error=t("unexpected", lang), status=500)
        console.audit.record(session.who, action, target, "ok", detail)
        return await render(session, lang, message=message)

    @app.get("/")
    async def home(request: Request):
        lang = language(request)
        session = signed_in(request)
        if session is None:
            return html(login_page(lang), lang)
        return await render(session, lang)

    @app.post("/login")
    async def login(request: Request):
        form = await request.form(max_files=0, max_fields=10)
        lang = language(request, form)
        who = str(form.get("who") or "").strip()[:60]
        where = address(request)
        if console.gate.limited(where):
            console.audit.record(who, "login_limited", "", "refused", f"from {where}")
            return html(login_page(lang, error=t("login_limited", lang)), lang, 429)
        if not who or "<" in who or ">" in who:
            return html(login_page(lang, error=t("required", lang, field=t("name", lang))), lang, 400)
        sid = console.gate.sign_in(form.get("password"), who, where)
        if sid is None:
            console.audit.record(who, "login_failed", "", "refused", f"from {where}")
            return html(login_page(lang, error=t("login_failed", lang)), lang, 401)
        console.audit.record(who, "login", "", "ok", f"from {where}")
        response = RedirectResponse(f"./?lang={lang}", status_code=303)
        response.set_cookie(COOKIE, sid, httponly=True, samesite="strict")
        return response

    @app.post("/logout")
    async def logout(request: Request):
        form = await request.form(max_files=0, max_fields=10)
        lang = language(request, form)
        session = signed_in(request)
        if session is not None and console.gate.csrf_ok(session, form.get("csrf")):
            console.audit.record(session.who, "logout")
            console.gate.sign_out(request.cookies.get(COOKIE))
        response = html(login_page(lang, message=t("signed_out", lang)), lang)
        response.delete_cookie(COOKIE)
        return response

    @app.post("/upload")
    async def upload(request: Request):
        async def work(form, session, lang):
            upload = form.get("file")
            name = getattr(upload, "filename", None)
            if upload is None or isinstance(upload, str) or not name:
                raise CuratorError("no_file")
            name = check_file_name(name)
            meta = clean_metadata(form)
            staged = console.store.staging_file(name)
            try:
                size = 0
                with open(staged, "wb") as out:
                    while block := await upload.read(COPY_BLOCK):
                        size += len(block)
                        if size > settings.curator_max_upload_bytes:
                            raise CuratorError("too_large", limit=size_label(settings.curator_max_upload_bytes))
                        out.write(block)
                entry = await run_in_threadpool(console.store.add, name, staged, meta)
            finally:
                staged.unlink(missing_ok=True)
            return t("added", lang, name=entry.name) + console.request_rebuild(session.who, lang)

        return await change(request, "upload", work)

    @app.post("/edit")
    async def edit(request: Request):
        async def work(form, session, lang):
            name = str(form.get("name") or "")
            meta = clean_metadata(form)
            entry = await run_in_threadpool(console.store.edit, name, meta, str(form.get("version") or ""))
            return t("saved", lang, name=entry.name) + console.request_rebuild(session.who, lang)

        return await change(request, "edit", work)

    @app.post("/remove")
    async def remove(request: Request):
        async def work(form, session, lang):
            name = str(form.get("name") or "")
            await run_in_threadpool(console.store.remove, name, str(form.get("version") or ""))
            return t("removed", lang, name=name) + console.request_rebuild(session.who, lang)

        return await change(request, "remove", work)

    @app.post("/rebuild")
    async def rebuild(request: Request):
        async def work(form, session, lang):
            console.request_rebuild(session.who)
            return rebuild_text(lang, rebuild_state())

        return await change(request, "rebuild", work)

    @app.get("/status")
    async def status(request: Request):
        if signed_in(request) is None:
            return JSONResponse({"error": "login_required"}, status_code=401)
        state = rebuild_state()
        return JSONResponse(state | {"text": rebuild_text(language(request), state)})

    def rebuild_state() -> dict:
        """The rebuild as the console shows it, with the scan being read by OCR and its page when there is one."""
        state = console.rebuild.state.to_dict()
        progress = console.rebuild.scans.progress
        if state["state"] == "running" and progress.name:
            state |= {"scan": progress.name, "page": progress.page, "pages": progress.pages}
        return state

    @app.post("/cancel-scan")
    async def cancel_scan(request: Request):
        async def work(form, session, lang):
            name = console.rebuild.scans.cancel()
            return t("scan_cancelled", lang, name=name) if name else t("nothing_to_cancel", lang)

        return await change(request, "cancel_scan", work)

    @app.get("/scan")
    async def scan(request: Request):
        lang = language(request)
        session = signed_in(request)
        if session is None:
            return html(login_page(lang, error=t("login_required", lang)), lang, 401)
        entry = await run_in_threadpool(console.store.entry, str(request.query_params.get("name") or ""))
        if entry is None or entry.name not in scan_names([entry]):
            return await render(session, lang, error=t("not_found", lang, name=str(request.query_params.get("name") or "")[:200]), status=404)
        pages = await run_in_threadpool(review, settings, entry.name, entry.meta)
        hidden = f'<input type="hidden" name="csrf" value="{escape(session.csrf)}"><input type="hidden" name="lang" value="{lang}">'
        return html(scan_page(lang, review_html(lang, entry, pages, hidden, settings.ocr_confidence_floor)), lang)

    @app.get("/scan-image")
    async def scan_image(request: Request):
        if signed_in(request) is None:
            return Response(status_code=401)
        entry = await run_in_threadpool(console.store.entry, str(request.query_params.get("name") or ""))
        image = str(request.query_params.get("image") or "")
        path = await run_in_threadpool(page_image, settings, entry.name, entry.meta, image) if entry else None
        if path is None or not path.is_file():  # only an image this scan's own pages record: no path from the request
            return Response("No such page image.", status_code=404, media_type="text/plain")
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})

    @app.post("/correct")
    async def correct(request: Request):
        async def work(form, session, lang):
            name = str(form.get("name") or "")
            pages = {int(k[5:]): str(v) for k, v in form.items() if k.startswith("page-") and k[5:].isdigit() and isinstance(v, str)}
            entry = await run_in_threadpool(save_correction, console.store, name, str(form.get("version") or ""), pages, session.who)
            return t("corrected", lang, name=entry.name) + console.request_rebuild(session.who, lang)

        return await change(request, "correct", work)

    @app.post("/dismiss")
    async def dismiss_need(request: Request):
        async def work(form, session, lang):
            try:
                questions = json.loads(str(form.get("questions") or "[]"))
            except ValueError:
                questions = []
            questions = [q for q in questions if isinstance(q, str)] if isinstance(questions, list) else []
            paths = [settings.log_path("needs"), settings.feedback_path]
            count = await run_in_threadpool(dismiss, paths, questions, str(form.get("until") or ""))
            if not count:
                raise CuratorError("dismiss_gone")
            shown = str(form.get("name") or (questions[0] if questions else ""))[:120]
            return t("dismissed", lang, question=shown, count=count), f"{count} entries: {' | '.join(questions)[:400]}"

        return await change(request, "dismiss_need", work)

    @app.get("/needs.csv")
    async def needs_csv(request: Request):
        session = signed_in(request)
        if session is None:
            lang = language(request)
            return html(login_page(lang, error=t("login_required", lang)), lang, 401)
        groups = await run_in_threadpool(console.groups)
        console.audit.record(session.who, "export_needs", "needs.csv")
        return Response(
            "\ufeff" + to_csv(groups),  # the BOM lets spreadsheet programs read the Cyrillic as UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="needs.csv"', **_HEADERS},
        )

    return app


_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'",
}


def serve_console(settings: Settings) -> None:
    """Serve the console until Ctrl-C; refuses a non-loopback address without a password."""
    import uvicorn

    check_bind(settings.curator_host, settings.curator_token)
    check_token_source()
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    app = create_console(settings)
    app.state.console.store.clean_staging()
    threading.Thread(target=_purge_daily, args=(settings,), name="purge", daemon=True).start()
    print(f"Serving the curator's console at http://{settings.curator_host}:{settings.curator_port}/ (Ctrl-C stops).", flush=True)
    uvicorn.Server(uvicorn.Config(app, host=settings.curator_host, port=settings.curator_port, log_level="warning")).run()


def _purge_daily(settings: Settings) -> None:
    """Purge the visitors' logs past the retention every six hours, as long as the console runs."""
    from ..feedback import purge_old_logs

    stop = threading.Event()
    while True:
        purge_old_logs(settings)
        stop.wait(6 * 3600)
