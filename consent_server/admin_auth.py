"""Who is an admin: bearer tokens on the admin API, a signed session and CSRF on the dashboard.

The server keeps only SHA-256 hashes of admin tokens (CONSENT_ADMIN_TOKENS); a presented token is
hashed and compared with every configured hash in constant time. The dashboard's session is a
short-lived, HttpOnly, SameSite=Strict cookie limited to /admin; it is replaced at sign-in (no
fixation) and every form carries a CSRF token bound to it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

from flask import Flask, Request, current_app, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from .errors import ApiError

BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]{1,512})$")
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="consent-admin"'}


def token_hash(token: str) -> str:
    """How CONSENT_ADMIN_TOKENS lists a token: `sha256:` and its hex digest."""
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def token_matches(presented: str, allowed_hashes: Iterable[str]) -> bool:
    """Compare the presented token's hash with every configured one, in constant time."""
    digest = token_hash(presented)
    matched = False
    for allowed in allowed_hashes:
        matched |= hmac.compare_digest(digest, allowed)
    return matched


def is_admin_token(token: str) -> bool:
    return token_matches(token, current_app.config["CONSENT_ADMIN_TOKENS"])


def require_bearer_token() -> None:
    """401 unless the request carries `Authorization: Bearer <a configured admin token>`."""
    match = BEARER.fullmatch(request.headers.get("Authorization", ""))
    if match is None:
        raise ApiError(
            401, "unauthorized", "send Authorization: Bearer <admin token>", UNAUTHORIZED_HEADERS
        )
    if not is_admin_token(match.group(1)):
        raise ApiError(401, "unauthorized", "the admin token is not valid", UNAUTHORIZED_HEADERS)


class DashboardSessions(SecureCookieSessionInterface):
    """Only the dashboard has sessions: every other request skips reading the session cookie."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if not request.path.startswith(app.config["SESSION_COOKIE_PATH"]):
            return self.make_null_session(app)
        return super().open_session(app, request)


def csrf_token() -> str:
    """The session's CSRF token, made on first use; every dashboard form sends it back."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    sent = request.form.get("csrf", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ApiError(403, "csrf_failed", "the form expired or did not come from this dashboard")


def signed_in() -> bool:
    return session.get("admin") is True


def start_session() -> None:
    """A fresh session for a signed-in admin: new id, new CSRF token, nothing carried over."""
    session.clear()
    session.permanent = True
    session.update(admin=True, sid=secrets.token_urlsafe(16), csrf=secrets.token_urlsafe(32))


def end_session() -> None:
    session.clear()
