"""Tabular encoders: Arrow record batches in, the bytes of a CSV, Parquet or XLSX file out.

Encoders are plain synchronous code so the renderer can run them beside the read in a worker
thread (Arrow's CSV, Parquet and compute kernels release the GIL); each call returns the bytes
ready so far, which the renderer hands to the sink. Nothing holds more than one batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

import pyarrow as pa


class TabularEncoder(Protocol):
    rows: int

    def encode(self, batch: pa.RecordBatch) -> bytes:
        """The bytes for one more batch (the header or file preamble comes with the first)."""
        ...

    def finish(self, columns: Sequence[str]) -> Iterator[bytes]:
        """The rest of the file; ``columns`` name the header when no batch came at all."""
        ...


def empty_batch(columns: Sequence[str]) -> pa.RecordBatch:
    """What an encoder is given when a result has no rows: the columns, typed as text."""
    return pa.RecordBatch.from_pylist([], schema=pa.schema([(name, pa.string()) for name in columns]))


def make_encoder(fmt: str, keep_formulas: bool = False) -> TabularEncoder:
    """``keep_formulas``: a CSV's text is written as it is, formula-like or not (for machines)."""
    from agent.writers.csv_writer import CsvEncoder
    from agent.writers.parquet_writer import ParquetEncoder
    from agent.writers.xlsx_writer import XlsxEncoder

    if fmt == "csv":
        return CsvEncoder(keep_formulas)
    encoders: dict[str, type[ParquetEncoder] | type[XlsxEncoder]] = {
        "parquet": ParquetEncoder,
        "xlsx": XlsxEncoder,
    }
    return encoders[fmt]()
