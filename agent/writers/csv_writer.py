"""CSV (RFC 4180: UTF-8, a header row, CRLF) by Arrow's writer, batch by batch.

Arrow quotes every text field, so a null (an empty field) and an empty string (``""``) stay
apart. The header row is written as before Arrow, quoted only where a name needs it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.csv as pa_csv

from agent.writers import empty_batch
from agent.writers.byte_buffer import ByteBuffer

_OPTIONS = pa_csv.WriteOptions(include_header=False, eol="\r\n", quoting_style="needed")


class CsvEncoder:
    def __init__(self) -> None:
        self._file = ByteBuffer()
        self._writer: pa_csv.CSVWriter | None = None
        self.rows = 0

    def encode(self, batch: pa.RecordBatch) -> bytes:
        if self._writer is None:
            self._file.write(_header(batch.schema.names))
            self._writer = pa_csv.CSVWriter(self._file, batch.schema, write_options=_OPTIONS)
        self._writer.write_batch(batch)
        self.rows += batch.num_rows
        return self._file.take()

    def finish(self, columns: Sequence[str]) -> Iterator[bytes]:
        if self._writer is None:
            yield self.encode(empty_batch(columns))
        assert self._writer is not None
        self._writer.close()
        yield self._file.take()


def _header(names: Sequence[str]) -> bytes:
    line = io.StringIO()
    csv.writer(line, lineterminator="\r\n").writerow(names)
    return line.getvalue().encode()
