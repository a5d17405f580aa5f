"""The consent log's operations over SQL, shared by the SQLite and PostgreSQL backends.

A backend (sqlite.py, postgres.py) supplies a dialect (dialect.py), connections and transactions;
every operation of the log is written here once. Each append locks the one-row `chain_head`
table, links the record to the head, inserts it and moves the head, all in one critical section
(appending.py): writers from any number of processes or instances extend one chain. On SQLite
the appends waiting in one process share one transaction (group_commit.py). `verify` walks
the log from the purge anchor and checks that it ends at the recorded head, so a deleted tail is
found too. Retention is retention.py, statistics stats.py, the CSV export csv_export.py.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..chain import VerifyResult
from ..records import Record
from ..signing import PublicKey, SigningKey
from ..timestamps import utc_now
from . import admin_sessions, migrations, retention
from .appending import Pending, Placement, place_with_statements, prepare, replayed
from .base import AdminSession, ConsentStore, RecordFilter, StoreUnavailable
from .batch_placing import place_batch
from .chain_ends import ChainState, read_anchor, read_head, read_state
from .csv_export import cells_sql, csv_chunks
from .dialect import Dialect
from .filters import filter_clause
from .group_commit import GroupCommit
from .prefetch import prefetched
from .request_keys import FORGET, RequestKey, RequestKeyReused
from .rows import COLUMNS, record_from_row
from .stats import compute_stats
from .verification import verify_log

ERASE_PERSONAL_FIELDS = (
    "UPDATE consent_log SET ip = '', user_agent = '', page_url = '', personal_salt = '' "
    "WHERE consent_id = {cid}"
)
SET_SCHEMA_VERSION = (
    "INSERT INTO schema_version (id, version, upgraded_at) VALUES (1, {version}, {now}) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, upgraded_at = excluded.upgraded_at"
)
SEGMENT = (
    f"SELECT {COLUMNS} FROM consent_log WHERE seq > {{after}} AND seq <= {{last}} ORDER BY seq"
)
ARCHIVE_POLICY = (
    "INSERT INTO policy_archive (policy_version, first_seen, manifest) "
    "VALUES ({version}, {now}, {manifest}) ON CONFLICT (policy_version) DO NOTHING"
)


class SQLStore(ConsentStore):
    """The log's operations over a DB-API connection whose rows can be read as mappings."""

    dialect: Dialect
    # Appends of one process share a transaction (group_commit.py); a backend whose lone append
    # is cheaper than a batched one sets this False.
    batch_appends = True

    def __init__(self) -> None:
        self.group_commit = GroupCommit(self)

    @abstractmethod
    def writing(self) -> AbstractContextManager[Any]:
        """A connection inside a write transaction, committed on success."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[Any]:
        """A connection inside a read transaction (one consistent snapshot)."""

    @abstractmethod
    def _batches(
        self, sql: str, params: dict[str, Any], *, plain: bool = False
    ) -> Iterator[list[Any]]:
        """Rows of a large query in batches, from one snapshot; `plain` rows are bare tuples."""

    @abstractmethod
    def _run_script(self, connection: Any, sql: str) -> None:
        """Run several statements inside the connection's open transaction."""

    def _appending(self) -> AbstractContextManager[Any]:
        """The connection an append runs on: a write transaction, unless the backend places a
        record in a single statement."""
        return self.writing()

    def _place(self, connection: Any, pending: Pending, key: RequestKey | None) -> Placement | None:
        """How this backend puts a prepared record at the head (appending.py)."""
        return place_with_statements(connection, self.dialect, pending, key)

    def place_batch(
        self, connection: Any, batch: Sequence[tuple[Pending, RequestKey | None]]
    ) -> list[Record | RequestKeyReused]:
        """A group commit's records, placed together (batch_placing.py)."""
        return place_batch(connection, self.dialect, batch)

    def link_and_insert(
        self, connection: Any, pending: Pending, key: RequestKey | None = None
    ) -> Record:
        """The append's critical section: the record as stored, or, for a replayed
        Idempotency-Key, the record that key made."""
        placement = self._place(connection, pending, key)
        if placement is None:
            return replayed(connection, self.dialect, key)
        return pending.placed(placement)

    def append(self, record: Record, key: RequestKey | None = None) -> Record:
        pending = prepare(record)
        if self.batch_appends:
            return self.group_commit.append(pending, key)
        with self._appending() as connection:
            return self.link_and_insert(connection, pending, key)

    def erase(self, consent_id: str, erase_record: Record, key: RequestKey | None = None) -> Record:
        """Under the chain's lock: answer a replayed key, or blank the personal fields, forget the
        consent id's request keys (they hold digests of its client) and log the erasure."""
        pending = prepare(erase_record)
        with self.writing() as connection:
            read_head(connection, self.dialect)
            earlier = replayed(connection, self.dialect, key) if key else None
            if earlier is not None:
                return earlier
            connection.execute(self.dialect.sql(ERASE_PERSONAL_FIELDS), {"cid": consent_id})
            connection.execute(self.dialect.sql(FORGET), {"cid": consent_id})
            return self.link_and_insert(connection, pending, key)

    def start_admin_session(self, session_hash: str, token_hash: str, now: str) -> None:
        admin_sessions.start(self, session_hash, token_hash, now)

    def admin_session(self, session_hash: str) -> AdminSession | None:
        return admin_sessions.find(self, session_hash)

    def touch_admin_session(self, session_hash: str, now: str) -> None:
        admin_sessions.touch(self, session_hash, now)

    def end_admin_sessions(
        self, session_hash: str = "", started_before: str = "", seen_before: str = ""
    ) -> None:
        admin_sessions.end(self, session_hash, started_before, seen_before)

    def _upgrade(self, connection: Any) -> None:
        """Apply pending schema steps; the caller holds the schema lock in an open transaction."""
        connection.execute(migrations.VERSION_TABLE)
        row = connection.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
        for version, sql in migrations.pending(row["version"] if row else 0, self.dialect.name):
            self._run_script(connection, sql)
            connection.execute(
                self.dialect.sql(SET_SCHEMA_VERSION), {"version": version, "now": utc_now()}
            )

    def _select(self, sql: str, params: dict[str, Any]) -> list[Record]:
        with self.reading() as connection:
            rows = connection.execute(self.dialect.sql(sql), params).fetchall()
        return [record_from_row(row) for row in rows]

    def latest(self, consent_id: str) -> Record | None:
        found = self._select(
            f"SELECT {COLUMNS} FROM consent_log WHERE consent_id = {{cid}} "
            "ORDER BY seq DESC LIMIT 1",
            {"cid": consent_id},
        )
        return found[0] if found else None

    def history(self, consent_id: str) -> list[Record]:
        return self._select(
            f"SELECT {COLUMNS} FROM consent_log WHERE consent_id = {{cid}} ORDER BY seq",
            {"cid": consent_id},
        )

    def page(self, record_filter: RecordFilter, before: int | None, limit: int) -> list[Record]:
        where, params = filter_clause(record_filter, self.dialect)
        values: dict[str, Any] = {**params, "limit": limit}
        if before is not None:
            where = f"{where} AND seq < {{before}}" if where else "WHERE seq < {before}"
            values["before"] = before
        return self._select(
            f"SELECT {COLUMNS} FROM consent_log {where} ORDER BY seq DESC LIMIT {{limit}}", values
        )

    def _stream(self, sql: str, params: dict[str, Any]) -> Iterator[Record]:
        for batch in self._batches(sql, params):
            yield from (record_from_row(row) for row in batch)

    def records(self, record_filter: RecordFilter | None = None) -> Iterator[Record]:
        where, params = filter_clause(record_filter or RecordFilter(), self.dialect)
        return self._stream(f"SELECT {COLUMNS} FROM consent_log {where} ORDER BY seq", params)

    def export_csv(
        self,
        record_filter: RecordFilter | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> Iterator[str]:
        where, params = filter_clause(record_filter or RecordFilter(), self.dialect)
        cells = cells_sql(self.dialect.join_cells)
        batches = self._batches(
            f"SELECT {cells} FROM consent_log {where} ORDER BY seq", params, plain=True
        )
        lines = prefetched([row[0] for row in batch] for batch in batches)
        return csv_chunks(lines, progress, self._rows_by_seq)

    def _rows_by_seq(self, seqs: list[int]) -> list[dict[str, Any]]:
        """The stored rows of these records, for the export's rare lines it renders from them."""
        names = {f"s{index}": seq for index, seq in enumerate(seqs)}
        marks = ", ".join(self.dialect.placeholder(name) for name in names)
        with self.reading() as connection:
            rows = connection.execute(
                f"SELECT {COLUMNS} FROM consent_log WHERE seq IN ({marks})", names
            ).fetchall()
        return [dict(row) for row in rows]

    def count(self, record_filter: RecordFilter | None = None) -> int:
        where, params = filter_clause(record_filter or RecordFilter(), self.dialect)
        with self.reading() as connection:
            row = connection.execute(f"SELECT COUNT(*) AS n FROM consent_log {where}", params)
            return row.fetchone()["n"]

    def verify(self, keys: Sequence[PublicKey] = ()) -> VerifyResult:
        return verify_log(self, self._stream, keys)

    def purge(
        self,
        older_than: str,
        key: SigningKey,
        *,
        retention_days: int | None = None,
        keys: Sequence[PublicKey] = (),
        progress: Callable[[int], object] | None = None,
    ) -> int:
        return retention.purge(
            self, lambda: self.verify(keys), older_than, key, retention_days, progress
        )

    def segment(self, after_seq: int, last_seq: int) -> Iterator[Record]:
        return self._stream(self.dialect.sql(SEGMENT), {"after": after_seq, "last": last_seq})

    def chain_state(self) -> ChainState:
        with self.reading() as connection:
            return read_state(connection)

    def stats(self, record_filter: RecordFilter, bucket: str = "day") -> dict[str, Any]:
        return compute_stats(self, record_filter, bucket)

    def archive_policy(self, policy_version: str, manifest: str) -> bool:
        values = {"version": policy_version, "now": utc_now(), "manifest": manifest}
        with self.writing() as connection:
            inserted = connection.execute(self.dialect.sql(ARCHIVE_POLICY), values).rowcount
        return inserted == 1

    def policies(self) -> list[dict[str, str]]:
        with self.reading() as connection:
            rows = connection.execute(
                "SELECT policy_version, first_seen FROM policy_archive ORDER BY first_seen"
            ).fetchall()
        return [dict(row) for row in rows]

    def policy(self, policy_version: str) -> dict[str, str] | None:
        with self.reading() as connection:
            row = connection.execute(
                self.dialect.sql(
                    "SELECT policy_version, first_seen, manifest FROM policy_archive "
                    "WHERE policy_version = {v}"
                ),
                {"v": policy_version},
            ).fetchone()
        return dict(row) if row else None

    def head(self) -> tuple[int, str]:
        with self.reading() as connection:
            return read_head(connection)

    def hash_at(self, seq: int) -> str | None:
        """The hash of record `seq` after the anchor, or of the anchor when that is `seq`."""
        with self.reading() as connection:
            anchor_seq, anchor_hash = read_anchor(connection)
            if seq == anchor_seq:
                return anchor_hash
            row = connection.execute(
                self.dialect.sql("SELECT hash FROM consent_log WHERE seq = {seq} AND seq > {a}"),
                {"seq": seq, "a": anchor_seq},
            ).fetchone()
        return row["hash"] if row else None

    def ready(self) -> bool:
        try:
            with self.writing() as connection:
                read_head(connection, self.dialect)
        except StoreUnavailable:
            return False
        return True
