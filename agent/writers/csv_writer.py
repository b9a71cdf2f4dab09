"""CSV (RFC 4180, UTF-8, header row) written batch by batch."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from agent.renderers.base import Sink


class CsvWriter:
    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="\r\n")
        self._rows = 0

    async def start(self, columns: Sequence[str]) -> None:
        self._csv.writerow(columns)
        await self._drain()

    async def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        self._csv.writerows(rows)
        self._rows += len(rows)
        await self._drain()

    async def finish(self) -> int:
        await self._drain()
        return self._rows

    async def _drain(self) -> None:
        text = self._buffer.getvalue()
        if text:
            self._buffer.seek(0)
            self._buffer.truncate()
            await self._sink.write(text.encode())

    def abort(self) -> None:
        self._buffer = io.StringIO()
