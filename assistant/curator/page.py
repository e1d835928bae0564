"""The console's HTML: sign-in, documents (add, edit, remove), the rebuild's progress, what visitors needed, the audit log.

Plain server-rendered forms (they work without JavaScript; a few lines of script only refresh the
progress bar). Every value from a file, a form or a log is escaped; each page says its language in
`<html lang>`, every input has a label, messages sit in a live region.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from .i18n import LANGUAGE_NAMES, LANGUAGES, STRINGS, t
from .scans import scan_names
from .validation import CONTENT_LANGUAGES, size_label

CSS = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#111;background:#fff;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
label{display:block;margin:.4rem 0 .1rem;font-weight:600}input[type=text],input[type=password],select{width:100%;max-width:36rem;padding:.3rem}
button{padding:.45rem 1rem;margin:.4rem .4rem .4rem 0;font-size:1rem;cursor:pointer}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.message{padding:.6rem 1rem;border-left:6px solid #1b6e20;background:#eef7ee}.error{border-color:#a50e0e;background:#fdeeee}
progress{width:100%;max-width:36rem;height:1.2rem}nav a{margin-right:1rem}details{margin:.3rem 0}
"""

PROGRESS_JS = """
(function(){const box=document.getElementById('rebuild');if(!box||box.dataset.state!=='running')return;
const bar=box.querySelector('progress'),text=box.querySelector('.status-text');
const tick=()=>fetch('status?lang='+document.documentElement.lang,{credentials:'same-origin'}).then(r=>r.json()).then(s=>{
bar.value=s.state==='done'?100:Math.round(s.progress*100);text.textContent=s.text;box.dataset.state=s.state;if(s.state==='running')setTimeout(tick,1000);else if(s.state==='failed')text.setAttribute('role','alert');
}).catch(()=>setTimeout(tick,3000));setTimeout(tick,1000);})();
"""


def _page(language: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">'
        f"<title>{escape(t('title', language))}</title><style>{CSS}</style></head><body>{body}</body></html>"
    )


def _switch(language: str) -> str:
    links = " ".join(
        f'<a href="./?lang={code}" lang="{code}"' + (' aria-current="true"' if code == language else "") + f">{LANGUAGE_NAMES[code]}</a>"
        for code in LANGUAGES
    )
    return f'<nav aria-label="{escape(t("language_switch", language))}">{links}</nav>'


def _messages(message: str, error: str) -> str:
    out = '<div role="status" aria-live="polite">'
    if message:
        out += f'<p class="message">{escape(message)}</p>'
    out += "</div>"
    if error:
        out += f'<p class="message error" role="alert">{escape(error)}</p>'
    return out


def scan_page(language: str, body: str) -> str:
    """The page for checking and correcting one scan's OCR text (its body from assistant.curator.scans.review_html)."""
    style = "<style>.scan-image{max-width:100%;border:1px solid #777}mark.uncertain{background:#fde68a;outline:1px dashed #92400e}textarea{width:100%;font:inherit}</style>"
    return _page(language, f"{_switch(language)}<main><h1>{escape(t('title', language))}</h1>{style}{body}</main>")


def login_page(language: str, message: str = "", error: str = "") -> str:
    body = (
        f"{_switch(language)}<main><h1>{escape(t('title', language))}</h1>{_messages(message, error)}"
        f'<h2>{escape(t("login_heading", language))}</h2><form method="post" action="login">'
        f'<input type="hidden" name="lang" value="{language}">'
        f'<label for="who">{escape(t("name", language))}</label><input type="text" id="who" name="who" required maxlength="60" autocomplete="name">'
        f'<label for="password">{escape(t("password", language))}</label>'
        f'<input type="password" id="password" name="password" autocomplete="current-password">'
        f'<button type="submit">{escape(t("sign_in", language))}</button></form></main>'
    )
    return _page(language, body)


def _meta_inputs(language: str, prefix: str, values: dict) -> str:
    def text(field: str) -> str:
        value = values.get(field, "")
        return (
            f'<label for="{prefix}{field}">{escape(t("field_" + field, language))}</label>'
            f'<input type="text" id="{prefix}{field}" name="{field}" value="{escape(str(value))}"'
            + (" required" if field == "title" else "") + ">"
        )

    current = values.get("language", "en")
    options = "".join(
        f'<option value="{c}"' + (" selected" if c == current else "") + f">{c} — {LANGUAGE_NAMES[c]}</option>"
        for c in CONTENT_LANGUAGES
    )
    reviewed = " checked" if values.get("reviewed") in (True, "on") else ""
    return (
        text("title") + text("kind") + text("origin")
        + f'<label for="{prefix}language">{escape(t("field_language", language))}</label>'
        + f'<select id="{prefix}language" name="language">{options}</select>'
        + text("licence") + text("translation_of") + text("translator")
        + f'<label><input type="checkbox" name="reviewed" id="{prefix}reviewed"{reviewed}> {escape(t("field_reviewed", language))}</label>'
    )


