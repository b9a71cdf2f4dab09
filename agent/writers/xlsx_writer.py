"""XLSX streamed as it is built: each batch becomes sheet XML in bulk (``xlsx_cells``) and goes
through a zip written in streaming mode, so no spill file and no whole sheet in memory.

A sheet holds at most 1,048,576 rows: past that the rows go on in a new sheet, header repeated.
The package parts that list the sheets ([Content_Types].xml, the workbook) are written last,
once the number of sheets is known; zip readers, Excel's included, find parts by name.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from typing import IO
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.compute as pc

from agent.writers import empty_batch, xlsx_package
from agent.writers.arrow_text import concatenated
from agent.writers.byte_buffer import ByteBuffer
from agent.writers.xlsx_cells import cells, column_letters

MAX_ROWS_PER_SHEET = 1_048_576
# Rows turned into cell XML at once: the XML of a large batch (the fast path's 50,000 rows) is
# several times its Arrow size, so it is built a slice at a time.
ENCODE_ROWS = 8192
COMPRESS_LEVEL = 1  # deflate dominates the cost; level 1 is ~3x faster than 6 for ~15% more bytes


class XlsxEncoder:
    def __init__(self) -> None:
        self._file = ByteBuffer()
        unseekable: IO[bytes] = _Unseekable(self._file)  # type: ignore[assignment]
        self._zip = zipfile.ZipFile(unseekable, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
        self._sheet: IO[bytes] | None = None
        self._sheets = 0
        self._sheet_rows = 0  # rows in the open sheet, its header included
        self._header = b""
        self._letters: list[str] = []
        self.rows = 0

    def encode(self, batch: pa.RecordBatch) -> bytes:
        if not self._letters:
            self._letters = [column_letters(i) for i in range(batch.num_columns)]
            self._header = _header_row(batch.schema.names, self._letters)
        offset = 0
        while offset < batch.num_rows:
            if self._sheet is None or self._sheet_rows >= MAX_ROWS_PER_SHEET:
                self._open_sheet()
            take = min(batch.num_rows - offset, MAX_ROWS_PER_SHEET - self._sheet_rows, ENCODE_ROWS)
            self._write_rows(batch.slice(offset, take))
            offset += take
        self.rows += batch.num_rows
        return self._file.take()

    def finish(self, columns: Sequence[str]) -> Iterator[bytes]:
        if not self._letters:
            self.encode(empty_batch(columns))
        if self._sheet is None:
            self._open_sheet()
        self._close_sheet()
        for name, content in xlsx_package.parts(self._sheets):
            self._zip.writestr(name, content)
            yield self._file.take()
        self._zip.close()
        yield self._file.take()

    def _open_sheet(self) -> None:
        self._close_sheet()
        self._sheets += 1
        info = zipfile.ZipInfo(f"xl/worksheets/sheet{self._sheets}.xml", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self._sheet = self._zip.open(info, "w", force_zip64=True)
        self._sheet.write(xlsx_package.SHEET_START + self._header)
        self._sheet_rows = 1

    def _close_sheet(self) -> None:
        if self._sheet is not None:
            self._sheet.write(xlsx_package.SHEET_END)
            self._sheet.close()
            self._sheet = None

    def _write_rows(self, batch: pa.RecordBatch) -> None:
        assert self._sheet is not None
        first = self._sheet_rows + 1  # Excel rows count from 1
        numbers = pc.cast(pa.array(range(first, first + batch.num_rows), pa.int64()), pa.string())
        row_cells = [
            cells(column, letters, numbers)
            for column, letters in zip(batch.columns, self._letters, strict=True)
        ]
        rows = pc.binary_join_element_wise(
            "<row>", *row_cells, "</row>", "", null_handling="replace", null_replacement=""
        )
        self._sheet.write(concatenated(rows))
        self._sheet_rows += batch.num_rows


def _header_row(names: Sequence[str], letters: Sequence[str]) -> bytes:
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t xml:space="preserve">{escape(name)}</t></is></c>'
        for name, col in zip(names, letters, strict=True)
    )
    return f"<row>{header}</row>".encode()


class _Unseekable:
    """zipfile writes data descriptors (streaming mode) to a file it cannot seek."""

    def __init__(self, file: ByteBuffer) -> None:
        self._file = file

    def write(self, data: bytes) -> int:
        return self._file.write(data)

    def flush(self) -> None:
        pass
