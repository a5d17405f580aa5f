"""A shorter GIL switch interval while this process holds the log's write lock.

The sqlite3 driver lets go of the GIL around every statement. When the statement returns, the
thread that holds the write lock has to wait for the GIL behind whichever request thread took it
meanwhile, up to the interpreter's switch interval (5 ms by default), and every writer of every
process waits with it. While the lock is held the interval is cut, so the holder gets the GIL
back within a fraction of a millisecond; other threads keep the default the rest of the time.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

WHILE_WRITING = 0.0002  # seconds; the default is 0.005

_lock = threading.Lock()
_holders = 0
_usual = sys.getswitchinterval()


@contextmanager
def prompt_handback() -> Iterator[None]:
    """Cut the switch interval for the block; nested or concurrent blocks (several stores in one
    process) restore it when the last one ends."""
    global _holders, _usual
    with _lock:
        if _holders == 0:
            _usual = sys.getswitchinterval()
            sys.setswitchinterval(min(_usual, WHILE_WRITING))
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                sys.setswitchinterval(_usual)
