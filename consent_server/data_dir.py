"""Where the server keeps its data unless told otherwise, and the one place it must not.

A consent log is proof that has to outlive the software that wrote it. A virtualenv is rebuilt,
upgraded or deleted, and everything under it goes with it, so the default data folder is the
user's data directory (platformdirs: `~/.local/share/consent-server` on Linux), the same from
whichever folder the server starts; CONSENT_INSTANCE_PATH names another one. `serve` refuses a
SQLite log inside the Python environment (`sys.prefix`) unless CONSENT_ALLOW_LOG_IN_PREFIX is
true, and refuses to start a new, empty log while one is left at the old default inside it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs
from flask import Flask

from .store.urls import is_sqlite_url, parse_sqlite_url

APP_NAME = "consent-server"
LOG_FILE = "consent.sqlite3"


def instance_path() -> str:
    """The data folder: CONSENT_INSTANCE_PATH, or the user's data directory for the server."""
    configured = os.environ.get("CONSENT_INSTANCE_PATH")
    return configured or str(platformdirs.user_data_path(APP_NAME, appauthor=False))


def default_database_url(instance: str) -> str:
    return f"sqlite:///{os.path.join(instance, LOG_FILE)}"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite log, resolved as the server will open it; None for PostgreSQL."""
    return Path(parse_sqlite_url(url)[0]).resolve() if is_sqlite_url(url) else None


def describe_log(url: str) -> str:
    """Where the log is, for the start-up message; never a PostgreSQL password."""
    path = sqlite_file(url)
    if path is not None:
        return f"SQLite file {path}"
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"PostgreSQL database {parts.path.lstrip('/') or '(default)'} on {parts.hostname}{port}"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _old_default_log() -> Path:
    """Where earlier versions kept the log by default: Flask's instance folder, in the environment."""
    return Path(Flask("consent_server").instance_path) / LOG_FILE


def log_problem(url: str, *, chosen: bool, allow_in_prefix: bool) -> str | None:
    """Why `serve` should not start on the log at `url`, or None.

    `chosen` says CONSENT_DATABASE_URL named the log (rather than the default folder).
    """
    path = sqlite_file(url)
    if path is None or allow_in_prefix:
        return None
    prefix = Path(sys.prefix).resolve()
    if _inside(path, prefix):
        return (
            f"the consent log {path} is inside the Python environment {prefix}: rebuilding or "
            "removing the environment would delete the proof of consent. Keep it elsewhere "
            "(CONSENT_DATABASE_URL=sqlite:////var/lib/consent/consent.sqlite3, or "
            "CONSENT_INSTANCE_PATH), or start with --allow-log-in-prefix "
            "(CONSENT_ALLOW_LOG_IN_PREFIX=true) to keep it there"
        )
    old = _old_default_log()
    if not chosen and not path.exists() and old.exists():
        return (
            f"a consent log is at the old default place {old}, inside the Python environment, "
            f"and the new default {path} does not exist yet. Stop every server that uses the old "
            f"log and move it there (with any {LOG_FILE}-wal and -shm files beside it), or keep "
            f"it with CONSENT_DATABASE_URL=sqlite:///{old} and --allow-log-in-prefix"
        )
    return None
