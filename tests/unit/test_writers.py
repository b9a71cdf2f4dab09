"""Tabular writers: bytes reach the sink batch by batch and read back as the rows written."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from agent.errors import InvalidRenderError
from agent.writers import make_writer
from agent.writers import xlsx_writer as xlsx_module
from tests.support.sinks import ListSink

COLUMNS = ["id", "day", "name", "amount", "price", "at", "flag", "missing"]


def rows(start: int, count: int) -> list[tuple[Any, ...]]:
    return [
        (
            n,
            date(2024, 1, 1 + n % 28),
            f"name-{n}",
            n * 1.5,
            Decimal(f"{n}.25"),
            datetime(2024, 5, 1, 12, n % 60),
            n % 2 == 0,
            None,
        )
        for n in range(start, start + count)
    ]


async def write_all(fmt: str, batches: list[list[tuple[Any, ...]]]) -> tuple[ListSink, int]:
    sink = ListSink()
    writer = make_writer(fmt, sink)
    await writer.start(COLUMNS)
    for batch in batches:
        await writer.write_rows(batch)
    return sink, await writer.finish()


async def test_csv_streams_each_batch() -> None:
    sink, count = await write_all("csv", [rows(0, 100), rows(100, 100), rows(200, 5)])
    assert count == 205
    assert len(sink.chunks) >= 4  # header, then one chunk per batch
    parsed = list(csv.reader(io.StringIO(sink.data.decode())))
    assert parsed[0] == COLUMNS
    assert len(parsed) == 206
    assert parsed[1] == ["0", "2024-01-01", "name-0", "0.0", "0.25", "2024-05-01 12:00:00", "True", ""]


async def test_parquet_writes_a_row_group_per_batch_and_keeps_types() -> None:
    sink, count = await write_all("parquet", [rows(0, 1000), rows(1000, 1000)])
    assert count == 2000
    assert len(sink.chunks) >= 2
    table = pq.read_table(io.BytesIO(sink.data))
    assert table.num_rows == 2000
    assert pq.ParquetFile(io.BytesIO(sink.data)).num_row_groups == 2
    assert table.column("id").to_pylist()[:3] == [0, 1, 2]
    assert str(table.schema.field("missing").type) == "string"
    assert table.column("price").to_pylist()[1] == Decimal("1.25")


async def test_parquet_of_no_rows_is_a_valid_file_with_the_columns() -> None:
    sink, count = await write_all("parquet", [])
    assert count == 0
    assert pq.read_table(io.BytesIO(sink.data)).column_names == COLUMNS


async def test_parquet_column_changing_type_is_invalid() -> None:
    sink = ListSink()
    writer = make_writer("parquet", sink)
    await writer.start(["a"])
    await writer.write_rows([(1,), (2,)])
    with pytest.raises(InvalidRenderError, match="column 'a' changes type"):
        await writer.write_rows([("text",)])


async def test_xlsx_rolls_over_to_a_new_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_ROWS_PER_SHEET", 51)  # header + 50 rows per sheet
    sink, count = await write_all("xlsx", [rows(0, 60), rows(60, 60)])
    assert count == 120
    book = openpyxl.load_workbook(io.BytesIO(sink.data), read_only=True)
    sheets = [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
    assert [len(s) for s in sheets] == [51, 51, 21]
    assert all(s[0] == tuple(COLUMNS) for s in sheets)
    assert sheets[0][1][:4] == (0, datetime(2024, 1, 1), "name-0", 0)
    assert sheets[2][-1][0] == 119


async def test_aborted_xlsx_leaves_no_temp_files() -> None:
    writer = make_writer("xlsx", ListSink())
    await writer.start(COLUMNS)
    await writer.write_rows(rows(0, 10))
    tmpdir = writer._dir.name  # type: ignore[attr-defined]
    writer.abort()
    assert not Path(tmpdir).exists()  # noqa: ASYNC240
