"""Tabular writers: rows in, bytes out to a sink as they are produced."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from agent.renderers.base import Sink


class TabularWriter(Protocol):
    async def start(self, columns: Sequence[str]) -> None: ...
    async def write_rows(self, rows: Sequence[Sequence[Any]]) -> None: ...
    async def finish(self) -> int:
        """Flush the rest into the sink; return the number of data rows written."""
        ...

    def abort(self) -> None:
        """Drop whatever was buffered or spilled; the render failed."""
        ...


def make_writer(fmt: str, sink: Sink) -> TabularWriter:
    from agent.writers.csv_writer import CsvWriter
    from agent.writers.parquet_writer import ParquetWriter
    from agent.writers.xlsx_writer import XlsxWriter

    writers: dict[str, type[CsvWriter] | type[ParquetWriter] | type[XlsxWriter]] = {
        "csv": CsvWriter,
        "parquet": ParquetWriter,
        "xlsx": XlsxWriter,
    }
    return writers[fmt](sink)
