"""The scrub after erasures: off the request path, tried again while readers hold it back, logged
when it cannot complete, and at hand as `consent-server scrub`."""

from __future__ import annotations

import logging
import sqlite3
import threading

import psycopg
import pytest

from consent_server.chain import seal_personal_fields
from consent_server.cli import main
from consent_server.records import Record
from consent_server.scrubber import Scrubber
from consent_server.store import ConsentStore

from .conftest import Backend
from .helpers import VALID_BODY, eventually

AGENT = "Private-Agent/3.1 (scrub-me)"


def erase(client) -> int:
    client.post("/api/v1/consent", json=VALID_BODY, headers={"User-Agent": AGENT})
    return client.delete("/api/v1/consent/history").status_code


def hold_a_snapshot(backend: Backend, store: ConsentStore):
    """A reader of the log that began before an erasure and has not finished (a long export);
    the erasure is made here, with the store's own `erase`."""
    visitor = Record("visitor-1", "", "custom", ["necessary"], [], "v1", user_agent=AGENT)
    seal_personal_fields(visitor)
    store.append(visitor)
    if backend.name == "sqlite":
        reader = sqlite3.connect(backend.url.removeprefix("sqlite:///"), isolation_level=None)
        reader.execute("BEGIN")
    else:
        reader = psycopg.connect(backend.url)
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    reader.execute("SELECT COUNT(*) FROM consent_log").fetchone()
    store.erase("visitor-1", Record("visitor-1", "", "erase", [], [], ""))
    return reader


@pytest.mark.postgres
def test_the_erasure_answers_while_the_vacuum_waits(make_app):
    """A VACUUM kept waiting by a lock on the table: the erasure still answers, and the VACUUM
    runs once the lock goes."""
    from .conftest import postgres_schema

    with postgres_schema() as url:
        app = make_app(DATABASE_URL=url)
        scrubber = app.extensions["consent"].scrubber
        assert app.test_client().get("/readyz").status_code == 200
        locker = psycopg.connect(url)
        locker.execute("LOCK TABLE consent_log IN SHARE UPDATE EXCLUSIVE MODE")
        statuses: list[int] = []
        erasing = threading.Thread(target=lambda: statuses.append(erase(app.test_client())))
        erasing.start()
        erasing.join(timeout=20)

        assert statuses == [200]
        assert eventually(lambda: scrubber.runs == 1)
        assert scrubber.last is None  # the VACUUM is still waiting for the lock
        locker.close()
        assert eventually(lambda: scrubber.last is not None and scrubber.last.completed)
        app.extensions["consent"].store.close()


def test_a_scrub_held_back_through_every_try_is_logged(backend, caplog):
    store = backend.open()
    reader = hold_a_snapshot(backend, store)
    scrubber = Scrubber(store.scrub, attempts=3, backoff=0.01)

    with caplog.at_level(logging.WARNING, logger="consent_server.scrubber"):
        result = scrubber.scrub_now()
    reader.close()

    assert result.completed is False and scrubber.runs == 3
    [warning] = [entry for entry in caplog.records if entry.levelno == logging.WARNING]
    assert "did not complete after 3 tries" in warning.getMessage()
    assert scrubber.scrub_now().completed and scrubber.runs == 4


def test_the_scrub_command(backend, runner, monkeypatch):
    monkeypatch.setenv("CONSENT_DATABASE_URL", backend.url)
    reader = hold_a_snapshot(backend, backend.open())
    held = runner.invoke(main, ["scrub", "--tries", "2"])
    reader.close()
    done = runner.invoke(main, ["scrub"])

    assert done.exit_code == 0, done.output
    assert "completed" in done.output
    assert held.exit_code == 1
    assert "NOT COMPLETE" in held.output
