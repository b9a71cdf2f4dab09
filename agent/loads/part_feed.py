"""The spool's finished parts, handed from the thread that checks the rows to the merge that
bulk-loads them, so reading a file and loading it overlap: a load takes about as long as the
slower of the two, not their sum."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
_END = Path()


class PartFeed(Generic[T]):
    """``part_done`` is called in the producing thread; ``parts`` yields them in the event loop
    until the producer's future ends, and then raises what it raised."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Path] = asyncio.Queue()

    def part_done(self, part: Path) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, part)

    def follow(self, producer: asyncio.Future[T]) -> None:
        # The thread's part_done calls were scheduled before its future completes, so the end
        # marker comes after the last part.
        producer.add_done_callback(lambda _: self._queue.put_nowait(_END))
        self._producer = producer

    async def parts(self) -> AsyncIterator[Path]:
        while (part := await self._queue.get()) is not _END:
            yield part
        self._producer.result()  # the producer's error, if it failed


async def listed(parts: list[Path]) -> AsyncIterator[Path]:
    """Parts already on disk, as the merge takes them."""
    for part in parts:
        yield part
