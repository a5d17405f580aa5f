"""The consent log over SQL: the chain logic shared by the SQLite and PostgreSQL backends.

A backend supplies connections and transactions; everything about the chain lives here. Each
append locks the one-row `chain_head` table, links the record to the head, inserts it and moves the
head, all in one transaction: writers from any number of processes or instances extend one chain.
`verify` walks the log from the purge anchor and checks that it ends at the recorded head, so a
deleted tail is found too.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..chain import GENESIS_HASH, VerifyResult, canonical, link, verify_chain
from ..records import Record
from ..timestamps import utc_now
from . import migrations
from .base import (
    ERASE_PERSONAL_FIELDS,
    ConsentStore,
    RecordFilter,
    StoreUnavailable,
    filter_clause,
)
from .csv_export import csv_chunks, csv_line_sql
from .rows import COLUMN_NAMES, COLUMNS, record_from_row, row_values
from .stats import ROLLUP_UPSERT, compute_stats

PURGE_BATCH = 5000
# The record an Idempotency-Key already made. The `<> ''` lets the database use the partial unique
# index on request_id; without it, every lookup would scan the whole log under the chain's lock.
REPLAYED = f"SELECT {COLUMNS} FROM consent_log WHERE request_id = {{rid}} AND request_id <> ''"


@dataclass
class Pending:
    """A record ready to be linked: everything but its place in the chain is computed before the
    chain's lock is taken, so the lock is held for the database work alone."""

    record: Record
    content: bytes
    values: dict[str, Any]

    @classmethod
    def of(cls, record: Record) -> Pending:
        record.created_at = record.created_at or utc_now()
        values = row_values(record) | {
            "day": record.created_at[:10],
            "gpc_count": int(record.gpc),
        }
        return cls(record, canonical(record), values)


