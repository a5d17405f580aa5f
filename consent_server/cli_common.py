"""What every `consent-server` command shares: clear failures, settings, the log, the keys."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from . import database_url, instance_path
from .config import ConfigError, load_settings, verifying_keys
from .signing import PublicKey, SigningKey
from .store import ConsentStore, StoreUnavailable, open_store
from .timestamps import RANGE, normalise_timestamp


def fail(message: str) -> NoReturn:
    """A usage or setup problem: the message on stderr, exit status 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def settings(**overrides: object) -> dict[str, Any]:
    try:
        return load_settings(overrides)
    except ConfigError as error:
        fail(str(error))


def admin_settings() -> dict[str, Any]:
    """Settings for admin commands, which need no secret for visitors' tokens."""
    return settings(DEMO=True)


@contextmanager
def opened_log() -> Iterator[ConsentStore]:
    """The log named by the settings, closed afterwards; a log out of reach exits 2."""
    current = admin_settings()
    try:
        store = open_store(database_url(current, instance_path()), timeout=current["DB_TIMEOUT"])
    except StoreUnavailable as error:
        fail(str(error))
    try:
        yield store
    except StoreUnavailable as error:
        fail(str(error))
    finally:
        store.close()


def signing_key() -> SigningKey:
    """The key that signs proof; exits 2 saying how to configure it when there is none."""
    key = admin_settings()["SIGNING_KEY"]
    if key is None:
        fail(
            "CONSENT_SIGNING_KEY is not set: this command signs with the server's Ed25519 key "
            "(`consent-server new-signing-key --output FILE` writes one)"
        )
    return key


def public_keys() -> list[PublicKey]:
    """The keys whose signatures on purges and checkpoints are accepted."""
    return verifying_keys(admin_settings())


def timestamp(value: str | None, name: str) -> str | None:
    """An option's ISO 8601 time in the log's format; exits 2 naming the option otherwise."""
    if not value:
        return None
    try:
        return normalise_timestamp(value)
    except ValueError:
        fail(f"--{name} must be an ISO 8601 date or time {RANGE}, got {value!r}")
