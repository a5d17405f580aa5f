"""The admins' dashboard: sign in with an admin token, then charts, the latest records, downloads.

The session is a short-lived, HttpOnly, SameSite=Strict cookie limited to /admin; it is replaced
at sign-in (no fixation) and every form carries a CSRF token bound to it. Everything the page shows
from the log is escaped or set as text, and a strict Content-Security-Policy forbids inline script.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from .admin import record_filter_from_args, stats, token_matches
from .context import services
from .errors import ApiError
from .exports import MIMETYPES, export_chunks, primed

bp = Blueprint("dashboard", __name__, url_prefix="/admin", static_folder="static")
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
RECENT_RECORDS = 50


class DashboardSessions(SecureCookieSessionInterface):
    """Only the dashboard has sessions: every other request skips reading the session cookie."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if not request.path.startswith(app.config["SESSION_COOKIE_PATH"]):
            return self.make_null_session(app)
        return super().open_session(app, request)


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.form.get("csrf", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ApiError(403, "csrf_failed", "the form expired or did not come from this dashboard")


def signed_in() -> bool:
    return session.get("admin") is True


def require_session(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not signed_in():
            if request.endpoint == "dashboard.export" or request.path.endswith(".json"):
                raise ApiError(401, "unauthorized", "sign in to the dashboard first")
            return redirect(url_for("dashboard.sign_in"))
        return view(*args, **kwargs)

    return wrapper


@bp.after_request
def protect(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sign-in")
def sign_in() -> Any:
    if signed_in():
        return redirect(url_for("dashboard.home"))
    return render_template("sign_in.html", csrf=_csrf_token(), error=None)


@bp.post("/sign-in")
def sign_in_submit() -> Any:
    _check_csrf()
    token = request.form.get("token", "")
    if not token or not token_matches(token, current_app.config["CONSENT_ADMIN_TOKENS"]):
        page = render_template("sign_in.html", csrf=_csrf_token(), error="That token is not valid.")
        return page, 401
    session.clear()
    session.permanent = True
    session.update(admin=True, sid=secrets.token_urlsafe(16), csrf=secrets.token_urlsafe(32))
    return redirect(url_for("dashboard.home"), code=303)


@bp.post("/sign-out")
def sign_out() -> Any:
    _check_csrf()
    session.clear()
    return redirect(url_for("dashboard.sign_in"), code=303)


@bp.get("/")
@require_session
def home() -> str:
    return render_template("dashboard.html", csrf=_csrf_token())


@bp.get("/stats.json")
@require_session
def stats_json() -> Response:
    return stats()


@bp.get("/records.json")
@require_session
def records_json() -> Response:
    records = services().store.recent(RECENT_RECORDS)
    return jsonify(records=[record.public() for record in records])


@bp.get("/policies.json")
@require_session
def policies_json() -> Response:
    services().categories()
    return jsonify(policies=services().store.policies())


@bp.get("/export.<export_format>")
@require_session
def export(export_format: str) -> Response:
    if export_format not in MIMETYPES:
        raise ApiError(404, "not_found", "downloads are export.csv or export.jsonl")
    chunks = export_chunks(services().store, record_filter_from_args(), export_format)
    response = Response(primed(chunks), mimetype=MIMETYPES[export_format])
    response.headers["Content-Disposition"] = f'attachment; filename="consents.{export_format}"'
    return response
