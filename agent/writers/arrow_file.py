"""An encoder over one of Arrow's file writers (CSV, Parquet): the writer opens on the first
batch with its schema, every later batch must keep that schema, and the bytes written so far
leave after each batch."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from agent.jobs.errors import InvalidRenderError
from agent.writers import empty_batch
from agent.writers.byte_buffer import ByteBuffer


class ArrowFileEncoder:
    def __init__(self) -> None:
        self._file = ByteBuffer()
        self._writer: Any = None
        self._schema: pa.Schema | None = None
        self.rows = 0

    def _open(self, file: ByteBuffer, schema: pa.Schema) -> Any:
        """The Arrow writer for this format, writing into ``file``."""
        raise NotImplementedError

    def encode(self, batch: pa.RecordBatch) -> bytes:
        if self._writer is None:
            self._schema = batch.schema
            self._writer = self._open(self._file, batch.schema)
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
        self._writer.close()
        yield self._file.take()
