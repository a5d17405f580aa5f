"""Operations endpoints: liveness, readiness, the API contract, and the icon browsers ask for."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources

import yaml
from flask import Blueprint, Response, current_app, jsonify, send_from_directory

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


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The server's icon; a served site's own favicon.ico, if it has one, wins."""
    site_dir = current_app.config["CONSENT_SITE_DIR"]
    if site_dir and os.path.isfile(os.path.join(site_dir, "favicon.ico")):
        return send_from_directory(site_dir, "favicon.ico", max_age=86400)
    static = str(resources.files(__package__).joinpath("static"))
    return send_from_directory(static, "favicon.ico", max_age=86400)
