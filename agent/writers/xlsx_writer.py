"""XLSX through XlsxWriter's constant-memory mode, spilling to a temp file, then streamed out.

A sheet holds at most 1,048,576 rows: past that the rows go on in a new sheet, header repeated.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from agent.renderers.base import Sink

MAX_ROWS_PER_SHEET = 1_048_576
CHUNK = 1024 * 1024


class XlsxWriter:
    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._dir = tempfile.TemporaryDirectory(prefix="snapshot-xlsx-")
        self._path = Path(self._dir.name) / "out.xlsx"
        self._book = xlsxwriter.Workbook(str(self._path), {"constant_memory": True, "tmpdir": self._dir.name})
        self._date = self._book.add_format({"num_format": "yyyy-mm-dd"})
        self._datetime = self._book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self._columns: list[str] = []
        self._sheet: Any = None
        self._row = 0
        self._rows = 0

    async def start(self, columns: Sequence[str]) -> None:
        self._columns = list(columns)
        self._new_sheet()

    async def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            if self._row >= MAX_ROWS_PER_SHEET:
                self._new_sheet()
            for col, value in enumerate(row):
                self._write_cell(col, value)
            self._row += 1
        self._rows += len(rows)
        await asyncio.sleep(0)

    async def finish(self) -> int:
        try:
            await asyncio.to_thread(self._book.close)
            with self._path.open("rb") as f:
                while chunk := f.read(CHUNK):
                    await self._sink.write(chunk)
        finally:
            self._dir.cleanup()
        return self._rows

    def abort(self) -> None:
        # Constant-memory worksheets keep a spill file open each; XlsxWriter has no discard call.
        for sheet in self._book.worksheets():
            handle = getattr(sheet, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()
        self._dir.cleanup()

    def _new_sheet(self) -> None:
        self._sheet = self._book.add_worksheet()
        self._sheet.write_row(0, 0, self._columns)
        self._row = 1

    def _write_cell(self, col: int, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, datetime):
            self._sheet.write_datetime(self._row, col, value.replace(tzinfo=None), self._datetime)
        elif isinstance(value, date):
            self._sheet.write_datetime(self._row, col, value, self._date)
        elif isinstance(value, bool):
            self._sheet.write_boolean(self._row, col, value)
        elif isinstance(value, int | float | Decimal):
            self._sheet.write_number(self._row, col, float(value))
        elif isinstance(value, time):
            self._sheet.write_string(self._row, col, value.isoformat())
        else:
            self._sheet.write_string(self._row, col, str(value))
