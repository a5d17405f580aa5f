"""Values and small helpers shared by the server tests."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable

from flask.testing import FlaskClient

from consent_server.signing import load_signing_key

SECRET = "s" * 40
OLD_SECRET = "o" * 40
ADMIN_TOKEN = "admin-token-for-tests-0123456789"
# The server's Ed25519 key in tests: it signs purge records and checkpoints.
SIGNING_KEY_TEXT = "ed25519:" + base64.b64encode(bytes(range(32))).decode()
SIGNING_KEY = load_signing_key(SIGNING_KEY_TEXT)
PUBLIC_KEYS = [SIGNING_KEY.public]
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


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether `check` holds within `seconds`, asked every 50 ms: for work done in the background,
    never as a measure of speed."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
