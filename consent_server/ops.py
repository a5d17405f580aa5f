"""Operations endpoints: liveness, readiness and the API contract."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from flask import Blueprint, Response, jsonify

from .errors import error_response
from .readiness import readiness

bp = Blueprint("ops", __name__)


@cache
def openapi_spec() -> dict:
    return yaml.safe_load(resources.files(__package__).joinpath("openapi.yaml").read_text())


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    verdict = readiness().check()
    if verdict.ready:
        return jsonify(status="ready")
    return error_response(503, "not_ready", verdict.reason)


@bp.get("/api/v1/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_spec())
