"""CORS on the visitor API: what each origin gets, what a preflight allows, what caches are told."""

from __future__ import annotations

import sqlite3

import pytest

from consent_server.headers import VISITOR_REQUEST_HEADERS

from .helpers import VALID_BODY, assert_json_error, post_consent

ALLOWED = "https://docs.example.com, https://*.example.org, http://localhost:8000"
CORS_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Methods",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
)
# (Origin the browser sends, allowed?)
MATRIX = [
    ("https://docs.example.com", True),
    ("https://docs.example.org", True),
    ("https://a.b.example.org", True),
    ("http://localhost:8000", True),
    ("https://example.org", False),  # the parent itself is not one of its subdomains
    ("https://docs.example.com.evil.net", False),
    ("https://docs.example.org.evil.net", False),
    ("https://evilexample.org", False),
    ("https://evil-example.org", False),
    ("https://xdocs.example.com", False),
    ("https://docs.example.co", False),
    ("null", False),
    ("http://docs.example.com", False),
    ("http://docs.example.org", False),
    ("https://localhost:8000", False),
    ("https://docs.example.com:8443", False),
    ("https://docs.example.org:8443", False),
    ("http://localhost:8001", False),
    ("http://localhost", False),
    ("https://docs.example.com:443", False),  # never a browser's form of the origin
    ("https://docs.example.com/", False),
    ("https://.example.org", False),
    ("https://docs.example.org.", False),
    ("", False),
]


@pytest.fixture
def client(make_app):
    return make_app(ALLOWED_ORIGINS=ALLOWED).test_client()


def preflight(client, origin: str, method: str = "POST", headers: str = ""):
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return client.options("/api/v1/consent", headers=request_headers)


def vary(response) -> set[str]:
    return {
        value.strip().lower() for value in ",".join(response.headers.getlist("Vary")).split(",")
    }


def assert_grants_nothing(response) -> None:
    granted = [name for name in CORS_HEADERS if name in response.headers]
    assert granted == [], f"an origin that is not configured got {granted}"


@pytest.mark.parametrize(("origin", "allowed"), MATRIX)
def test_a_decision_is_readable_only_by_a_configured_origin(client, origin, allowed):
    response = post_consent(client, headers={"Origin": origin})
    assert response.status_code == 201
    assert "origin" in vary(response)
    if not allowed:
        assert_grants_nothing(response)
        return
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers.getlist("Access-Control-Allow-Origin") == [origin]
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(("origin", "allowed"), MATRIX)
def test_a_preflight_allows_every_banner_header_only_for_a_configured_origin(
    client, origin, allowed
):
    asked = ",".join(header.lower() for header in VISITOR_REQUEST_HEADERS)
    response = preflight(client, origin, headers=asked)
    assert response.status_code == 200
    assert "origin" in vary(response)
    if not allowed:
        assert_grants_nothing(response)
        return
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    granted = {h.strip() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert granted == set(asked.split(","))
    assert int(response.headers["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("header", VISITOR_REQUEST_HEADERS)
@pytest.mark.parametrize("method", ["POST", "GET", "DELETE"])
def test_a_preflight_for_each_header_and_method_the_banner_sends(client, header, method):
    response = preflight(client, "https://docs.example.org", method, header.lower())
    assert response.headers["Access-Control-Allow-Headers"] == header.lower()
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "POST", "DELETE"}
    assert "origin" in vary(response)


def test_a_preflight_does_not_allow_headers_the_banner_never_sends(client):
    response = preflight(client, "https://docs.example.com", headers="content-type,x-forwarded-for")
    assert response.headers["Access-Control-Allow-Headers"] == "content-type"


def test_a_preflight_for_a_method_no_route_answers_allows_nothing_more(client):
    response = preflight(client, "https://docs.example.com", method="PUT", headers="content-type")
    assert "Access-Control-Allow-Methods" not in response.headers
    assert "Access-Control-Allow-Headers" not in response.headers


def test_each_visitor_endpoint_answers_a_configured_origin(client):
    origin = {"Origin": "https://docs.example.com"}
    token = post_consent(client).get_json()["token"]
    with_token = {**origin, "X-Consent-Token": token}
    answers = [
        client.get("/api/v1/consent", headers=with_token),
        client.get("/api/v1/consent/history", headers=with_token),
        client.get("/api/v1/consent/export", headers=with_token),
        client.delete("/api/v1/consent", headers=with_token),
        client.delete("/api/v1/consent/history", headers=with_token),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 200]
    for answer in answers:
        assert answer.headers["Access-Control-Allow-Origin"] == origin["Origin"]


def test_errors_carry_cors_so_the_banner_can_read_them(client, db_path):
    origin = {"Origin": "https://docs.example.com"}
    bad = client.post("/api/v1/consent", data="{", content_type="application/json", headers=origin)
    assert_json_error(bad, 400, "invalid_json")
    assert bad.headers["Access-Control-Allow-Origin"] == origin["Origin"]
    assert_json_error(client.get("/api/v1/consent", headers=origin), 404, "no_consent")
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        unavailable = post_consent(client, VALID_BODY, headers=origin)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert_json_error(unavailable, 503, "store_unavailable")
    assert unavailable.headers["Access-Control-Allow-Origin"] == origin["Origin"]
    assert unavailable.headers["Access-Control-Expose-Headers"] == "Retry-After"
    assert unavailable.headers["Retry-After"]


def test_without_an_origin_no_cors_headers_are_sent(client):
    response = post_consent(client)
    assert_grants_nothing(response)
    assert "origin" in vary(response)


def test_the_admin_api_the_dashboard_and_operations_never_answer_cross_origin(
    client, admin_headers
):
    origin = {"Origin": "https://docs.example.com"}
    answers = [
        client.get("/api/v1/admin/verify", headers={**admin_headers, **origin}),
        client.get("/api/v1/admin/consents", headers={**admin_headers, **origin}),
        client.get("/admin/", headers=origin),
        client.get("/readyz", headers=origin),
        client.get("/api/v1/openapi.json", headers=origin),
        client.options(
            "/api/v1/admin/consents",
            headers={**origin, "Access-Control-Request-Method": "GET"},
        ),
    ]
    for answer in answers:
        assert_grants_nothing(answer)


def test_without_configured_origins_nobody_gets_cors(make_app):
    client = make_app().test_client()
    assert_grants_nothing(post_consent(client, headers={"Origin": "https://docs.example.com"}))
    assert_grants_nothing(preflight(client, "https://docs.example.com", headers="content-type"))


def test_one_exact_origin_still_tells_caches_that_answers_vary(make_app):
    client = make_app(ALLOWED_ORIGINS="https://docs.example.com").test_client()
    for response in (
        preflight(client, "https://docs.example.com", headers="idempotency-key"),
        post_consent(client, headers={"Origin": "https://docs.example.com"}),
    ):
        assert response.headers.getlist("Vary") == ["Origin"]
