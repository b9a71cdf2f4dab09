"""Spaces calls at least ``interval`` seconds apart (one caller's share of an API rate).

The first call waits an interval too: a caller that takes over a share (a lease) right after
another let it go cannot call sooner than the other's last call plus the interval. The spacing
counts from when a call was actually let through, so a busy event loop that wakes a caller late
cannot squeeze its next call in early.
"""

from __future__ import annotations

import asyncio
import time


class Pacer:
    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._next = time.monotonic() + interval
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            delay = self._next - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = time.monotonic() + self._interval
