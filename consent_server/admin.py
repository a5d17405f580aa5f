"""The admins' blueprint: the consent log as proof, behind bearer tokens, never CORS."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
from collections.abc import Iterable, Iterator
from itertools import chain

from flask import Blueprint, Response, current_app, jsonify, request

from .context import services
from .errors import ApiError
from .records import POLICY_VERSION, Record, parse_timestamp
from .store import ConsentStore, RecordFilter

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")

BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]{1,512})$")
CONSENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
EXPORT_FIELDS = (
    "seq", "consent_id", "created_at", "method", "granted", "denied", "granted_services",
    "denied_services", "policy_version",
    "language", "page_url", "gpc", "ip", "user_agent", "origin", "schema_version", "request_id",
    "personal_digest", "erased", "prev_hash", "hash",
)  # fmt: skip
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
        moment = parse_timestamp(value)
    except ValueError:
        raise ApiError(400, "invalid_filter", f"{name} must be an ISO 8601 date or time") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


def _csv_cell(value: object) -> object:
    """Neutralise spreadsheet formulas: user agents and URLs come from visitors."""
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(records: Iterable[Record]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for count, record in enumerate(records, 1):
        data = record.public()
        writer.writerow([_csv_cell(data[name]) for name in EXPORT_FIELDS])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(records: Iterable[Record]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record.public(), ensure_ascii=False, separators=(",", ":")) + "\n"


def with_policies(records: Iterable[Record], store: ConsentStore) -> Iterator[Record]:
    """Attach to each record the archived manifest of its policy version (looked up once each)."""
    cache: dict[str, dict] = {}
    for record in records:
        version = record.policy_version
        if version not in cache:
            found = store.policy(version) if version else None
            cache[version] = (
                json.loads(found["manifest"])
                if found
                else {"policy_version": version, "archived": False}
            )
        record.policy = cache[version]
        yield record


EXPORTERS = {
    "csv": (csv_lines, "text/csv; charset=utf-8"),
    "jsonl": (jsonl_lines, "application/x-ndjson; charset=utf-8"),
}


def primed(records: Iterator[Record]) -> Iterator[Record]:
    """Open the stream before the response starts, so an unavailable log is a 503, not a cut file."""
    first = next(records, None)
    return records if first is None else chain([first], records)


@bp.get("/consents")
def export_consents() -> Response:
    export_format = request.args.get("format", "jsonl")
    if export_format not in EXPORTERS:
        raise ApiError(400, "invalid_format", "format must be csv or jsonl")
    record_filter = record_filter_from_args()
    lines, mimetype = EXPORTERS[export_format]
    records = primed(services().store.records(record_filter))
    if request.args.get("with_policy") in ("1", "true"):
        if export_format != "jsonl":
            raise ApiError(400, "invalid_format", "with_policy needs format=jsonl")
        records = with_policies(records, services().store)
    response = Response(lines(records), mimetype=mimetype)
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
