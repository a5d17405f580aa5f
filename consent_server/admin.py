"""The admins' API blueprint: the consent log as proof, behind bearer tokens, never CORS.

Authentication is admin_auth.py, the query parameters admin_params.py, and the answers it shares
with the dashboard (statistics, downloads, policy versions) admin_answers.py.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request

from .admin_answers import download, policies_body, stats_body
from .admin_auth import require_bearer_token
from .admin_params import record_filter_from_args, stats_bucket_arg
from .context import services
from .errors import ApiError
from .exports import MIMETYPES
from .validation import POLICY_VERSION

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")
bp.before_request(require_bearer_token)


@bp.after_request
def never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/consents")
def export_consents() -> Response:
    export_format = request.args.get("format", "jsonl")
    if export_format not in MIMETYPES:
        raise ApiError(400, "invalid_format", "format must be csv or jsonl")
    with_policy = request.args.get("with_policy") in ("1", "true")
    if with_policy and export_format != "jsonl":
        raise ApiError(400, "invalid_format", "with_policy needs format=jsonl")
    return download(record_filter_from_args(), export_format, with_policy=with_policy)


@bp.get("/verify")
def verify_log() -> Response:
    return jsonify(services().store.verify(services().public_keys).as_dict())


@bp.get("/stats")
def stats() -> Response:
    record_filter = record_filter_from_args()
    return jsonify(stats_body(record_filter, stats_bucket_arg(record_filter)))


@bp.get("/policies")
def policies() -> Response:
    return jsonify(policies_body())


@bp.get("/policies/<version>")
def policy(version: str) -> Response:
    found = services().store.policy(version) if POLICY_VERSION.fullmatch(version) else None
    if found is None:
        raise ApiError(404, "unknown_policy_version", "this policy version was never archived")
    return jsonify(
        policy_version=found["policy_version"],
        first_seen=found["first_seen"],
        manifest=json.loads(found["manifest"]),
    )