def console_page(language: str, who: str, csrf: str, entries, rebuild: dict, groups, audit, message: str = "",
                 error: str = "", draft: dict | None = None) -> str:  # fmt: skip
    """The whole console. `draft` = {"name": file name, **values}: a form to show again with the curator's own values."""
    hidden = f'<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="lang" value="{language}">'
    parts = [
        _switch(language),
        f"<main><h1>{escape(t('title', language))}</h1>",
        f'<form method="post" action="logout">{hidden}<p>{escape(t("signed_in_as", language, name=who))} '
        f'<button type="submit">{escape(t("sign_out", language))}</button></p></form>',
        _messages(message, error),
        _rebuild(language, rebuild, hidden),
        _documents(language, entries, hidden, draft),
        _add(language, hidden, draft if draft and draft.get("name") == "" else {}),
        _needs(language, groups, hidden),
        _audit(language, audit),
        f"</main><script>{PROGRESS_JS}</script>",
    ]
    return _page(language, "".join(parts))


def rebuild_text(language: str, rebuild: dict) -> str:
    state = rebuild.get("state")
    if state == "running" and rebuild.get("scan"):  # a scan is being read by OCR (assistant.curator.scans)
        text = t("rebuild_ocr", language, name=rebuild["scan"], page=rebuild.get("page", 0), pages=rebuild.get("pages", 0))
        return text + (" " + t("rebuild_queued", language) if rebuild.get("queued") else "")
    if state == "running":
        text = t("rebuild_running", language, stage=rebuild.get("stage") or "…")
        return text + (" " + t("rebuild_queued", language) if rebuild.get("queued") else "")
    if state == "done":
        done = t("rebuild_done", language, build=rebuild.get("build", ""), documents=rebuild.get("documents", 0))
        return done + left_out_text(language, rebuild.get("left_out") or ())
    if state == "failed":
        return t("rebuild_failed", language, reason=rebuild.get("reason", ""))
    return t("rebuild_idle", language)


def left_out_text(language: str, left_out) -> str:
    """' Left out of the index: photo.jpg (no text found by OCR); …' in the console's language ('' when none); a
    reason without a message of its own is given as the ingest wrote it."""
    items = [f"{name} ({t('why_' + code, language) if 'why_' + code in STRINGS else reason})"
             for name, code, reason in left_out]  # fmt: skip
    return " " + t("left_out", language, items="; ".join(items)) if items else ""


def _rebuild(language: str, rebuild: dict, hidden: str) -> str:
    percent = 100 if rebuild.get("state") == "done" else round(float(rebuild.get("progress", 0)) * 100)
    role = ' role="alert"' if rebuild.get("state") == "failed" else ""
    return (
        f'<section id="rebuild" data-state="{escape(rebuild.get("state", "idle"))}" aria-labelledby="rebuild-h">'
        f'<h2 id="rebuild-h">{escape(t("index_heading", language))}</h2>'
        f'<progress max="100" value="{percent}" aria-labelledby="rebuild-h"></progress>'
        f'<p class="status-text"{role}>{escape(rebuild_text(language, rebuild))}</p>'
        f'<form method="post" action="rebuild">{hidden}<button type="submit">{escape(t("rebuild_now", language))}</button></form>'
        + (f'<form method="post" action="cancel-scan">{hidden}<button type="submit">{escape(t("cancel_scan", language))}</button></form>'
           if rebuild.get("state") == "running" else "")
        + "</section>"
    )