class SQLStore(ConsentStore):
    """Chain logic over a DB-API connection whose rows can be read as mappings."""

    backend = ""
    placeholder_format = ""
    head_lock_suffix = ""
    char_function = "char"
    find_function = "instr"

    @abstractmethod
    def _write(self) -> AbstractContextManager[Any]:
        """A connection inside a write transaction, committed on success."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Any]:
        """A connection inside a read transaction (one consistent snapshot)."""

    @abstractmethod
    def bucket_sql(self, bucket: str) -> str:
        """SQL for the day (YYYY-MM-DD) or the week (its Monday) of a `day` column."""

    @abstractmethod
    def _batches(
        self, sql: str, params: dict[str, Any], *, plain: bool = False
    ) -> Iterator[list[Any]]:
        """Rows of a large query in batches, from one snapshot; `plain` rows are bare tuples."""

    def _stream(self, sql: str, params: dict[str, Any]) -> Iterator[Any]:
        for batch in self._batches(sql, params):
            yield from batch

    @abstractmethod
    def _run_script(self, connection: Any, sql: str) -> None:
        """Run several statements inside the connection's open transaction."""

    def _upgrade(self, connection: Any) -> None:
        """Apply pending schema steps; the caller holds the schema lock in an open transaction."""
        connection.execute(migrations.VERSION_TABLE)
        row = connection.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
        for version, sql in migrations.pending(row["version"] if row else 0, self.backend):
            self._run_script(connection, sql)
            connection.execute(
                self._sql(
                    "INSERT INTO schema_version (id, version, upgraded_at) "
                    "VALUES (1, {version}, {now}) ON CONFLICT (id) DO UPDATE SET "
                    "version = excluded.version, upgraded_at = excluded.upgraded_at"
                ),
                {"version": version, "now": utc_now()},
            )

    def placeholder(self, name: str) -> str:
        """How the driver spells the named parameter `name`."""
        return self.placeholder_format.format(name)

    def _sql(self, text: str) -> str:
        """Spell `{name}` parameters for this driver."""
        return spell(text, self.placeholder_format)

    def _head(self, connection: Any) -> tuple[int, str]:
        row = connection.execute(
            "SELECT seq, hash FROM chain_head WHERE id = 1" + self.head_lock_suffix
        ).fetchone()
        return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)

    @staticmethod
    def _head_unlocked(connection: Any) -> tuple[int, str]:
        row = connection.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
        return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)

    @staticmethod
    def _anchor(connection: Any) -> tuple[int, str]:
        row = connection.execute("SELECT seq, hash FROM chain_anchor WHERE id = 1").fetchone()
        return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)

    def _insert(self, connection: Any, pending: Pending) -> Record:
        record = pending.record
        seq, prev_hash = self._head(connection)
        if record.request_id:
            replayed = self._replayed(connection, record.request_id)
            if replayed is not None:
                return replayed
        link(record, seq + 1, prev_hash, pending.content)
        values = pending.values | {
            "seq": record.seq,
            "prev_hash": record.prev_hash,
            "hash": record.hash,
        }
        placeholders = ", ".join("{" + name + "}" for name in COLUMN_NAMES)
        connection.execute(
            self._sql(f"INSERT INTO consent_log ({COLUMNS}) VALUES ({placeholders})"), values
        )
        connection.execute(self._sql(ROLLUP_UPSERT), values)
        connection.execute(
            self._sql(
                "INSERT INTO chain_head (id, seq, hash) VALUES (1, {seq}, {hash}) "
                "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
            ),
            {"seq": record.seq, "hash": record.hash},
        )
        return record

    def _replayed(self, connection: Any, request_id: str) -> Record | None:
        """The record an Idempotency-Key already made, if any."""
        row = connection.execute(self._sql(REPLAYED), {"rid": request_id}).fetchone()
        return record_from_row(row) if row else None

    def _appending(self) -> AbstractContextManager[Any]:
        """The connection an append runs on: a write transaction, unless the backend links a
        record in a single statement."""
        return self._write()

    def append(self, record: Record) -> Record:
        pending = Pending.of(record)
        with self._appending() as connection:
            return self._insert(connection, pending)

    def erase(self, consent_id: str, erase_record: Record) -> Record:
        pending = Pending.of(erase_record)
        with self._write() as connection:
            self._head(connection)
            connection.execute(
                self._sql(
                    f"UPDATE consent_log SET {ERASE_PERSONAL_FIELDS} WHERE consent_id = {{cid}}"
                ),
                {"cid": consent_id},
            )
            return self._insert(connection, pending)

    def latest(self, consent_id: str) -> Record | None:
        with self._read() as connection:
            row = connection.execute(
                self._sql(
                    f"SELECT {COLUMNS} FROM consent_log WHERE consent_id = {{cid}} "
                    "ORDER BY seq DESC LIMIT 1"
                ),
                {"cid": consent_id},
            ).fetchone()
        return record_from_row(row) if row else None

    def history(self, consent_id: str) -> list[Record]:
        with self._read() as connection:
            rows = connection.execute(
                self._sql(
                    f"SELECT {COLUMNS} FROM consent_log WHERE consent_id = {{cid}} ORDER BY seq"
                ),
                {"cid": consent_id},
            ).fetchall()
        return [record_from_row(row) for row in rows]

    def recent(self, limit: int) -> list[Record]:
        with self._read() as connection:
            rows = connection.execute(
                self._sql(f"SELECT {COLUMNS} FROM consent_log ORDER BY seq DESC LIMIT {{limit}}"),
                {"limit": limit},
            ).fetchall()
        return [record_from_row(row) for row in rows]

    def records(self, record_filter: RecordFilter | None = None) -> Iterator[Record]:
        where, params = filter_clause(record_filter or RecordFilter(), self.placeholder)
        sql = f"SELECT {COLUMNS} FROM consent_log {where} ORDER BY seq"
        return (record_from_row(row) for row in self._stream(sql, params))

    def export_csv(
        self,
        record_filter: RecordFilter | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> Iterator[str]:
        where, params = filter_clause(record_filter or RecordFilter(), self.placeholder)
        line = csv_line_sql(self.char_function, self.find_function)
        batches = self._batches(
            f"SELECT {line} FROM consent_log {where} ORDER BY seq", params, plain=True
        )
        return csv_chunks(([row[0] for row in batch] for batch in batches), progress)

    def count(self, record_filter: RecordFilter | None = None) -> int:
        where, params = filter_clause(record_filter or RecordFilter(), self.placeholder)
        with self._read() as connection:
            row = connection.execute(f"SELECT COUNT(*) AS n FROM consent_log {where}", params)
            return row.fetchone()["n"]

    def verify(self) -> VerifyResult:
        with self._read() as connection:
            anchor_seq, anchor_hash = self._anchor(connection)
            row = connection.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
        head_seq, head_hash = (row["seq"], row["hash"]) if row else (anchor_seq, anchor_hash)
        hash_at_head: list[str] = []

        def watching_head(records: Iterator[Record]) -> Iterator[Record]:
            for record in records:
                if record.seq == head_seq:
                    hash_at_head.append(record.hash)
                yield record

        result = verify_chain(watching_head(self._stream_all_for_verify()), anchor_seq, anchor_hash)
        if result.ok and head_seq > anchor_seq and hash_at_head != [head_hash]:
            return VerifyResult(
                False,
                result.checked,
                anchor_seq + result.checked + 1,
                f"the log ends before its recorded head (seq {head_seq})",
            )
        return result

    def _stream_all_for_verify(self) -> Iterator[Record]:
        return (
            record_from_row(row)
            for row in self._stream(f"SELECT {COLUMNS} FROM consent_log ORDER BY seq", {})
        )

    def purge(self, older_than: str, progress: Callable[[int], object] | None = None) -> int:
        """Delete whole records created before `older_than`, oldest first, in short batches.

        The chain anchor moves to the last deleted record before it is deleted, so what remains
        still verifies. A broken chain is never purged: that would destroy the evidence.
        """
        result = self.verify()
        if not result.ok:
            raise StoreUnavailable(f"refusing to purge a broken chain (seq {result.first_broken})")
        with self._read() as connection:
            row = connection.execute(
                self._sql("SELECT MAX(seq) AS seq FROM consent_log WHERE created_at < {cutoff}"),
                {"cutoff": older_than},
            ).fetchone()
        cut = row["seq"] if row and row["seq"] is not None else 0
        deleted = 0
        while True:
            with self._write() as connection:
                anchor_seq, _ = self._anchor(connection)
                if anchor_seq >= cut:
                    break
                target = min(cut, anchor_seq + PURGE_BATCH)
                last = connection.execute(
                    self._sql("SELECT hash FROM consent_log WHERE seq = {seq}"), {"seq": target}
                ).fetchone()
                connection.execute(
                    self._sql(
                        "INSERT INTO chain_anchor (id, seq, hash, updated_at) "
                        "VALUES (1, {seq}, {hash}, {now}) ON CONFLICT (id) DO UPDATE SET "
                        "seq = excluded.seq, hash = excluded.hash, updated_at = excluded.updated_at"
                    ),
                    {"seq": target, "hash": last["hash"], "now": utc_now()},
                )
                self._subtract_from_rollup(connection, target)
                deleted += connection.execute(
                    self._sql("DELETE FROM consent_log WHERE seq <= {seq}"), {"seq": target}
                ).rowcount
            if progress:
                progress(deleted)
        return deleted

    def stats(self, record_filter: RecordFilter, bucket: str = "day") -> dict[str, Any]:
        return compute_stats(self, record_filter, bucket)

    def archive_policy(self, policy_version: str, manifest: str) -> bool:
        with self._write() as connection:
            inserted = connection.execute(
                self._sql(
                    "INSERT INTO policy_archive (policy_version, first_seen, manifest) "
                    "VALUES ({version}, {now}, {manifest}) ON CONFLICT (policy_version) DO NOTHING"
                ),
                {"version": policy_version, "now": utc_now(), "manifest": manifest},
            ).rowcount
        return inserted == 1

    def policies(self) -> list[dict[str, str]]:
        with self._read() as connection:
            rows = connection.execute(
                "SELECT policy_version, first_seen FROM policy_archive ORDER BY first_seen"
            ).fetchall()
        return [dict(row) for row in rows]

    def policy(self, policy_version: str) -> dict[str, str] | None:
        with self._read() as connection:
            row = connection.execute(
                self._sql(
                    "SELECT policy_version, first_seen, manifest FROM policy_archive WHERE policy_version = {v}"
                ),
                {"v": policy_version},
            ).fetchone()
        return dict(row) if row else None

    def head(self) -> tuple[int, str]:
        with self._read() as connection:
            return self._head_unlocked(connection)

    def hash_at(self, seq: int) -> str | None:
        """The hash of record `seq`, or of the purge anchor when that is `seq`."""
        with self._read() as connection:
            row = connection.execute(
                self._sql("SELECT hash FROM consent_log WHERE seq = {seq}"), {"seq": seq}
            ).fetchone()
            if row:
                return row["hash"]
            anchor_seq, anchor_hash = self._anchor(connection)
        return anchor_hash if anchor_seq == seq else None

    def _subtract_from_rollup(self, connection: Any, up_to_seq: int) -> None:
        """Purged records leave the statistics too."""
        groups = connection.execute(
            self._sql(
                "SELECT substr(created_at, 1, 10) AS day, policy_version, method, "
                "CASE WHEN gpc THEN 1 ELSE 0 END AS gpc, granted, denied, COUNT(*) AS n "
                "FROM consent_log WHERE seq <= {seq} GROUP BY 1, 2, 3, 4, 5, 6"
            ),
            {"seq": up_to_seq},
        ).fetchall()
        for group in groups:
            connection.execute(
                self._sql(
                    "UPDATE consent_rollup SET n = n - {n} WHERE day = {day} AND "
                    "policy_version = {policy_version} AND method = {method} AND gpc = {gpc} "
                    "AND granted = {granted} AND denied = {denied}"
                ),
                dict(group),
            )
        connection.execute("DELETE FROM consent_rollup WHERE n <= 0")

    def ready(self) -> bool:
        try:
            with self._write() as connection:
                self._head(connection)
        except StoreUnavailable:
            return False
        return True


@lru_cache(maxsize=256)
def spell(text: str, placeholder_format: str) -> str:
    """`text` with each `{name}` spelled as the driver's named parameter (cached: statements repeat)."""
    return text.format_map(_Placeholders(placeholder_format.format))


class _Placeholders(dict):
    def __init__(self, spell: Callable[[str], str]) -> None:
        super().__init__()
        self.spell = spell

    def __missing__(self, key: str) -> str:
        return self.spell(key)
