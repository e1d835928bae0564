"""Who may use the console: one password from settings, signed-in sessions, wrong passwords rate-limited.

The password is `settings.curator_token` (ASSISTANT_CURATOR_TOKEN, or a TOML file outside the repository
named by ASSISTANT_CONFIG): never in the repository. On a loopback address the console may run without
one only if nothing else can reach it; `check_bind` refuses any other address without a password.
A sign-in gives a random session (an HttpOnly, SameSite=Strict cookie) with its own form token that
every change must carry. More than `curator_login_attempts_per_minute` wrong passwords from one address
in 60 s are refused without being checked.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from ..errors import AssistantError

SESSION_SECONDS = 8 * 3600
COOKIE = "curator_session"


@dataclass(frozen=True)
class Session:
    who: str
    csrf: str
    expires: float


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str) -> None:
    """Refuse to serve the console beyond this machine without a password."""
    if not token and not is_loopback(host):
        raise AssistantError(
            f"The curator's console would listen on {host} without a password; set ASSISTANT_CURATOR_TOKEN "
            "(or curator_token in a config file outside the repository), or bind it to 127.0.0.1."
        )


def check_token_source(environ: dict | None = None, cwd: Path | None = None) -> None:
    """Refuse a password kept in a config file inside a git repository (it would end up committed)."""
    environ = os.environ if environ is None else environ
    path = Path(environ.get("ASSISTANT_CONFIG") or (cwd or Path.cwd()) / "assistant.toml")
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return
    if "curator_token" not in text:
        return
    folder = path.resolve().parent
    if any((p / ".git").exists() for p in (folder, *folder.parents)):
        raise AssistantError(
            f"{path} holds curator_token but lies inside a git repository, where it could be committed; move the "
            "password to ASSISTANT_CURATOR_TOKEN or a config file outside the repository (ASSISTANT_CONFIG)."
        )


class Gate:
    """Passwords, sessions and the wrong-password limit of one console process."""

    def __init__(self, token: str, attempts_per_minute: int, clock=time.monotonic):
        self.token = token
        self.attempts_per_minute = attempts_per_minute
        self.clock = clock
        self._sessions: dict[str, Session] = {}
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def limited(self, address: str) -> bool:
        """Whether this address has used up its wrong passwords for the minute."""
        if self.attempts_per_minute <= 0:
            return False
        now = self.clock()
        with self._lock:
            times = self._failures.get(address, deque())
            while times and now - times[0] >= 60:
                times.popleft()
            return len(times) >= self.attempts_per_minute

    def sign_in(self, password, who: str, address: str) -> str | None:
        """A new session id for the right password, else None (and the failure counted against the address)."""
        given = password.encode("utf-8") if isinstance(password, str) else b""
        # No password configured (loopback only): any sign-in with a name is accepted.
        ok = hmac.compare_digest(given, self.token.encode("utf-8")) if self.token else True
        now = self.clock()
        with self._lock:
            if not ok:
                self._failures.setdefault(address, deque()).append(now)
                return None
            self._failures.pop(address, None)
            sid = secrets.token_urlsafe(32)
            self._sessions = {k: s for k, s in self._sessions.items() if s.expires > now}
            self._sessions[sid] = Session(who, secrets.token_urlsafe(24), now + SESSION_SECONDS)
            return sid

    def session(self, sid) -> Session | None:
        if not isinstance(sid, str):
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is None or session.expires <= self.clock():
                self._sessions.pop(sid, None)
                return None
            return session

    def sign_out(self, sid) -> None:
        with self._lock:
            self._sessions.pop(sid, None)

    @staticmethod
    def csrf_ok(session: Session, given) -> bool:
        return isinstance(given, str) and hmac.compare_digest(given.encode(), session.csrf.encode())
