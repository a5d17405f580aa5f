"""Reading the next batches of a query while the current one is being sent.

The database's work for a batch (SQLite's runs in this process, outside the GIL) then overlaps
the work of turning the previous batch into text and sending it, on another core. At most `depth`
batches wait, so memory stays bounded; a consumer that stops early (a client that went away) stops
the reader, which closes its cursor. An error of the reader reaches the consumer in order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

Item = TypeVar("Item")
_END = object()


def prefetched(source: Iterator[Item], depth: int = 2) -> Iterator[Item]:
    """`source`'s items, read ahead by a thread of their own."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in source:
                if not hand(item):
                    return
            hand(_END)
        except BaseException as error:  # handed to the consumer, which raises it
            hand(error)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="export-reader", daemon=True)
    reader.start()
    try:
        while (item := waiting.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join(timeout=5)
