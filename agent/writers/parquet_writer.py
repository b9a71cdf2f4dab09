"""Parquet (zstd), one row group per batch; the schema is the reader's, decimals included."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from agent.errors import InvalidRenderError
from agent.writers import empty_batch
from agent.writers.byte_buffer import ByteBuffer


class ParquetEncoder:
    def __init__(self) -> None:
        self._file = ByteBuffer()
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self.rows = 0

    def encode(self, batch: pa.RecordBatch) -> bytes:
        if self._writer is None:
            self._schema = batch.schema
            self._writer = pq.ParquetWriter(self._file, batch.schema, compression="zstd")
        elif batch.schema != self._schema:
            raise InvalidRenderError(
                f"the result's columns change type after the first rows: {batch.schema} after {self._schema}"
            )
        self._writer.write_batch(batch)
        self.rows += batch.num_rows
        return self._file.take()

    def finish(self, columns: Sequence[str]) -> Iterator[bytes]:
        if self._writer is None:
            yield self.encode(empty_batch(columns))
        assert self._writer is not None
        self._writer.close()
        yield self._file.take()
