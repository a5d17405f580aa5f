"""`/readyz`: can the log be written now? Answered from a recent probe, not by locking the log.

A probe takes the log's write lock (and reads the chain head), so probing on every health check
would queue health checks behind visitors' writes. Instead the answer is kept for a few seconds;
each real write refreshes it for free (a decision answered 2xx was durably written; a write that
failed marks the log unready at once), so a busy server never probes, and an idle one probes at
most once per interval, one thread at a time, while others get the last answer.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, request

from .store import ConsentStore
from .store.sqlite import SQLiteStore

FRESH_FOR_SECONDS = 10.0
# Below this, SQLite's next commit or checkpoint may fail with "database or disk is full".
MIN_FREE_BYTES = 1024 * 1024
WRITING_METHODS = ("POST", "DELETE")
EXTENSION = "consent_readiness"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    ready: bool
    reason: str
    at: float


def probe_store(store: ConsentStore) -> str | None:
    """Why the log cannot be written right now, or None when it can."""
    sqlite_path = store.path if isinstance(store, SQLiteStore) else None
    if sqlite_path and os.path.exists(sqlite_path):
        problem = _sqlite_file_problem(sqlite_path)
        if problem:
            return problem
    if not store.ready():
        return "the consent log cannot be written"
    if sqlite_path and not os.path.exists(sqlite_path):
        return "the consent log file is gone (a write would go to a deleted file)"
    return None


def _sqlite_file_problem(path: str) -> str | None:
    """Checks that need no lock: a file or folder made read-only, a full disk."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        return "the consent log file is read-only"
    if shutil.disk_usage(folder).free < MIN_FREE_BYTES:
        return "the disk that holds the consent log is full"
    return None


class Readiness:
    """The last verdict on the log, refreshed by probes when stale and by every real write."""

    def __init__(
        self,
        probe: Callable[[], str | None],
        fresh_for: float = FRESH_FOR_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.probe, self.fresh_for, self.clock = probe, fresh_for, clock
        self._verdict: Verdict | None = None
        self._probing = threading.Lock()

    def check(self) -> Verdict:
        """A fresh verdict; while another thread probes, the last one instead of waiting."""
        verdict = self._verdict
        if verdict is not None and self._fresh(verdict):
            return verdict
        if verdict is not None and not self._probing.acquire(blocking=False):
            return verdict
        if verdict is None:
            self._probing.acquire()
        try:
            latest = self._verdict
            if latest is not None and latest is not verdict and self._fresh(latest):
                return latest
            reason = self._probe()
            return self._record(reason is None, reason or "", reason or "")
        finally:
            self._probing.release()

    def _probe(self) -> str | None:
        try:
            return self.probe()
        except Exception:
            logger.exception("the readiness probe failed")
            return "the consent log could not be checked"

    def _fresh(self, verdict: Verdict) -> bool:
        return self.clock() - verdict.at < self.fresh_for

    def write_succeeded(self) -> None:
        self._record(True, "", "a write succeeded")

    def write_failed(self, detail: str) -> None:
        """The detail (a driver's message, perhaps naming hosts) goes to the log, not to /readyz."""
        self._record(False, "a write to the consent log failed", detail)

    def _record(self, ready: bool, reason: str, detail: str) -> Verdict:
        previous = self._verdict
        self._verdict = Verdict(ready, reason, self.clock())
        if previous is None or previous.ready != ready:
            if ready:
                logger.info("consent log ready (%s)", detail or "probed")
            else:
                logger.warning("consent log not ready: %s", detail)
        return self._verdict


def init_readiness(app: Flask, store: ConsentStore) -> Readiness:
    """Keep the verdict on the app, refreshed by the answers of the visitor API's writes."""
    verdicts = Readiness(lambda: probe_store(store))
    app.extensions[EXTENSION] = verdicts

    @app.after_request
    def note_write(response: Response) -> Response:
        writing = request.blueprint == "api" and request.method in WRITING_METHODS
        if writing and 200 <= response.status_code < 300:
            verdicts.write_succeeded()
        return response

    return verdicts


def readiness() -> Readiness:
    return current_app.extensions[EXTENSION]


def note_store_failure(detail: str) -> None:
    """Called where a request met an unavailable log: /readyz says so from now on."""
    found = current_app.extensions.get(EXTENSION)
    if found is not None:
        found.write_failed(detail)
