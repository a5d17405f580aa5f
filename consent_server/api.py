"""The visitors' blueprint: give, read, withdraw, export and erase one's own consent."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from .chain import seal_personal_fields
from .context import services
from .errors import ApiError
from .headers import CONSENT_TOKEN, GLOBAL_PRIVACY_CONTROL
from .idempotency import idempotency_key, request_key
from .json_body import parse_json_body
from .receipts import consent_receipt
from .records import ENDING_METHODS, Decision, Record
from .store.request_keys import RequestKey
from .timestamps import format_timestamp, parse_timestamp
from .validation import (
    anonymise_ip,
    parse_decision,
    parse_origin,
    parse_page_url,
    parse_user_agent,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _setting(name: str) -> Any:
    return current_app.config["CONSENT_" + name]


def _read_json_body() -> Any:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    return parse_json_body(request.get_data(cache=False))


def _presented_token() -> str | None:
    return request.headers.get(CONSENT_TOKEN) or request.cookies.get(_setting("COOKIE_NAME"))


def _token_consent_id() -> str | None:
    payload = services().signer.read(_presented_token())
    consent_id = payload.get("cid") if payload else None
    return consent_id if isinstance(consent_id, str) else None


def _require_consent_id() -> str:
    consent_id = _token_consent_id()
    if consent_id is None:
        raise ApiError(404, "no_consent", "no valid consent token was presented")
    return consent_id


def _new_record(consent_id: str, method: str, decision: Decision | None = None) -> Record:
    """A record carrying the request's context, with personal fields reduced as configured; every
    header it records is checked first (a 400 before anything is written)."""
    keep_personal = method != "erase"
    record = Record(
        consent_id=consent_id,
        created_at="",
        method=method,
        granted=list(decision.granted) if decision else [],
        denied=list(decision.denied) if decision else [],
        granted_services=list(decision.granted_services) if decision else [],
        denied_services=list(decision.denied_services) if decision else [],
        policy_version=decision.policy_version if decision else "",
        language=decision.language if decision else "",
        page_url=decision.page_url if decision and keep_personal else "",
        gpc=request.headers.get(GLOBAL_PRIVACY_CONTROL, "").strip() == "1",
        ip=anonymise_ip(request.remote_addr, _setting("IP_MODE"), services().ip_key)
        if keep_personal
        else "",
        user_agent=_user_agent() if keep_personal else "",
        origin=parse_origin(request.headers.get("Origin")),
        request_id=idempotency_key(),
    )
    if keep_personal:
        seal_personal_fields(record)
    return record


def _user_agent() -> str:
    return parse_user_agent(request.headers.get("User-Agent"))


def _request_key(
    operation: str, token_consent_id: str | None, consent_id: str, body: Any = None
) -> RequestKey | None:
    """`Idempotency-Key`: a retried request (the banner resends what it could not confirm) is
    answered with the record it already made, and only to the requester that made it."""
    return request_key(
        operation,
        token_consent_id=token_consent_id,
        consent_id=consent_id,
        user_agent=_user_agent() if token_consent_id is None else "",
        secret=services().ip_key,
        body=body,
    )


def _expires_at(record: Record) -> str:
    expiry = parse_timestamp(record.created_at) + timedelta(days=_setting("MAX_AGE_DAYS"))
    return format_timestamp(expiry)


def _decision_body(record: Record) -> dict[str, Any]:
    choices = {category: True for category in record.granted}
    choices.update({category: False for category in record.denied})
    chosen_services = {service: True for service in record.granted_services}
    chosen_services.update({service: False for service in record.denied_services})
    return {
        "consent_id": record.consent_id,
        "choices": choices,
        "services": chosen_services,
        "method": record.method,
        "policy_version": record.policy_version,
        "created_at": record.created_at,
        "expires_at": _expires_at(record),
        "gpc": record.gpc,
    }


def _cookie_flags() -> dict[str, Any]:
    """The token cookie's scope and flags, the same whether it is set or cleared."""
    config = current_app.config
    return {
        "path": "/",
        "domain": config["CONSENT_COOKIE_DOMAIN"],
        "secure": config["CONSENT_COOKIE_SECURE"],
        "httponly": True,
        "samesite": config["CONSENT_COOKIE_SAMESITE"],
    }


