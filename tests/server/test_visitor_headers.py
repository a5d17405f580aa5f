"""One list of the visitor API's headers: what CORS allows is what the contract and the docs name."""

from __future__ import annotations

from pathlib import Path

from consent_server.headers import (
    GLOBAL_PRIVACY_CONTROL,
    VISITOR_REQUEST_HEADERS,
    VISITOR_RESPONSE_HEADERS,
)
from consent_server.ops import openapi_spec

ROOT = Path(__file__).parents[2]


def visitor_header_parameters() -> set[str]:
    spec = openapi_spec()
    parameters = spec["components"]["parameters"]
    names = set()
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1/consent"):
            continue
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                parameter = parameters[parameter["$ref"].rsplit("/", 1)[-1]]
                if parameter["in"] == "header":
                    names.add(parameter["name"])
    return names


def test_the_contract_documents_exactly_the_headers_cors_allows():
    documented = visitor_header_parameters()
    # Content-Type is the request body's; Sec-GPC the browser sets itself, without a preflight.
    assert documented - {GLOBAL_PRIVACY_CONTROL} == set(VISITOR_REQUEST_HEADERS) - {"Content-Type"}


def test_the_api_page_names_every_allowed_and_exposed_header():
    page = (ROOT / "site/docs/api.md").read_text()
    for header in (*VISITOR_REQUEST_HEADERS, *VISITOR_RESPONSE_HEADERS):
        assert f"`{header}`" in page, header
