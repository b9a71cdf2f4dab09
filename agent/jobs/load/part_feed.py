"""The spool's finished parts, handed from the thread that checks the rows to the merge that
bulk-loads them, so reading a file and loading it overlap: a load takes about as long as the
slower of the two, not their sum."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any


class PartFeed:
    """``part_done`` is called in the producing thread; ``parts`` yields the parts in the event
    loop until the producer's future (given to ``follow``) ends, then raises what it raised."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Path | None] = asyncio.Queue()
        self._producer: asyncio.Future[Any] | None = None

    def part_done(self, part: Path) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, part)

    def follow(self, producer: asyncio.Future[Any]) -> None:
        # The thread's part_done calls were scheduled before its future completed, so the end
        # marker (None) comes after the last part.
        producer.add_done_callback(lambda _: self._queue.put_nowait(None))
        self._producer = producer

    async def parts(self) -> AsyncIterator[Path]:
        assert self._producer is not None, "follow() the producer first"
        while (part := await self._queue.get()) is not None:
            yield part
        self._producer.result()  # the producer's error, if it failed