def _set_token_cookie(response: Response, token: str) -> None:
    max_age = _setting("MAX_AGE_DAYS") * 86400
    response.set_cookie(_setting("COOKIE_NAME"), token, max_age=max_age, **_cookie_flags())


def _clear_token_cookie(response: Response) -> None:
    response.delete_cookie(_setting("COOKIE_NAME"), **_cookie_flags())


@bp.after_request
def never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/consent")
def give_consent() -> tuple[Response, int]:
    body = _read_json_body()
    services().archive_current_policy()
    manifest = services().manifest_for(
        body.get("policy_version") if isinstance(body, dict) else None
    )
    known, required = (
        (manifest.categories, manifest.required) if manifest else services().categories()
    )
    decision = parse_decision(body, known, required, manifest.services if manifest else None)
    token_consent_id = _token_consent_id()
    consent_id = token_consent_id or str(uuid.uuid4())
    record = services().store.append(
        _new_record(consent_id, decision.method, decision),
        _request_key("decide", token_consent_id, consent_id, body),
    )
    token = services().signer.sign({"cid": record.consent_id, "seq": record.seq})
    response = jsonify(_decision_body(record) | {"token": token})
    _set_token_cookie(response, token)
    return response, 201


@bp.get("/consent")
def read_consent() -> Response:
    record = services().store.latest(_require_consent_id())
    if record is None or record.method in ENDING_METHODS:
        raise ApiError(404, "no_consent", "this consent was withdrawn or erased")
    return jsonify(_decision_body(record))


@bp.delete("/consent")
def withdraw_consent() -> Response:
    consent_id = _require_consent_id()
    store = services().store
    previous = store.latest(consent_id)
    services().archive_current_policy()
    _, required = services().categories()
    withdrawn = previous.granted + previous.denied if previous else []
    decision = Decision(
        method="withdraw",
        granted=tuple(sorted(set(withdrawn) & required)),
        denied=tuple(sorted(set(withdrawn) - required)),
        policy_version=previous.policy_version if previous else "",
        language=previous.language if previous else "",
        page_url=parse_page_url(request.headers.get("Referer"), "the Referer header"),
        denied_services=tuple(
            sorted(set(previous.granted_services + previous.denied_services) if previous else ())
        ),
    )
    record = store.append(
        _new_record(consent_id, "withdraw", decision),
        _request_key("withdraw", consent_id, consent_id),
    )
    response = jsonify(_decision_body(record))
    _clear_token_cookie(response)
    return response


@bp.get("/consent/history")
def consent_history() -> Response:
    consent_id = _require_consent_id()
    records = services().store.history(consent_id)
    return jsonify(consent_id=consent_id, records=[record.public() for record in records])


@bp.get("/consent/export")
def export_own_record() -> Response:
    """Download my data: the visitor's consent record as a portable file."""
    consent_id = _require_consent_id()
    records = services().store.history(consent_id)
    response = jsonify(consent_receipt(consent_id, records, services().manifest.current()))
    response.headers["Content-Disposition"] = 'attachment; filename="my-consent-record.json"'
    return response


@bp.delete("/consent/history")
def erase_history() -> Response:
    """Erase, answer once it is committed, and have the old values scrubbed from the database's
    files moments later, off the request path (scrubber.py)."""
    consent_id = _require_consent_id()
    store = services().store
    record = store.erase(
        consent_id, _new_record(consent_id, "erase"), _request_key("erase", consent_id, consent_id)
    )
    services().scrubber.request()
    response = jsonify(
        consent_id=consent_id,
        erased=True,
        seq=record.seq,
        created_at=record.created_at,
        scrub={"method": store.scrub_method, "scheduled": True},
    )
    _clear_token_cookie(response)
    return response
