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
from datetime import UTC, datetime, timedelta

from flask import Flask, Request, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from .context import services
from .errors import ApiError
from .timestamps import format_timestamp

BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]{1,512})$")
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="consent-admin"'}
SESSION_IDLE = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=8)
# How stale the stored "last seen" may get before a request writes it again.
SEEN_PRECISION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """How CONSENT_ADMIN_TOKENS lists a token: `sha256:` and its hex digest."""
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def token_matches(presented: str, allowed_hashes: Iterable[str]) -> bool:
    """Compare the presented token's hash with every configured one, in constant time."""
    return token_matches_hash(token_hash(presented), allowed_hashes)


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


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def signed_in() -> bool:
    """True when the cookie names a session the store still keeps, for a configured token,
    within both lifetimes; checked once per request."""
    if "signed_in" not in g:
        g.signed_in = _session_is_live()
    return g.signed_in


def _session_is_live() -> bool:
    session_id = session.get("sid")
    if not isinstance(session_id, str):
        return False
    store, now = services().store, datetime.now(UTC)
    kept = store.admin_session(_session_hash(session_id))
    configured = current_app.config["CONSENT_ADMIN_TOKENS"]
    if (
        kept is None
        or not token_matches_hash(kept.token_hash, configured)
        or kept.started_at < format_timestamp(now - SESSION_LIFETIME)
        or kept.seen_at < format_timestamp(now - SESSION_IDLE)
    ):
        end_session()
        return False
    if kept.seen_at < format_timestamp(now - SEEN_PRECISION):
        store.touch_admin_session(_session_hash(session_id), format_timestamp(now))
    return True


def token_matches_hash(presented_hash: str, allowed_hashes: Iterable[str]) -> bool:
    matched = False
    for allowed in allowed_hashes:
        matched |= hmac.compare_digest(presented_hash, allowed)
    return matched


def start_session(token: str) -> None:
    """A fresh session for a signed-in admin: new id, new CSRF token, nothing carried over; the
    store keeps it, and forgets sessions past either lifetime."""
    now = datetime.now(UTC)
    session_id = secrets.token_urlsafe(32)
    store = services().store
    store.end_admin_sessions(
        started_before=format_timestamp(now - SESSION_LIFETIME),
        seen_before=format_timestamp(now - SESSION_IDLE),
    )
    store.start_admin_session(_session_hash(session_id), token_hash(token), format_timestamp(now))
    session.clear()
    session.permanent = True
    session.update(sid=session_id, csrf=secrets.token_urlsafe(32))
    g.signed_in = True


def end_session() -> None:
    """End the session in the store (every copy of the cookie with it) and clear the cookie."""
    session_id = session.get("sid")
    if isinstance(session_id, str):
        services().store.end_admin_sessions(session_hash=_session_hash(session_id))
    session.clear()
    g.signed_in = False
