"""Fixtures for the server: an app on a fresh SQLite log, its client, CLI runner and admin token."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from consent_server import create_app
from consent_server.store import ConsentStore, open_store

from ..conftest import require
from .helpers import ADMIN_TOKEN, SECRET, admin_hash


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests see only the settings they give, never the developer's CONSENT_* variables."""
    for name in list(os.environ):
        if name.startswith("CONSENT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CONSENT_INSTANCE_PATH", str(tmp_path / "instance"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "consent.sqlite3"


@pytest.fixture
def settings(db_path: Path) -> dict:
    return {
        "SECRET_KEYS": SECRET,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "ADMIN_TOKENS": admin_hash(ADMIN_TOKEN),
        "COOKIE_SECURE": True,
        "DB_TIMEOUT": 0.2,
    }


@pytest.fixture
def make_app(settings: dict) -> Callable[..., Flask]:
    def make(**overrides: object) -> Flask:
        app = create_app({**settings, **overrides})
        app.testing = True
        return app

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def manifest_path(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "policy_version": "abc123",
                "categories": [
                    {"id": "necessary", "title": "Necessary", "required": True},
                    {"id": "analytics", "title": "Analytics", "required": False},
                    {"id": "marketing", "title": "Marketing", "required": False},
                ],
                "services": [],
            }
        )
    )
    return path


@pytest.fixture
def row_count(db_path: Path) -> Callable[[], int]:
    """Counts rows straight from the database file, not through the code under test."""

    def count() -> int:
        if not db_path.exists():
            return 0
        with sqlite3.connect(db_path) as connection:
            return connection.execute("SELECT COUNT(*) FROM consent_log").fetchone()[0]

    return count


POSTGRES_URL = os.environ.get(
    "CONSENT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@dataclass
class Backend:
    """A fresh, empty consent log on one backend, and raw access to it for tampering."""

    name: str
    url: str
    raw_sql: Callable[[str], None]
    query: Callable[[str], list[tuple]]
    opened: list[ConsentStore] = field(default_factory=list)

    def open(self, timeout: float = 2.0) -> ConsentStore:
        store = open_store(self.url, timeout=timeout)
        self.opened.append(store)
        return store

    def tamper(self, sql: str) -> None:
        """What an attacker with database access does: drop the guards, then change rows."""
        self.raw_sql(
            "DROP TRIGGER IF EXISTS consent_log_append_only"
            + (" ON consent_log" if self.name == "postgres" else "")
            + ";"
            + "DROP TRIGGER IF EXISTS consent_log_delete_only_purged"
            + (" ON consent_log" if self.name == "postgres" else "")
            + ";"
            + sql
        )


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except Exception:
        return False
    return True


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A private schema in the test database, dropped afterwards."""
    import psycopg

    require(postgres_available(), f"PostgreSQL is not reachable at {POSTGRES_URL}")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, db_path) -> Iterator[Backend]:
    if request.param == "sqlite":

        def run_sqlite(sql: str) -> None:
            with sqlite3.connect(db_path) as connection:
                connection.executescript(sql)

        def query_sqlite(sql: str) -> list[tuple]:
            with sqlite3.connect(db_path) as connection:
                return connection.execute(sql).fetchall()

        backend = Backend("sqlite", f"sqlite:///{db_path}", run_sqlite, query_sqlite)
        yield backend
    else:
        with postgres_schema() as url:
            import psycopg

            def run_postgres(sql: str) -> None:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(sql)

            def query_postgres(sql: str) -> list[tuple]:
                with psycopg.connect(url, autocommit=True) as connection:
                    return connection.execute(sql).fetchall()

            backend = Backend("postgres", url, run_postgres, query_postgres)
            try:
                yield backend
            finally:
                for store in backend.opened:
                    store.close()
