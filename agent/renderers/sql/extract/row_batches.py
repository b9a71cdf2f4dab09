"""Rows from a driver turned into Arrow record batches: the first batch decides each column's type.

A column that is all null in the first batch is text; a DECIMAL is widened to 38 digits so later
rows fit. A later value that does not fit the first batch's type fails the render clearly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from agent.jobs.errors import InvalidRenderError


class RowBatches:
    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self._schema: pa.Schema | None = None

    def batch(self, rows: Sequence[Sequence[Any]]) -> pa.RecordBatch:
        values = list(zip(*rows, strict=True)) if rows else [() for _ in self.columns]
        if self._schema is None:
            fields = [pa.field(n, _column_type(v)) for n, v in zip(self.columns, values, strict=True)]
            self._schema = pa.schema(fields)
        arrays = []
        for field, column in zip(self._schema, values, strict=True):
            try:
                arrays.append(pa.array(column, type=field.type))
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise InvalidRenderError(
                    f"column {field.name!r} changes type after the first rows: {exc}"
                ) from exc
        return pa.RecordBatch.from_arrays(arrays, schema=self._schema)


def _column_type(values: Sequence[Any]) -> pa.DataType:
    inferred = pa.array(values).type
    if pa.types.is_null(inferred):
        return pa.string()
    if pa.types.is_decimal(inferred):
        return pa.decimal128(38, inferred.scale)
    return inferred
