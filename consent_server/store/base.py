"""The consent log's interface. Stores take and return plain values; they know nothing of Flask."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..records import Record, VerifyResult


class StoreUnavailable(RuntimeError):
    """The log cannot be read or written right now (locked, read-only, unreachable)."""


@dataclass(frozen=True)
class RecordFilter:
    """Which records an export or a query covers; None means no bound."""

    since: str | None = None
    until: str | None = None
    consent_id: str | None = None
    policy_version: str | None = None


class ConsentStore(ABC):
    """An append-only, hash-chained log of consent decisions."""

    @abstractmethod
    def append(self, record: Record) -> Record:
        """Link the record to the chain head and commit it; return it with seq and hashes."""

    @abstractmethod
    def latest(self, consent_id: str) -> Record | None:
        """The newest record of a consent id."""

    @abstractmethod
    def history(self, consent_id: str) -> list[Record]:
        """Every record of a consent id, oldest first."""

    @abstractmethod
    def erase(self, consent_id: str, erase_record: Record) -> Record:
        """Blank the personal fields of a consent id and append the erase record, atomically."""

    @abstractmethod
    def records(self, record_filter: RecordFilter | None = None) -> Iterator[Record]:
        """Stream records in seq order, without holding them all in memory."""

    @abstractmethod
    def count(self, record_filter: RecordFilter | None = None) -> int:
        """How many records a filter covers."""

    @abstractmethod
    def verify(self) -> VerifyResult:
        """Check the whole chain from its anchor to its head."""

    @abstractmethod
    def purge(self, older_than: str, progress: Callable[[int], object] | None = None) -> int:
        """Delete the oldest records created before the timestamp; keep the chain verifiable."""

    @abstractmethod
    def ready(self) -> bool:
        """True when a write would succeed now."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""
