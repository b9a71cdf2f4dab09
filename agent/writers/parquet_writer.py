"""Parquet, one row group per batch, streamed: the schema comes from the first batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from agent.errors import InvalidRenderError
from agent.renderers.base import Sink


class _Chunks:
    """A write-only file for pyarrow whose bytes are taken out after every row group."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.closed = False
        self._pos = 0

    def write(self, b: bytes) -> int:
        self.data += b
        self._pos += len(b)
        return len(b)

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        out = bytes(self.data)
        self.data.clear()
        return out


class ParquetWriter:
    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._file = _Chunks()
        self._columns: list[str] = []
        self._schema: pa.Schema | None = None
        self._writer: pq.ParquetWriter | None = None
        self._rows = 0

    async def start(self, columns: Sequence[str]) -> None:
        self._columns = list(columns)

    async def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        table = self._table(rows)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._file, table.schema, compression="zstd")
        self._writer.write_table(table)
        self._rows += len(rows)
        await self._sink.write(self._file.take())

    async def finish(self) -> int:
        if self._writer is None:
            schema = pa.schema([(name, pa.string()) for name in self._columns])
            self._writer = pq.ParquetWriter(self._file, schema, compression="zstd")
        self._writer.close()
        await self._sink.write(self._file.take())
        return self._rows

    def abort(self) -> None:
        self._file.take()

    def _table(self, rows: Sequence[Sequence[Any]]) -> pa.Table:
        columns = list(zip(*rows, strict=True))
        if self._schema is None:
            fields = [pa.field(n, _column_type(v)) for n, v in zip(self._columns, columns, strict=True)]
            self._schema = pa.schema(fields)
        arrays = []
        for field, values in zip(self._schema, columns, strict=True):
            try:
                arrays.append(pa.array(values, type=field.type))
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise InvalidRenderError(
                    f"column {field.name!r} changes type after the first rows: {exc}"
                ) from exc
        return pa.Table.from_arrays(arrays, schema=self._schema)


def _column_type(values: Sequence[Any]) -> pa.DataType:
    """The first batch decides a column's type, widened where later rows may need more room."""
    inferred = pa.array(values).type
    if pa.types.is_null(inferred):
        return pa.string()
    if pa.types.is_decimal(inferred):
        return pa.decimal128(38, inferred.scale)
    return inferred
