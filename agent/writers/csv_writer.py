"""CSV (RFC 4180: UTF-8, a header row, CRLF, fields quoted where they are text) by Arrow's writer.

A null is an empty field and an empty string is ``""``, so the two stay apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.csv as pa_csv

from agent.writers.byte_buffer import ByteBuffer

_OPTIONS = pa_csv.WriteOptions(include_header=True, eol="\r\n", quoting_style="needed")


class CsvEncoder:
    def __init__(self) -> None:
        self._file = ByteBuffer()
        self._writer: pa_csv.CSVWriter | None = None
        self.rows = 0

    def encode(self, batch: pa.RecordBatch) -> bytes:
        if self._writer is None:
            self._writer = pa_csv.CSVWriter(self._file, batch.schema, write_options=_OPTIONS)
        self._writer.write_batch(batch)
        self.rows += batch.num_rows
        return self._file.take()

    def finish(self, columns: Sequence[str]) -> Iterator[bytes]:
        if self._writer is None:
            schema = pa.schema([(name, pa.string()) for name in columns])
            self._writer = pa_csv.CSVWriter(self._file, schema, write_options=_OPTIONS)
        self._writer.close()
        yield self._file.take()
