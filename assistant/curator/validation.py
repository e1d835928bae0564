"""What an upload and its metadata must be before anything is written: each problem is a `CuratorError`
whose code names a message in `i18n` (English, Russian, Kazakh)."""

from __future__ import annotations

import re
import unicodedata

from ..corpus import SUPPORTED
from .i18n import t

TEXT_FIELDS = ("title", "kind", "origin", "language", "licence", "translation_of", "translator")
LIMITS = {"title": 300, "kind": 80, "origin": 500, "language": 2, "licence": 300, "translation_of": 120, "translator": 200}
CONTENT_LANGUAGES = ("en", "ru", "kk")
MAX_NAME_CHARS = 120
_NAME = re.compile(r"^\w[\w .,()№\-]*$")  # letters of any alphabet (a museum names files in Kazakh), digits, a little punctuation


class CuratorError(Exception):
    """A change refused, with the code of its message and the values the message names."""

    status = 400

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, language: str = "en") -> str:
        params = dict(self.params)
        if "field" in params:  # a field's name is shown in the console's language
            params["field"] = t(f"field_{params['field']}", language)
        return t(self.code, language, **params)


class ConflictError(CuratorError):
    """Another curator changed the same document since the form was shown."""

    status = 409


def size_label(n: int) -> str:
    """Bytes as the console shows them: 1.5 MB, 12 KB, 300 B."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{n / 1000:.0f} KB" if n >= 1000 else f"{n} B"


def check_file_name(name) -> str:
    """A plain, supported file name for corpus/, or the reason it is not one."""
    name = unicodedata.normalize("NFC", name) if isinstance(name, str) else ""  # й typed as и + breve is й
    if not name.strip():
        raise CuratorError("no_file")
    if any(ch in name for ch in "/\\\x00") or ".." in name or name.strip() in (".", ".."):
        raise CuratorError("path_in_name")
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in SUPPORTED:
        raise CuratorError("wrong_type", name=name)
    if name.startswith(".") or not _NAME.match(name) or len(name) > MAX_NAME_CHARS or name != name.strip():
        raise CuratorError("bad_name")
    return name


def clean_metadata(form: dict) -> dict:
    """The metadata fields of a form, trimmed and checked; empty optional fields are left out.

    Title and language are required; no field may hold < or > (HTML or script) or control characters;
    the language is en, ru or kk; `reviewed` (a checkbox) is kept only for a translation.
    """
    meta = {}
    for field in TEXT_FIELDS:
        value = form.get(field)
        value = value.strip() if isinstance(value, str) else ""
        if "<" in value or ">" in value:
            raise CuratorError("markup", field=field)
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            raise CuratorError("control", field=field)
        if len(value) > LIMITS[field]:
            raise CuratorError("too_long", field=field, limit=LIMITS[field])
        if value:
            meta[field] = value
    for field in ("title", "language"):
        if field not in meta:
            raise CuratorError("required", field=field)
    if meta["language"] not in CONTENT_LANGUAGES:
        raise CuratorError("bad_language")
    if "translation_of" in meta:
        meta["reviewed"] = form.get("reviewed") in (True, "on", "true", "1", "yes")
    else:
        meta.pop("translator", None)
    return meta
