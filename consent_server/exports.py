"""The log's export formats as text chunks: JSON Lines here, CSV built by the store
(store/csv_export.py). Used by admin_answers.py for downloads and by the CLI's `export`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from .records import Record
from .store import ConsentStore, RecordFilter

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}
JSONL_CHUNK = 500


def export_chunks(
    store: ConsentStore,
    record_filter: RecordFilter,
    export_format: str,
    *,
    with_policy: bool = False,
    progress: Callable[[int], object] | None = None,
) -> Iterator[str]:
    """The filtered log as text chunks; `progress` hears how many records each chunk held."""
    if export_format == "csv":
        return store.export_csv(record_filter, progress)
    records = store.records(record_filter)
    if with_policy:
        records = with_policies(records, store)
    return jsonl_chunks(records, progress)


def jsonl_chunks(
    records: Iterable[Record], progress: Callable[[int], object] | None = None
) -> Iterator[str]:
    batch: list[str] = []
    for record in records:
        batch.append(json.dumps(record.public(), ensure_ascii=False, separators=(",", ":")))
        if len(batch) == JSONL_CHUNK:
            yield "\n".join(batch) + "\n"
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"
        if progress:
            progress(len(batch))


def with_policies(records: Iterable[Record], store: ConsentStore) -> Iterator[Record]:
    """Attach to each record the archived manifest of its policy version (looked up once each)."""
    cache: dict[str, dict] = {}
    for record in records:
        version = record.policy_version
        if version not in cache:
            found = store.policy(version) if version else None
            cache[version] = (
                json.loads(found["manifest"])
                if found
                else {"policy_version": version, "archived": False}
            )
        record.policy = cache[version]
        yield record


def primed(chunks: Iterator[str]) -> Iterator[str]:
    """Read the first chunk before the response starts, so an unavailable log is a 503, not a
    cut file."""
    first = next(chunks, None)
    return chunks if first is None else chain([first], chunks)
