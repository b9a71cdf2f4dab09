"""A first-in first-out queue of byte strings that keeps at most ``memory_bytes`` in memory and
spills the rest to an unlinked temporary file (``TMPDIR``: the agent's cache directory on the
fleet), in order.

ConnectorX reads ahead of its consumer without bound: a reader whose agent encodes slower than
the server sends (XLSX, say) would otherwise hold the whole result in memory. The reader keeps
ConnectorX drained into this queue instead, so its memory stays flat and the server is released
as soon as the result is read.
"""

from __future__ import annotations

import collections
import os
import tempfile
import threading
from typing import IO


class SpillQueue:
    def __init__(self, memory_bytes: int) -> None:
        self._memory_bytes = memory_bytes
        self._in_memory = 0
        self._entries: collections.deque[memoryview | tuple[int, int]] = collections.deque()
        self._on_disk = 0  # entries
        self._spill: IO[bytes] | None = None
        self._spill_end = 0
        self._closed = False
        self._changed = threading.Condition()
        self.spilled_bytes = 0  # in all; the tests read it to see what went to disk

    def put(self, item: memoryview) -> None:
        with self._changed:
            # Once one item is on disk the next ones follow it there, or they would overtake it.
            if not self._on_disk and self._in_memory + item.nbytes <= self._memory_bytes:
                self._entries.append(item)
                self._in_memory += item.nbytes
            else:
                self._entries.append(self._spill_out(item))
                self._on_disk += 1
            self._changed.notify()

    def close(self) -> None:
        """No more items: ``get`` returns None once the queue is empty."""
        with self._changed:
            self._closed = True
            self._changed.notify()

    def get(self) -> memoryview | None:
        with self._changed:
            self._changed.wait_for(lambda: bool(self._entries) or self._closed)
            if not self._entries:
                return None
            entry = self._entries.popleft()
            if isinstance(entry, memoryview):
                self._in_memory -= entry.nbytes
                return entry
            self._on_disk -= 1
            item = memoryview(self._spill_in(*entry))
            if not self._on_disk:
                self._rewind()
            return item

    def _spill_out(self, item: memoryview) -> tuple[int, int]:
        if self._spill is None:
            self._spill = tempfile.TemporaryFile(prefix="snapshot-extract-")  # noqa: SIM115
        written = 0
        while written < item.nbytes:
            written += os.pwrite(self._spill.fileno(), item[written:], self._spill_end + written)
        entry = (self._spill_end, item.nbytes)
        self._spill_end += item.nbytes
        self.spilled_bytes += item.nbytes
        return entry

    def _spill_in(self, offset: int, size: int) -> bytes:
        assert self._spill is not None
        return os.pread(self._spill.fileno(), size, offset)

    def _rewind(self) -> None:
        """The spill file is drained: give its space back."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None
            self._spill_end = 0
