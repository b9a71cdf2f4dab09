"""Tabular encoders: bytes come batch by batch and read back as the values written."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl.utils.escape import unescape

from agent.jobs.errors import InvalidRenderError
from agent.writers import make_encoder
from agent.writers import xlsx_writer as xlsx_module
from agent.writers.xlsx_cells import MAX_STRING, column_letters

COLUMNS = ["id", "day", "name", "amount", "price", "at", "flag", "missing"]
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("day", pa.date32()),
        ("name", pa.string()),
        ("amount", pa.float64()),
        ("price", pa.decimal128(38, 2)),
        ("at", pa.timestamp("us")),
        ("flag", pa.bool_()),
        ("missing", pa.string()),
    ]
)


def batch(start: int, count: int) -> pa.RecordBatch:
    rows = [
        {
            "id": n,
            "day": date(2024, 1, 1 + n % 28),
            "name": f"name-{n}",
            "amount": n * 1.5,
            "price": Decimal(f"{n}.25"),
            "at": datetime(2024, 5, 1, 12, n % 60),
            "flag": n % 2 == 0,
            "missing": None,
        }
        for n in range(start, start + count)
    ]
    return pa.RecordBatch.from_pylist(rows, schema=SCHEMA)


def encode_all(
    fmt: str, batches: list[pa.RecordBatch], columns: list[str] = COLUMNS
) -> tuple[list[bytes], int]:
    encoder = make_encoder(fmt)
    chunks = [encoder.encode(b) for b in batches]
    chunks += list(encoder.finish(columns))
    return chunks, encoder.rows


def test_csv_streams_each_batch_and_keeps_null_apart_from_empty() -> None:
    strings = pa.RecordBatch.from_pylist([{"s": ""}, {"s": None}, {"s": 'a,"b"\r\nc'}])
    chunks, count = encode_all("csv", [batch(0, 100), batch(100, 5)])
    assert count == 105
    assert all(chunks[:2])  # each batch's bytes leave as soon as it is encoded
    text = b"".join(chunks).decode()
    assert text.startswith("id,day,name,amount,price,at,flag,missing\r\n")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == COLUMNS
    assert len(parsed) == 106
    assert parsed[1] == ["0", "2024-01-01", "name-0", "0", "0.25", "2024-05-01 12:00:00.000000", "true", ""]
    raw = b"".join(encode_all("csv", [strings], ["s"])[0]).decode()
    assert raw == 's\r\n""\r\n\r\n"a,""b""\r\nc"\r\n'
    assert list(csv.reader(io.StringIO(raw)))[1:] == [[""], [], ['a,"b"\r\nc']]


def test_csv_of_no_rows_is_the_header() -> None:
    chunks, count = encode_all("csv", [], ["id", "a name, with a comma"])
    assert count == 0
    assert b"".join(chunks) == b'id,"a name, with a comma"\r\n'  # quoted only where a name needs it


def test_parquet_writes_a_row_group_per_batch_and_keeps_types() -> None:
    chunks, count = encode_all("parquet", [batch(0, 1000), batch(1000, 1000)])
    data = b"".join(chunks)
    assert count == 2000
    assert chunks[0] and chunks[1]
    assert pq.ParquetFile(io.BytesIO(data)).num_row_groups == 2
    table = pq.read_table(io.BytesIO(data))
    assert table.schema == SCHEMA
    assert table.column("price").to_pylist()[1] == Decimal("1.25")


def test_parquet_of_no_rows_is_a_valid_file_with_the_columns() -> None:
    chunks, count = encode_all("parquet", [])
    assert count == 0
    assert pq.read_table(io.BytesIO(b"".join(chunks))).column_names == COLUMNS


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_batch_changing_type_is_invalid(fmt: str) -> None:
    encoder = make_encoder(fmt)
    encoder.encode(pa.RecordBatch.from_pylist([{"a": 1}]))
    with pytest.raises(InvalidRenderError, match="change type after the first rows"):
        encoder.encode(pa.RecordBatch.from_pylist([{"a": "text"}]))


def read_xlsx(data: bytes) -> list[list[tuple[Any, ...]]]:
    """Each sheet's rows, padded to the header's width (a null cell is simply not written)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheets = [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
    return [[row + (None,) * (len(sheet[0]) - len(row)) for row in sheet] for sheet in sheets]


def test_xlsx_cells_keep_their_types() -> None:
    chunks, count = encode_all("xlsx", [batch(0, 3)])
    [sheet] = read_xlsx(b"".join(chunks))
    assert count == 3
    assert sheet[0] == tuple(COLUMNS)
    at = datetime(2024, 5, 1, 12, 1)
    assert sheet[2] == (1, datetime(2024, 1, 2), "name-1", 1.5, 1.25, at, False, None)


def test_xlsx_escapes_what_xml_cannot_hold_and_excel_limits() -> None:
    values = ["a < b & c > d", "bell\x07 nul\x00", "_x0041_ stays literal", "  padded  ", "x" * 40_000, None]
    moment = datetime(2024, 1, 2, 3, 4, 5, 500_000, tzinfo=UTC)
    strings = pa.RecordBatch.from_pydict(
        {
            "text": values,
            "when": pa.array([moment] * 6, pa.timestamp("us", tz="UTC")),
            "ratio": [1.5, float("nan"), float("inf"), -2.25, 1e20, None],
        }
    )
    [sheet] = read_xlsx(b"".join(encode_all("xlsx", [strings], ["text", "when", "ratio"])[0]))
    texts = [None if row[0] is None else unescape(row[0]) for row in sheet[1:]]
    assert texts[:4] == values[:4]
    assert texts[4] == "x" * MAX_STRING
    assert texts[5] is None
    assert sheet[1][1] == datetime(2024, 1, 2, 3, 4, 5, 500_000)
    assert [row[2] for row in sheet[1:]] == [1.5, None, None, -2.25, 1e20, None]


def test_xlsx_rolls_over_to_a_new_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_ROWS_PER_SHEET", 51)  # header + 50 rows per sheet
    chunks, count = encode_all("xlsx", [batch(0, 60), batch(60, 60)])
    assert count == 120
    sheets = read_xlsx(b"".join(chunks))
    assert [len(s) for s in sheets] == [51, 51, 21]
    assert all(s[0] == tuple(COLUMNS) for s in sheets)
    assert sheets[0][1][:4] == (0, datetime(2024, 1, 1), "name-0", 0)
    assert sheets[2][-1][0] == 119


def test_xlsx_of_no_rows_is_a_workbook_with_the_header() -> None:
    chunks, count = encode_all("xlsx", [])
    data = b"".join(chunks)
    assert count == 0
    assert read_xlsx(data) == [[tuple(COLUMNS)]]
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    expected = {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml"}
    assert expected <= set(names)


def test_xlsx_streams_sheet_bytes_batch_by_batch() -> None:
    encoder = make_encoder("xlsx")
    sizes = [len(encoder.encode(batch(n * 5000, 5000))) for n in range(4)]
    rest = sum(len(chunk) for chunk in encoder.finish(COLUMNS))
    assert all(size > 10_000 for size in sizes), sizes  # every batch's rows leave with it
    assert rest < min(sizes), "finish adds only the package parts, not held-back rows"


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index: int, letters: str) -> None:
    assert column_letters(index) == letters
