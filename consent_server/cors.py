"""CORS for the visitor API, through flask-cors: only the configured origins, with credentials.

The headers come from `headers.py` and the methods from the visitor blueprint's own routes, so a
header or a route added there is allowed here without a second list to forget. The admin API and
the dashboard never answer cross-origin requests.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, request
from flask_cors import CORS

from .headers import VISITOR_REQUEST_HEADERS, VISITOR_RESPONSE_HEADERS
from .origins import OriginRule

VISITOR_BLUEPRINT = "api"
VISITOR_PATHS = r"/api/v1/consent(?:/.*)?\Z"
PREFLIGHT_MAX_AGE = 600


def visitor_methods(app: Flask) -> list[str]:
    """Every method a route of the visitor blueprint answers, as the preflight lists them."""
    methods = {
        method
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(VISITOR_BLUEPRINT + ".")
        for method in rule.methods or ()
    }
    return sorted(methods - {"HEAD", "OPTIONS"})


def init_visitor_cors(app: Flask, rules: Sequence[OriginRule]) -> None:
    """Call after the visitor blueprint is registered (its routes give the methods)."""
    app.after_request(_vary_on_origin)
    if not rules:
        return
    CORS(
        app,
        resources={VISITOR_PATHS: {"origins": [rule.cors_origin() for rule in rules]}},
        supports_credentials=True,
        allow_headers=list(VISITOR_REQUEST_HEADERS),
        expose_headers=list(VISITOR_RESPONSE_HEADERS),
        methods=visitor_methods(app),
        max_age=PREFLIGHT_MAX_AGE,
        # Without an Origin there is nothing to allow: never list the configured origins.
        always_send=False,
    )


def _vary_on_origin(response: Response) -> Response:
    """The visitor API's answers depend on Origin, allowed or not: caches must keep them apart.

    Registered before flask-cors, so it runs after it and merges into one `Vary` header.
    """
    if request.blueprint != VISITOR_BLUEPRINT:
        return response
    values = [value for header in response.headers.getlist("Vary") for value in header.split(",")]
    names = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if "origin" not in {name.lower() for name in names}:
        names.append("Origin")
    response.headers["Vary"] = ", ".join(names)
    return response
