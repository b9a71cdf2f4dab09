"""CSV (RFC 4180: UTF-8, a header row, CRLF) by Arrow's writer, batch by batch.

Arrow quotes every text field, so a null (an empty field) and an empty string (``""``) stay
apart. The header row is written as before Arrow, quoted only where a name needs it. Text a
spreadsheet would run as a formula is written as text unless the report keeps it
(``agent.writers.formula_text``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.csv as pa_csv

from agent.writers.arrow_file import ArrowFileEncoder
from agent.writers.byte_buffer import ByteBuffer
from agent.writers.formula_text import neutralised, neutralised_names

_OPTIONS = pa_csv.WriteOptions(include_header=False, eol="\r\n", quoting_style="needed")


class CsvEncoder(ArrowFileEncoder):
    def __init__(self, keep_formulas: bool = False) -> None:
        super().__init__()
        self._keep_formulas = keep_formulas

    def encode(self, batch: pa.RecordBatch) -> bytes:
        return super().encode(batch if self._keep_formulas else neutralised(batch))

    def _open(self, file: ByteBuffer, schema: pa.Schema) -> pa_csv.CSVWriter:
        names = schema.names if self._keep_formulas else neutralised_names(schema.names)
        file.write(_header(names))
        return pa_csv.CSVWriter(file, schema, write_options=_OPTIONS)


def _header(names: Sequence[str]) -> bytes:
    line = io.StringIO()
    csv.writer(line, lineterminator="\r\n").writerow(names)
    return line.getvalue().encode()
