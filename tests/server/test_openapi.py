"""The OpenAPI document and the app describe the same API."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from consent_server.ops import openapi_spec


def spec_operations() -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in openapi_spec()["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


def app_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((path, method))
    return operations


def test_spec_is_valid_openapi():
    validate(openapi_spec())


def test_every_route_is_in_the_spec_and_every_spec_path_is_a_route(app):
    assert app_operations(app) == spec_operations()


def test_spec_is_served_as_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["paths"].keys() == openapi_spec()["paths"].keys()
