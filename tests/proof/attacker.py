"""What an attacker with write access to the database does: drop every guard, then change rows."""

from __future__ import annotations

from ..server.conftest import Backend


def drop_guards(backend: Backend) -> None:
    """Drop every trigger the schema has, whatever their names, as the database's owner can."""
    if backend.name == "sqlite":
        names = backend.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        backend.raw_sql("".join(f'DROP TRIGGER "{name}";' for (name,) in names))
        return
    triggers = backend.query(
        "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
    )
    backend.raw_sql("".join(f'DROP TRIGGER "{name}" ON "{table}";' for name, table in triggers))


def tamper(backend: Backend, sql: str) -> None:
    drop_guards(backend)
    backend.raw_sql(sql)


def hash_of(backend: Backend, seq: int) -> str:
    return backend.query(f"SELECT hash FROM consent_log WHERE seq = {int(seq)}")[0][0]


def fake_purge(backend: Backend, up_to: int) -> None:
    """Attack 1: point the purge anchor at record `up_to`, then delete every record up to it."""
    anchor_hash = hash_of(backend, up_to)
    tamper(
        backend,
        "INSERT INTO chain_anchor (id, seq, hash, updated_at) "
        f"VALUES (1, {int(up_to)}, '{anchor_hash}', '2026-01-01T00:00:00.000000Z') "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;"
        f"DELETE FROM consent_log WHERE seq <= {int(up_to)};",
    )
