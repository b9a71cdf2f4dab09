"""Batches single requests into one AWS batch call (DeleteMessageBatch, ChangeMessageVisibilityBatch).

``add`` never blocks the caller; a batch goes out when it has ``max_size`` entries or its oldest
entry has waited ``max_delay`` seconds. ``close`` flushes what is left.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Batcher(Generic[T]):
    def __init__(
        self,
        send: Callable[[list[T]], Awaitable[None]],
        max_size: int = 10,
        max_delay: float = 0.05,
    ) -> None:
        self._send = send
        self._max_size = max_size
        self._max_delay = max_delay
        self._pending: list[T] = []
        self._timer: asyncio.TimerHandle | None = None
        self._in_flight: set[asyncio.Task[None]] = set()

    def add(self, entry: T) -> None:
        self._pending.append(entry)
        if len(self._pending) >= self._max_size:
            self._flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._max_delay, self._flush)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._pending:
            batch, self._pending = self._pending[: self._max_size], self._pending[self._max_size :]
            task = asyncio.get_running_loop().create_task(self._send_logged(batch))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _send_logged(self, batch: list[T]) -> None:
        try:
            await self._send(batch)
        except Exception:
            log.exception("batch of %d failed", len(batch))

    async def close(self) -> None:
        self._flush()
        if self._in_flight:
            await asyncio.gather(*self._in_flight)
