"""Rate limits: 429 with Retry-After and a JSON error, separate for visitors and admins."""

from __future__ import annotations

import uuid

import pytest

from consent_server import ConfigError

from ..conftest import require
from .helpers import assert_json_error, post_consent


def test_visitor_limit_gives_429_with_retry_after(make_app, row_count):
    client = make_app(RATELIMIT_VISITOR="3 per minute").test_client()
    for _ in range(3):
        assert post_consent(client).status_code == 201
    response = post_consent(client)
    assert_json_error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0
    assert row_count() == 3


def test_limits_are_per_client_address(make_app):
    client = make_app(RATELIMIT_VISITOR="1 per minute").test_client()
    assert post_consent(client, environ_base={"REMOTE_ADDR": "203.0.113.1"}).status_code == 201
    assert post_consent(client, environ_base={"REMOTE_ADDR": "203.0.113.1"}).status_code == 429
    assert post_consent(client, environ_base={"REMOTE_ADDR": "203.0.113.2"}).status_code == 201


def test_admin_limit_is_separate(make_app, admin_headers):
    client = make_app(
        RATELIMIT_VISITOR="1 per minute", RATELIMIT_ADMIN="2 per minute"
    ).test_client()
    assert post_consent(client).status_code == 201
    assert post_consent(client).status_code == 429
    for _ in range(2):
        assert client.get("/api/v1/admin/verify", headers=admin_headers).status_code == 200
    assert_json_error(client.get("/api/v1/admin/verify", headers=admin_headers), 429)


def test_health_endpoints_are_not_limited(make_app):
    client = make_app(
        RATELIMIT_VISITOR="1 per minute", RATELIMIT_ADMIN="1 per minute"
    ).test_client()
    assert all(client.get("/healthz").status_code == 200 for _ in range(5))


def test_limits_can_be_disabled(make_app):
    client = make_app(RATELIMIT_VISITOR="1 per minute", RATELIMIT_ENABLED="false").test_client()
    assert [post_consent(client).status_code for _ in range(3)] == [201, 201, 201]


def test_proxy_hops_make_limits_and_ip_truncation_see_the_client(make_app):
    app = make_app(RATELIMIT_VISITOR="1 per minute", PROXY_HOPS=1)
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = post_consent(client, environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.7"})
    second = post_consent(client, environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.8"})
    assert (first.status_code, second.status_code) == (201, 201)
    ips = [record.ip for record in app.extensions["consent"].store.records()]
    assert ips == ["198.51.100.0/24", "198.51.100.0/24"]
    again = post_consent(client, environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.7"})
    assert again.status_code == 429


@pytest.mark.parametrize(
    ("name", "value"),
    [("RATELIMIT_VISITOR", "lots"), ("RATELIMIT_STORAGE_URL", "ftp://x")],
)
def test_bad_limit_settings_are_clear_errors(make_app, name, value):
    with pytest.raises(ConfigError, match=f"CONSENT_{name}"):
        make_app(**{name: value})


def test_redis_storage_shares_counters_between_apps(make_app):
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping()
        available = True
    except redis.RedisError:
        available = False
    require(available, "Redis is not reachable at 127.0.0.1:6379")
    # A fresh limit string per run keeps counters from earlier runs out of the way.
    limit = f"2 per {uuid.uuid4().int % 1000 + 1000} seconds"
    settings = {"RATELIMIT_VISITOR": limit, "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379"}
    address = {"REMOTE_ADDR": f"198.51.100.{uuid.uuid4().int % 250}"}
    first, second = make_app(**settings).test_client(), make_app(**settings).test_client()
    assert post_consent(first, environ_base=address).status_code == 201
    assert post_consent(second, environ_base=address).status_code == 201
    assert post_consent(first, environ_base=address).status_code == 429
