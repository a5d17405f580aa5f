"""Attack: a copied dashboard cookie that outlives sign-out, token removal and its lifetime.

Sessions are tracked by the server in the store, so every worker and instance on the same log
agrees: signing out, or removing the admin token from CONSENT_ADMIN_TOKENS, ends them; a session
lasts at most 8 hours however busy, and 30 minutes idle.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from ..helpers import ADMIN_TOKEN, admin_hash
from .helpers import session_cookie, sign_in, sign_out

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
OTHER_ADMIN_TOKEN = "another-admin-token-0123456789ab"


def copied(app, cookie: str):
    """A client that holds nothing but a stolen cookie."""
    thief = app.test_client()
    thief.set_cookie("consent_admin", cookie, path="/admin")
    return thief


def signed_in(client) -> bool:
    page = client.get("/admin/")
    json_view = client.get("/admin/records.json")
    return page.status_code == 200 and json_view.status_code == 200


def test_a_copied_cookie_stops_working_at_sign_out(backend_app):
    admin = backend_app.test_client()
    sign_in(admin)
    cookie = session_cookie(admin)
    assert signed_in(copied(backend_app, cookie))

    sign_out(admin)

    assert not signed_in(copied(backend_app, cookie))
    assert copied(backend_app, cookie).get("/admin/export.csv").status_code == 401


def test_sign_out_on_one_instance_ends_the_session_on_every_instance(backend, make_app):
    first = make_app(DATABASE_URL=backend.url)
    second = make_app(DATABASE_URL=backend.url)
    admin = first.test_client()
    sign_in(admin)
    cookie = session_cookie(admin)
    assert signed_in(copied(second, cookie))

    sign_out(admin)

    assert not signed_in(copied(second, cookie))
    for app in (first, second):
        app.extensions["consent"].store.close()


def test_removing_the_admin_token_ends_its_sessions(backend, make_app):
    both = f"{admin_hash(ADMIN_TOKEN)},{admin_hash(OTHER_ADMIN_TOKEN)}"
    before = make_app(DATABASE_URL=backend.url, ADMIN_TOKENS=both)
    admin, colleague = before.test_client(), before.test_client()
    sign_in(admin)
    sign_in(colleague, OTHER_ADMIN_TOKEN)
    cookie, colleague_cookie = session_cookie(admin), session_cookie(colleague)

    after = make_app(DATABASE_URL=backend.url, ADMIN_TOKENS=admin_hash(OTHER_ADMIN_TOKEN))

    assert not signed_in(copied(after, cookie))
    assert signed_in(copied(after, colleague_cookie))
    for app in (before, after):
        app.extensions["consent"].store.close()


def test_a_busy_session_ends_after_eight_hours(backend_app):
    admin = backend_app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(admin)
        for _ in range(23):
            clock.shift(timedelta(minutes=20))
            assert signed_in(admin)
        cookie = session_cookie(admin)
        clock.shift(timedelta(minutes=21))

        assert not signed_in(copied(backend_app, cookie))
        assert not signed_in(admin)


def test_an_idle_session_ends_after_thirty_minutes(backend_app):
    admin = backend_app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(admin)
        clock.shift(timedelta(minutes=29))
        assert signed_in(admin)
        clock.shift(timedelta(minutes=31))

        assert not signed_in(admin)


def test_signing_in_again_after_the_end_works(backend_app):
    admin = backend_app.test_client()
    sign_in(admin)
    sign_out(admin)

    sign_in(admin)

    assert signed_in(admin)
