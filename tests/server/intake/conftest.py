"""Fixtures for the attacks on intake: the server's fixtures, and the app on either backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from ..conftest import Backend


@pytest.fixture
def backend_app(backend: Backend, make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The whole app on a fresh log of one backend (SQLite file or private PostgreSQL schema)."""
    app = make_app(DATABASE_URL=backend.url)
    yield app
    app.extensions["consent"].store.close()
