"""The dashboard's sign-in, session and escaping, through the test client."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from .helpers import ADMIN_TOKEN, assert_json_error, post_consent

HOSTILE_AGENT = '<script>window.owned=1</script><img src=x onerror="window.owned=2">'


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def sign_in(client, token: str = ADMIN_TOKEN):
    page = client.get("/admin/sign-in").get_data(as_text=True)
    return client.post("/admin/sign-in", data={"token": token, "csrf": csrf_of(page)})


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("consent_admin", path="/admin")
    return cookie.value if cookie else None


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/stats.json", "/admin/records.json", "/admin/export.csv"]
)
def test_pages_without_session_redirect_or_401(client, path):
    response = client.get(path)
    if path == "/admin/":
        assert response.status_code == 302 and response.location.endswith("/admin/sign-in")
    else:
        assert_json_error(response, 401, "unauthorized")


def test_sign_in_sets_strict_short_lived_session(client):
    response = sign_in(client)
    assert response.status_code == 303 and response.location.endswith("/admin/")
    cookie = response.headers["Set-Cookie"]
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/admin", "Secure"):
        assert flag in cookie
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert expires - datetime.now(UTC) <= timedelta(minutes=31)
    assert client.get("/admin/").status_code == 200


def test_wrong_token_is_refused(client):
    response = sign_in(client, "not-the-token")
    assert response.status_code == 401
    assert "That token is not valid." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_sign_in_without_csrf_is_refused(client):
    client.get("/admin/sign-in")
    response = client.post("/admin/sign-in", data={"token": ADMIN_TOKEN})
    assert_json_error(response, 403, "csrf_failed")
    forged = client.post("/admin/sign-in", data={"token": ADMIN_TOKEN, "csrf": "guess"})
    assert_json_error(forged, 403, "csrf_failed")


def test_session_is_replaced_at_sign_in(app):
    """A cookie planted before sign-in (session fixation) never becomes a signed-in session."""
    attacker = app.test_client()
    attacker.get("/admin/sign-in")
    planted = session_cookie(attacker)
    victim = app.test_client()
    victim.set_cookie("consent_admin", planted, path="/admin")
    page = victim.get("/admin/sign-in").get_data(as_text=True)
    victim.post("/admin/sign-in", data={"token": ADMIN_TOKEN, "csrf": csrf_of(page)})
    assert session_cookie(victim) != planted
    attacker.set_cookie("consent_admin", planted, path="/admin")
    assert attacker.get("/admin/").status_code == 302


def test_sign_out_needs_csrf_and_ends_the_session(client):
    sign_in(client)
    assert_json_error(client.post("/admin/sign-out", data={}), 403, "csrf_failed")
    assert client.get("/admin/").status_code == 200
    page = client.get("/admin/").get_data(as_text=True)
    assert client.post("/admin/sign-out", data={"csrf": csrf_of(page)}).status_code == 303
    assert client.get("/admin/").status_code == 302


def test_dashboard_data_and_downloads(client, app):
    post_consent(app.test_client(), headers={"User-Agent": HOSTILE_AGENT})
    sign_in(client)
    stats = client.get("/admin/stats.json").get_json()
    assert stats["total"] == 1
    records = client.get("/admin/records.json").get_json()["records"]
    assert records[0]["user_agent"] == HOSTILE_AGENT
    csv_download = client.get("/admin/export.csv", query_string={"since": "2000-01-01"})
    assert (
        csv_download.mimetype == "text/csv" and csv_download.get_data(as_text=True).count("\n") == 2
    )
    assert client.get("/admin/export.xml").status_code == 404


def test_dashboard_page_is_locked_down(client):
    sign_in(client)
    response = client.get("/admin/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    page = response.get_data(as_text=True)
    assert "<script>" not in page.replace('<script src="', "")
    assert client.get("/admin/static/dashboard.js").status_code == 200


def test_session_does_not_open_the_bearer_api(client):
    sign_in(client)
    assert_json_error(client.get("/api/v1/admin/verify"), 401, "unauthorized")
