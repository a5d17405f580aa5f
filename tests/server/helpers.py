"""Values and small helpers shared by the server tests."""

from __future__ import annotations

import hashlib

from flask.testing import FlaskClient

SECRET = "s" * 40
OLD_SECRET = "o" * 40
ADMIN_TOKEN = "admin-token-for-tests-0123456789"
VALID_BODY = {
    "choices": {"analytics": True, "marketing": False},
    "policy_version": "v1",
    "language": "en",
    "page_url": "https://docs.example.com/guide/",
    "method": "custom",
}


def admin_hash(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def post_consent(client: FlaskClient, body: dict | None = None, **kwargs: object):
    return client.post("/api/v1/consent", json=VALID_BODY if body is None else body, **kwargs)


def assert_json_error(response, status: int, code: str | None = None) -> None:
    """A clean error: the status, the JSON shape, and no trace of Python internals."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "message"}
    if code is not None:
        assert body["error"] == code
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "site-packages" not in text
