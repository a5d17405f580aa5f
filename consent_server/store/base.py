"""The consent log's interface. Stores take and return plain values; they know nothing of Flask."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..chain import VerifyResult
from ..records import Record
from ..signing import PublicKey, SigningKey
from .chain_ends import ChainState
from .request_keys import RequestKey


class StoreUnavailable(RuntimeError):
    """The log cannot be read or written right now (locked, read-only, unreachable)."""


@dataclass(frozen=True)
class Scrub:
    """What the store did so that erased values leave its files, and whether it completed."""

    method: str
    completed: bool


@dataclass(frozen=True)
class AdminSession:
    """A dashboard session as the store keeps it: hashes only, and when it started and was seen."""

    token_hash: str
    started_at: str
    seen_at: str


@dataclass(frozen=True)
class RecordFilter:
    """Which records an export or a query covers; None means no bound."""

    since: str | None = None
    until: str | None = None
    consent_id: str | None = None
    policy_version: str | None = None


class ConsentStore(ABC):
    """An append-only, hash-chained log of consent decisions."""

    scrub_method: str  # how `scrub` works, as the erasure's answer names it

    @abstractmethod
    def append(self, record: Record, key: RequestKey | None = None) -> Record:
        """Link the record to the chain head and commit it; return it with seq and hashes.

        With a key already claimed in its scope by the same request, return the record that
        request made instead; raise RequestKeyReused when it was another request.
        """

    @abstractmethod
    def latest(self, consent_id: str) -> Record | None:
        """The newest record of a consent id."""

    @abstractmethod
    def history(self, consent_id: str) -> list[Record]:
        """Every record of a consent id, oldest first."""

    @abstractmethod
    def erase(self, consent_id: str, erase_record: Record, key: RequestKey | None = None) -> Record:
        """Blank the personal fields of a consent id (and forget its request keys) and append
        the erase record, atomically; a key is handled as by `append`."""

    @abstractmethod
    def scrub(self) -> Scrub:
        """Make erased values leave the database's files (WAL, dead row versions) now, once;
        `completed` false when a reader older than the erasure kept them (scrubber.py tries
        again)."""

    @abstractmethod
    def start_admin_session(self, session_hash: str, token_hash: str, now: str) -> None:
        """Keep a new dashboard session."""

    @abstractmethod
    def admin_session(self, session_hash: str) -> AdminSession | None:
        """A kept dashboard session, or None when it ended or never existed."""

    @abstractmethod
    def touch_admin_session(self, session_hash: str, now: str) -> None:
        """Note that a session was used now."""

    @abstractmethod
    def end_admin_sessions(
        self, session_hash: str = "", started_before: str = "", seen_before: str = ""
    ) -> None:
        """End one session, and every session started or last seen before the given times."""

    @abstractmethod
    def page(self, record_filter: RecordFilter, before: int | None, limit: int) -> list[Record]:
        """Up to `limit` records the filter covers, newest first, all below seq `before` if given.

        Pages are cut by seq, not by offset: the next page starts below the last seq shown, so
        records appended meanwhile never shift a page, and a deep page costs what the first does.
        """

    @abstractmethod
    def records(self, record_filter: RecordFilter | None = None) -> Iterator[Record]:
        """Stream records in seq order, without holding them all in memory."""

    @abstractmethod
    def export_csv(
        self,
        record_filter: RecordFilter | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> Iterator[str]:
        """The filtered log as CSV text in chunks (header first), streamed in seq order."""

    @abstractmethod
    def count(self, record_filter: RecordFilter | None = None) -> int:
        """How many records a filter covers."""

    @abstractmethod
    def verify(self, keys: Sequence[PublicKey] = ()) -> VerifyResult:
        """Check the whole chain from its anchor to its head, and every purge against `keys`."""

    @abstractmethod
    def purge(
        self,
        older_than: str,
        key: SigningKey,
        *,
        retention_days: int | None = None,
        keys: Sequence[PublicKey] = (),
        progress: Callable[[int], object] | None = None,
    ) -> int:
        """Append a purge record signed with `key` that cuts the records created before
        `older_than`, then delete them; `keys` verify the chain first. Returns how many went."""

    @abstractmethod
    def segment(self, after_seq: int, last_seq: int) -> Iterator[Record]:
        """Stream the records after `after_seq` up to `last_seq`, in seq order."""

    @abstractmethod
    def chain_state(self) -> ChainState:
        """The head and the purge anchor, read together."""

    @abstractmethod
    def stats(self, record_filter: RecordFilter, bucket: str = "day") -> dict:
        """Decisions per day or week, acceptance per category and policy version, GPC share."""

    @abstractmethod
    def archive_policy(self, policy_version: str, manifest: str) -> bool:
        """Keep the manifest behind a policy version; True when the version is new."""

    @abstractmethod
    def policies(self) -> list[dict[str, str]]:
        """Every archived policy version with the time it was first seen."""

    @abstractmethod
    def policy(self, policy_version: str) -> dict[str, str] | None:
        """One archived version with its manifest (JSON text)."""

    @abstractmethod
    def head(self) -> tuple[int, str]:
        """The chain head: seq and hash of the newest record."""

    @abstractmethod
    def hash_at(self, seq: int) -> str | None:
        """The hash of one record after the anchor (or the anchor's), for checking a checkpoint."""

    @abstractmethod
    def ready(self) -> bool:
        """True when a write would succeed now."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""
