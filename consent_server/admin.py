"""The admins' blueprint: the consent log as proof, behind bearer tokens, never CORS."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable

from flask import Blueprint, Response, current_app, jsonify, request

from .context import services
from .errors import ApiError
from .exports import MIMETYPES, export_chunks, primed
from .records import POLICY_VERSION
from .store import RecordFilter
from .timestamps import normalise_timestamp

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")

BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]{1,512})$")
CONSENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def token_matches(presented: str, allowed_hashes: Iterable[str]) -> bool:
    """Compare the presented token's hash with every configured one, in constant time."""
    digest = "sha256:" + hashlib.sha256(presented.encode()).hexdigest()
    matched = False
    for allowed in allowed_hashes:
        matched |= hmac.compare_digest(digest, allowed)
    return matched


@bp.before_request
def require_admin_token() -> None:
    unauthorized = {"WWW-Authenticate": 'Bearer realm="consent-admin"'}
    match = BEARER.fullmatch(request.headers.get("Authorization", ""))
    if match is None:
        raise ApiError(
            401, "unauthorized", "send Authorization: Bearer <admin token>", unauthorized
        )
    if not token_matches(match.group(1), current_app.config["CONSENT_ADMIN_TOKENS"]):
        raise ApiError(401, "unauthorized", "the admin token is not valid", unauthorized)


@bp.after_request
def never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _timestamp_arg(name: str) -> str | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    try:
        return normalise_timestamp(value)
    except ValueError:
        raise ApiError(400, "invalid_filter", f"{name} must be an ISO 8601 date or time") from None


def record_filter_from_args() -> RecordFilter:
    since, until = _timestamp_arg("since"), _timestamp_arg("until")
    if since and until and since > until:
        raise ApiError(400, "invalid_filter", "since must not be later than until")
    consent_id = request.args.get("consent_id") or None
    if consent_id is not None and not CONSENT_ID.fullmatch(consent_id):
        raise ApiError(400, "invalid_filter", "consent_id is not a valid consent id")
    version = request.args.get("policy_version") or None
    if version is not None and not POLICY_VERSION.fullmatch(version):
        raise ApiError(400, "invalid_filter", "policy_version is not a valid policy version")
    return RecordFilter(since=since, until=until, consent_id=consent_id, policy_version=version)


@bp.get("/consents")
def export_consents() -> Response:
    export_format = request.args.get("format", "jsonl")
    if export_format not in MIMETYPES:
        raise ApiError(400, "invalid_format", "format must be csv or jsonl")
    with_policy = request.args.get("with_policy") in ("1", "true")
    if with_policy and export_format != "jsonl":
        raise ApiError(400, "invalid_format", "with_policy needs format=jsonl")
    chunks = export_chunks(
        services().store, record_filter_from_args(), export_format, with_policy=with_policy
    )
    response = Response(primed(chunks), mimetype=MIMETYPES[export_format])
    response.headers["Content-Disposition"] = f'attachment; filename="consents.{export_format}"'
    return response


@bp.get("/verify")
def verify_log() -> Response:
    return jsonify(services().store.verify().as_dict())


@bp.get("/stats")
def stats() -> Response:
    bucket = request.args.get("bucket", "day")
    if bucket not in ("day", "week"):
        raise ApiError(400, "invalid_filter", "bucket must be day or week")
    record_filter = record_filter_from_args()
    body = services().store.stats(record_filter, bucket)
    return jsonify({"since": record_filter.since, "until": record_filter.until, **body})


@bp.get("/policies")
def policies() -> Response:
    services().categories()
    return jsonify(policies=services().store.policies())


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
