"""One JSON shape for every error: {"error": CODE, "message": TEXT}, never a stack trace."""

from __future__ import annotations

import re

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from .headers import RETRY_AFTER
from .readiness import note_store_failure
from .store import StoreUnavailable
from .store.request_keys import RequestKeyReused
from .validation import InvalidRequest


class ApiError(Exception):
    """An error a view raises on purpose, with the status and code the client will see."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status: int, code: str, message: str, headers: dict | None = None):
    response = jsonify(error=code, message=message)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _code_for(error: HTTPException) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (error.name or "error").lower()).strip("_")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError) -> ResponseReturnValue:
        return error_response(error.status, error.code, error.message, error.headers)

    @app.errorhandler(InvalidRequest)
    def handle_invalid_request(error: InvalidRequest) -> ResponseReturnValue:
        return error_response(400, error.code, error.message)

    @app.errorhandler(RequestKeyReused)
    def handle_request_key_reused(error: RequestKeyReused) -> ResponseReturnValue:
        return error_response(422, "idempotency_key_reused", str(error))

    @app.errorhandler(StoreUnavailable)
    def handle_store_unavailable(error: StoreUnavailable) -> ResponseReturnValue:
        app.logger.error("consent log unavailable: %s", error)
        note_store_failure(str(error))
        return error_response(
            503,
            "store_unavailable",
            "the consent log cannot be written right now; try again later "
            "(resend with the same Idempotency-Key so that a decision is never logged twice)",
            {RETRY_AFTER: "5"},
        )

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
        response = error_response(error.code or 500, _code_for(error), error.description or "")
        for name, value in error.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", "an unexpected error occurred")
