"""Database URLs: which backend a URL names, and the options of a SQLite URL.

Pure functions (no driver, no Flask), so settings can be validated at start-up before any store
is opened, with the same rules `open_store` applies.
"""

from __future__ import annotations

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
# full: a commit reaches the disk before `append` returns, so an acknowledged decision survives a
# power cut. normal: it reaches the operating system, so it survives a crash of the server but not
# of the machine; commits are several times faster.
SYNCHRONOUS_MODES = ("full", "normal")


def is_sqlite_url(url: str) -> bool:
    return url.startswith(SQLITE_PREFIX)


def is_postgres_url(url: str) -> bool:
    return url.startswith(POSTGRES_PREFIXES)


def parse_sqlite_url(url: str) -> tuple[str, str]:
    """The path and the synchronous mode of `sqlite:///PATH[?synchronous=full|normal]`."""
    path, _, query = url.removeprefix(SQLITE_PREFIX).partition("?")
    options = dict(item.partition("=")[::2] for item in query.split("&") if item)
    unknown = set(options) - {"synchronous"}
    if unknown:
        raise ValueError(f"unknown SQLite option {sorted(unknown)[0]!r} (known: synchronous)")
    synchronous = options.get("synchronous", "full").lower()
    if synchronous not in SYNCHRONOUS_MODES:
        raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}")
    return path, synchronous


def check_database_url(url: str) -> None:
    """ValueError with what is wrong, unless `open_store` can open the URL."""
    if is_sqlite_url(url):
        parse_sqlite_url(url)
    elif not is_postgres_url(url):
        raise ValueError("expected sqlite:///PATH or postgresql://...")
