"""What the admin API and the dashboard both answer: statistics, log downloads, policy versions.

The two admin blueprints authenticate differently (bearer token, dashboard session) but show the
same data; each builds it here, so the two can never drift apart.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from .context import services
from .exports import MIMETYPES, export_chunks, primed
from .store import RecordFilter


def stats_body(record_filter: RecordFilter, bucket: str) -> dict[str, Any]:
    body = services().store.stats(record_filter, bucket)
    return {"since": record_filter.since, "until": record_filter.until, **body}


def download(
    record_filter: RecordFilter, export_format: str, with_policy: bool = False
) -> Response:
    """The filtered log as a file download; an unreadable log is a 503 before the first byte."""
    chunks = export_chunks(services().store, record_filter, export_format, with_policy=with_policy)
    response = Response(primed(chunks), mimetype=MIMETYPES[export_format])
    response.headers["Content-Disposition"] = f'attachment; filename="consents.{export_format}"'
    return response


def policies_body() -> dict[str, Any]:
    """Every archived policy version, the current manifest's included even before any decision."""
    services().archive_current_policy()
    return {"policies": services().store.policies()}
