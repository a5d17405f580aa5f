"""The admins' dashboard blueprint: sign in with an admin token, then charts, latest records, downloads.

Sessions and CSRF are admin_auth.py; the data it shows comes from admin_answers.py, the same as the
admin API's. Everything the page shows from the log is escaped or set as text, and a strict
Content-Security-Policy forbids inline script.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from .admin_answers import download, policies_body, stats_body
from .admin_auth import (
    check_csrf,
    csrf_token,
    end_session,
    is_admin_token,
    signed_in,
    start_session,
)
from .admin_params import page_args, record_filter_from_args, stats_bucket_arg
from .context import services
from .errors import ApiError
from .exports import MIMETYPES

bp = Blueprint("dashboard", __name__, url_prefix="/admin", static_folder="static")
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def require_session(view: Callable[..., Any]) -> Callable[..., Any]:
    """Views for a signed-in admin: the page redirects to sign-in, data and downloads are 401."""

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
    return render_template("sign_in.html", csrf=csrf_token(), error=None)


@bp.post("/sign-in")
def sign_in_submit() -> Any:
    check_csrf()
    token = request.form.get("token", "")
    if not token or not is_admin_token(token):
        page = render_template("sign_in.html", csrf=csrf_token(), error="That token is not valid.")
        return page, 401
    start_session(token)
    return redirect(url_for("dashboard.home"), code=303)


@bp.post("/sign-out")
def sign_out() -> Any:
    check_csrf()
    end_session()
    return redirect(url_for("dashboard.sign_in"), code=303)


@bp.get("/")
@require_session
def home() -> str:
    return render_template("dashboard.html", csrf=csrf_token())


@bp.get("/stats.json")
@require_session
def stats_json() -> Response:
    """The admin API's statistics, and which categories are always granted (the page leaves them
    out of acceptance rates: "necessary 100%" says nothing)."""
    record_filter = record_filter_from_args()
    body = stats_body(record_filter, stats_bucket_arg(record_filter))
    return jsonify({**body, "required": sorted(services().categories()[1])})


@bp.get("/records.json")
@require_session
def records_json() -> Response:
    """One page of the filtered records, newest first; `next_before` asks for the next page."""
    record_filter = record_filter_from_args()
    before, limit = page_args(PAGE_SIZE, MAX_PAGE_SIZE)
    store = services().store
    found = store.page(record_filter, before, limit + 1)
    shown = found[:limit]
    return jsonify(
        records=[record.public() for record in shown],
        total=store.count(record_filter),
        next_before=shown[-1].seq if len(found) > limit else None,
    )


@bp.get("/verify.json")
@require_session
def verify_json() -> Response:
    """The whole chain checked, as the admin API's /verify answers."""
    return jsonify(services().store.verify().as_dict())


@bp.get("/policies.json")
@require_session
def policies_json() -> Response:
    return jsonify(policies_body())


@bp.get("/export.<export_format>")
@require_session
def export(export_format: str) -> Response:
    if export_format not in MIMETYPES:
        raise ApiError(404, "not_found", "downloads are export.csv or export.jsonl")
    return download(record_filter_from_args(), export_format)
