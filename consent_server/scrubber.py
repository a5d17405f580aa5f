"""Scrubbing erased values out of the database's files, off the request path.

An erasure commits and answers at once; it only asks this process's one `Scrubber` for a scrub
(store `scrub`: SQLite's WAL checkpoint, PostgreSQL's VACUUM). A daemon thread runs one scrub at a
time: it waits a moment so that a burst of erasures shares one run, every erasure asked for
before a run starts is covered by it, and runs are at least a second apart, so a visitor erasing
in a loop cannot keep the database VACUUMing. A run
that did not complete (a reader older than the erasure still holds the old values) is tried again
a bounded number of times with growing pauses; one that never completes is logged, without any
personal data, and the next erasure or `consent-server scrub` tries again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from .store import Scrub

logger = logging.getLogger(__name__)

# How long an erasure's scrub waits for others to share it, the least pause between two runs, how
# many times a run tries, and its first pause after a try that did not complete (doubled each
# time: 0.5 + 1 + 2 + 4 seconds).
SCRUB_DELAY = 0.25
SCRUB_GAP = 1.0
SCRUB_ATTEMPTS = 5
SCRUB_BACKOFF = 0.5
# Taken to renew a scrubber's lock and thread in a forked process, once.
_RENEWING = threading.Lock()


class Scrubber:
    """One per process: coalesces scrub requests into runs of a background thread."""

    def __init__(
        self,
        scrub: Callable[[], Scrub],
        *,
        delay: float = SCRUB_DELAY,
        gap: float = SCRUB_GAP,
        attempts: int = SCRUB_ATTEMPTS,
        backoff: float = SCRUB_BACKOFF,
    ) -> None:
        self._scrub = scrub
        self.delay, self.gap = delay, gap
        self.attempts, self.backoff = attempts, backoff
        self.requested = 0  # erasures that asked for a scrub
        self.runs = 0  # scrubs run, each try counted
        self.last: Scrub | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._wanted = threading.Event()

    def request(self) -> None:
        """Ask for a scrub soon; returns at once. Starts the thread in this process if needed
        (a forked worker has none of its parent's threads)."""
        if self._pid != os.getpid():
            with _RENEWING:
                if self._pid != os.getpid():
                    self._lock, self._wanted = threading.Lock(), threading.Event()
                    self._thread, self._pid = None, os.getpid()
        with self._lock:
            self.requested += 1
            self._wanted.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._serve, name="consent-scrubber", daemon=True
                )
                self._thread.start()

    def _serve(self) -> None:
        while True:
            self._wanted.wait()
            time.sleep(self.delay)
            self.scrub_now()
            time.sleep(self.gap)

    def scrub_now(self) -> Scrub:
        """Scrub until one completes or the tries run out; every request made before a try
        started is covered by it."""
        result = Scrub("none", completed=False)
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            self._wanted.clear()
            result = self._once()
            if result.completed:
                return result
        logger.warning(
            "scrub did not complete after %d tries (%s): erased values may stay in the "
            "database's files until a later scrub completes",
            self.attempts,
            result.method,
        )
        return result

    def _once(self) -> Scrub:
        self.runs += 1
        try:
            result = self._scrub()
        except Exception:  # the thread must outlive any failure of one scrub
            logger.exception("scrub failed")
            result = Scrub("failed", completed=False)
        self.last = result
        logger.debug("scrub %s: %s", result.method, "completed" if result.completed else "left")
        return result
