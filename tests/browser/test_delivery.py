"""A decision made while the consent server cannot take it reaches the log once, when it is back.

The real server serves the built site and the API on one origin. It answers 503 while the test
holds its SQLite database locked (the log cannot be written), and the browser is cut off with
Playwright's offline mode; the banner must keep the decision, resend it with the same
Idempotency-Key, and stop once it has landed or after its bounded time.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from consent_server import create_app
from tests.server.live import serve

pytestmark = pytest.mark.browser
BANNER = "[data-consent-banner]"
API = "/api/v1/consent"


@dataclass
class Visit:
    """One visitor's browser on the served site, and what it sent to the consent API."""

    url: str
    app: object
    database: Path
    page: object
    sent: list[dict] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)

    def records(self) -> list:
        return list(self.app.extensions["consent"].store.records())

    def wait_for_records(self, count: int, seconds: float = 10) -> list:
        deadline = time.monotonic() + seconds
        while len(records := self.records()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return records

    def stored(self) -> dict | None:
        return json.loads(self.page.evaluate("localStorage.getItem('consent')") or "null")

    def wait_until_sent(self) -> None:
        self.page.wait_for_function(
            "() => { const s = JSON.parse(localStorage.getItem('consent'));"
            " return s && !s.pending && !s.undelivered; }"
        )

    def keys(self, method: str = "POST") -> list[str]:
        return [request["key"] for request in self.sent if request["method"] == method]

    @contextmanager
    def log_locked(self) -> Iterator[None]:
        """Hold the database's write lock: every write fails and the server answers 503."""
        lock = sqlite3.connect(self.database, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            lock.execute("ROLLBACK")
            lock.close()


@pytest.fixture
def visit(chromium, built_sites, tmp_path) -> Iterator[Callable[[], Visit]]:
    """The mkdocs-theme site, served by a real consent server whose writes give up quickly."""
    opened = []

    def open_site() -> Visit:
        site_dir = built_sites("mkdocs")
        database = tmp_path / f"consent{len(opened)}.sqlite3"
        app = create_app(
            {
                "SECRET_KEYS": "d" * 40,
                "DATABASE_URL": f"sqlite:///{database}",
                "DB_TIMEOUT": 0.2,
                "SITE_DIR": str(site_dir),
                "MANIFEST": str(site_dir / "consent/manifest.json"),
                "COOKIE_SECURE": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        server = serve(app)
        url = server.__enter__()
        context = chromium.new_context()
        opened.append((server, context))
        visit = Visit(url, app, database, context.new_page())
        context.on("request", lambda request: _note(visit, request))
        visit.page.on("console", lambda message: visit.console.append((message.type, message.text)))
        visit.page.goto(url + "/")
        return visit

    yield open_site
    for server, context in opened:
        context.close()
        server.__exit__(None, None, None)


def _note(visit: Visit, request) -> None:
    if request.url.endswith(API) and request.method in ("POST", "DELETE"):
        headers = request.headers
        visit.sent.append(
            {
                "method": request.method,
                "key": headers.get("idempotency-key"),
                "token": headers.get("x-consent-token"),
            }
        )


def banner_errors(visit: Visit) -> list[str]:
    return [text for kind, text in visit.console if kind == "error" and text.startswith("consent:")]


def choose(visit: Visit, action: str) -> None:
    visit.page.click(f"{BANNER} [data-consent-action={action}]")


def withdraw(visit: Visit) -> None:
    visit.page.click("[data-consent-open]")
    visit.page.click("[data-consent-dialog] [data-consent-action=withdraw]")


def warned(visit: Visit) -> bool:
    return any(kind == "warning" and "sent later" in text for kind, text in visit.console)


def test_decision_made_while_the_log_cannot_be_written_arrives_once_on_the_next_page(visit):
    visitor = visit()
    with visitor.log_locked():
        choose(visitor, "accept-all")
        visitor.page.wait_for_function("() => JSON.parse(localStorage.getItem('consent')).pending")
        visitor.page.wait_for_timeout(600)
        assert visitor.stored()["pending"] == "decision"
        assert warned(visitor)
        visitor.page.goto(visitor.url + "/cookie-policy/")
        visitor.page.wait_for_timeout(600)
        assert visitor.stored()["pending"] == "decision", "still down: kept, not lost"
        status = visitor.page.locator("[data-consent-record-status]").inner_text()
        assert "will be sent as soon as the consent server can be reached" in status
    [first_key] = set(visitor.keys())
    assert len(visitor.keys()) == 2, "sent on the decision and again on the next page"
    granted = visitor.page.get_attribute("html", "data-consent")
    assert granted == "analytics marketing", "the choice applies meanwhile"

    second_tab = visitor.page.context.new_page()
    second_tab.goto(visitor.url + "/")
    visitor.page.goto(visitor.url + "/")
    visitor.wait_until_sent()
    [record] = visitor.wait_for_records(1)
    assert (record.method, record.request_id) == ("accept_all", first_key)
    assert set(visitor.keys()) == {first_key}, "every resend carries the original key"
    assert visitor.stored()["consent_id"] == record.consent_id
    assert visitor.stored()["token"]

    count = len(visitor.sent)
    visitor.page.reload()
    second_tab.reload()
    visitor.page.wait_for_timeout(300)
    assert len(visitor.sent) == count, "nothing is sent once it has landed"
    assert len(visitor.records()) == 1


def test_decision_made_offline_is_sent_when_the_browser_is_online_again(visit):
    visitor = visit()
    visitor.page.context.set_offline(True)
    choose(visitor, "reject-all")
    visitor.page.wait_for_timeout(300)
    assert visitor.records() == [] and visitor.stored()["pending"] == "decision"
    visitor.page.evaluate("window.samePage = true")
    visitor.page.context.set_offline(False)
    [record] = visitor.wait_for_records(1)
    assert record.method == "reject_all"
    assert visitor.page.evaluate("window.samePage") is True, "sent without a page load"
    visitor.wait_until_sent()
    assert record.request_id == visitor.stored()["request_id"]
    assert len(visitor.records()) == 1


def test_withdrawal_after_an_undelivered_consent_reaches_the_log_after_it(visit):
    visitor = visit()
    with visitor.log_locked():
        choose(visitor, "accept-all")
        visitor.page.wait_for_function("() => JSON.parse(localStorage.getItem('consent')).pending")
        withdraw(visitor)
        visitor.page.wait_for_timeout(600)
        assert visitor.stored()["pending"] == "withdraw"
        assert len(visitor.stored()["undelivered"]) == 1
    visitor.page.reload()
    visitor.wait_until_sent()
    records = visitor.wait_for_records(2)
    assert [record.method for record in records] == ["accept_all", "withdraw"]
    assert records[0].consent_id == records[1].consent_id
    accept_key, withdraw_key = records[0].request_id, records[1].request_id
    assert set(visitor.keys("POST")) == {accept_key}
    assert visitor.keys("DELETE")[-1] == withdraw_key
    assert visitor.sent[-1]["token"], "the withdrawal names the consent it withdraws"


def test_a_refusal_that_allowed_nothing_is_replaced_by_the_next_decision(visit):
    visitor = visit()
    with visitor.log_locked():
        choose(visitor, "reject-all")
        visitor.page.wait_for_timeout(400)
        visitor.page.click("[data-consent-open]")
        visitor.page.click("[data-consent-dialog] [data-consent-action=accept-all]")
        visitor.page.wait_for_timeout(400)
        assert "undelivered" not in visitor.stored()
    visitor.page.reload()
    visitor.wait_until_sent()
    [record] = visitor.wait_for_records(1)
    assert record.method == "accept_all"


def test_the_token_from_the_banner_keeps_one_consent_id_without_the_cookie(visit):
    """Cross-site, the browser drops the server's cookie: the banner's own token still counts."""
    visitor = visit()
    choose(visitor, "accept-all")
    visitor.wait_until_sent()
    token = visitor.stored()["token"]
    visitor.page.context.clear_cookies()
    visitor.page.click("[data-consent-open]")
    visitor.page.click("[data-consent-dialog] [data-consent-action=reject-all]")
    visitor.wait_until_sent()
    first, second = visitor.wait_for_records(2)
    assert first.consent_id == second.consent_id
    assert visitor.sent[-1]["token"] == token


@pytest.mark.parametrize(("days", "delivered"), [(6, True), (8, False)])
def test_a_decision_is_given_up_after_seven_days_with_a_message(visit, days, delivered):
    visitor = visit()
    with visitor.log_locked():
        choose(visitor, "accept-all")
        visitor.page.wait_for_timeout(600)
        assert visitor.stored()["pending"] == "decision"
    attempts = len(visitor.sent)
    visitor.page.clock.install(time=datetime.now() + timedelta(days=days))
    visitor.page.reload()
    visitor.page.wait_for_function(
        "() => !('pending' in JSON.parse(localStorage.getItem('consent')))"
    )
    visitor.page.wait_for_timeout(300)
    errors = banner_errors(visitor)
    if delivered:
        assert len(visitor.wait_for_records(1)) == 1
        assert errors == []
    else:
        assert len(visitor.sent) == attempts, "not sent again"
        assert visitor.records() == []
        [message] = errors
        assert "will not be sent" in message and "CONSENT_ALLOWED_ORIGINS" in message
        assert visitor.page.evaluate("window.consent.get().method") == "accept_all"
        visitor.page.reload()
        visitor.page.wait_for_timeout(300)
        assert len(visitor.sent) == attempts
        assert len(banner_errors(visitor)) == 1, "said once"