def _documents(language: str, entries, hidden: str, draft: dict | None) -> str:
    scans = scan_names(entries)  # their OCR text can be checked and corrected (assistant.curator.scans)
    rows = []
    for e in entries:
        values = dict(e.meta)
        is_draft = bool(draft) and draft.get("name") == e.name
        if is_draft:
            values = draft
        prefix = f"e{abs(hash(e.name)) % 10**8}-"
        confirm = escape(t("remove_confirm", language, name=e.name)).replace("'", "&#x27;")
        rows.append(
            f"<tr><td>{escape(e.name)}</td><td>{escape(e.id)}</td><td>{escape(str(e.meta.get('title', '')))}</td>"
            f"<td>{escape(str(e.meta.get('language', '')))}</td><td>{escape(e.translation_of)}</td><td>{size_label(e.size)}</td>"
            f"<td><details{' open' if is_draft else ''}><summary>{escape(t('edit', language))}</summary>"
            f'<form method="post" action="edit">{hidden}<input type="hidden" name="name" value="{escape(e.name)}">'
            f'<input type="hidden" name="version" value="{escape(e.version)}">{_meta_inputs(language, prefix, values)}'
            f'<button type="submit">{escape(t("save", language))}</button></form></details>'
            f'<form method="post" action="remove" onsubmit="return confirm(\'{confirm}\')">{hidden}'
            f'<input type="hidden" name="name" value="{escape(e.name)}"><input type="hidden" name="version" value="{escape(e.version)}">'
            f'<button type="submit" aria-label="{escape(t("remove", language))} {escape(e.name)}">{escape(t("remove", language))}</button></form>'
            + (f'<a href="scan?name={quote(e.name)}&amp;lang={language}" aria-label="{escape(t("check_ocr", language))}: {escape(e.name)}">'
               f'{escape(t("check_ocr", language))}</a>' if e.name in scans else "")
            + "</td></tr>"
        )
    head = "".join(f"<th scope=\"col\">{escape(t(k, language))}</th>" for k in
                   ("col_target", "col_id", "field_title", "col_languages", "col_original", "col_size", "col_action"))  # fmt: skip
    return (
        f'<section aria-labelledby="docs-h"><h2 id="docs-h">{escape(t("documents", language))}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _add(language: str, hidden: str, values: dict) -> str:
    return (
        f'<section aria-labelledby="add-h"><h2 id="add-h">{escape(t("add_document", language))}</h2>'
        f'<form method="post" action="upload" enctype="multipart/form-data">{hidden}'
        f'<label for="file">{escape(t("file", language))}</label>'
        f'<input type="file" id="file" name="file" accept=".txt,.md,.html,.htm,.pdf,.png,.jpg,.jpeg,.tif,.tiff" required>'
        f'{_meta_inputs(language, "new-", values)}<button type="submit">{escape(t("upload", language))}</button></form></section>'
    )


def _needs(language: str, groups, hidden: str) -> str:
    head = "".join(f'<th scope="col">{escape(t(k, language))}</th>' for k in
                   ("col_question", "col_count", "col_unanswered", "col_disliked", "col_languages", "col_sources", "col_newest",
                    "col_similar", "col_do"))  # fmt: skip
    rows = "".join(
        f"<tr><td>{escape(g.question)}</td><td>{g.count}</td><td>{g.unanswered}</td><td>{g.disliked}</td>"
        f"<td>{escape(' '.join(g.languages))}</td><td>{escape(_sources(language, g))}</td><td>{escape(g.newest)}</td>"
        f"<td>{escape(' | '.join(g.wordings[1:6]))}</td><td>{_dismiss(language, g, hidden)}</td></tr>"
        for g in groups
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>" if groups else f"<p>{escape(t('needs_none', language))}</p>"
    return (
        f'<section aria-labelledby="needs-h"><h2 id="needs-h">{escape(t("needs_heading", language))}</h2>'
        f'<p>{escape(t("needs_help", language))}</p><p><a href="needs.csv" download>{escape(t("export_csv", language))}</a></p>{table}</section>'
    )


def _sources(language: str, group) -> str:
    """Where a row's questions were asked, in the console's words: "page 3, API 1"."""
    counts = sorted(group.sources.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{t('source_' + (k if k in ('page', 'kiosk', 'api') else 'unknown'), language)} {n}" for k, n in counts)


def _dismiss(language: str, group, hidden: str) -> str:
    """A button that hides the row: its questions up to its newest time (a later asking shows it again)."""
    label = t("dismiss", language)
    return (
        f'<form method="post" action="dismiss">{hidden}<input type="hidden" name="name" value="{escape(group.question)}">'
        f'<input type="hidden" name="questions" value="{escape(json.dumps(group.wordings, ensure_ascii=False))}">'
        f'<input type="hidden" name="until" value="{escape(group.newest)}">'
        f'<button type="submit" aria-label="{escape(label)}: {escape(group.question)}">{escape(label)}</button></form>'
    )


def _audit(language: str, audit) -> str:
    head = "".join(f'<th scope="col">{escape(t(k, language))}</th>' for k in ("col_time", "col_who", "col_action", "col_target", "col_outcome"))
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(a.get(k, '')))}</td>" for k in ("time", "who", "action", "target", "outcome")) + "</tr>"
        for a in audit
    )
    return (
        f'<section aria-labelledby="audit-h"><h2 id="audit-h">{escape(t("audit_heading", language))}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>"
    )
