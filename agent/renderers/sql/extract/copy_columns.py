"""Whether a PostgreSQL result can take the COPY route (``copy_reader``), and the Arrow types
its CSV text is parsed into.

The route parses ``COPY … TO STDOUT (FORMAT csv)`` with pyarrow, so every column must have a
type whose text pyarrow reads back to exactly the value ConnectorX would have given (the types
below are ConnectorX's own for each PostgreSQL type, so both routes write the same bytes), and a
bounded width: pyarrow's streaming reader needs a whole row inside one block, so a column that
may hold a value of any length (``text``, ``json``, ``varchar`` without a length) keeps the
result on ConnectorX. Types outside the table (``bytea``, ``timestamptz``, ``time``) do too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

COPY_BLOCK_BYTES = 4 * 1024 * 1024  # pyarrow's block; a row must fit in one
MAX_ROW_BYTES = COPY_BLOCK_BYTES // 4  # the widest row the route takes, with room for a block's start

# OID: (the type pyarrow parses the text into, the type ConnectorX gives, widest text in bytes)
_FIXED: dict[int, tuple[pa.DataType, pa.DataType, int]] = {
    16: (pa.bool_(), pa.bool_(), 1),  # t / f
    20: (pa.int64(), pa.int64(), 20),
    21: (pa.int64(), pa.int64(), 6),
    23: (pa.int64(), pa.int64(), 11),
    # float4's shortest text parsed as float32 then widened is ConnectorX's double, bit for bit
    700: (pa.float32(), pa.float64(), 16),
    701: (pa.float64(), pa.float64(), 25),
    1082: (pa.date32(), pa.date32(), 16),
    1114: (pa.timestamp("us"), pa.timestamp("us"), 32),
    2950: (pa.string(), pa.string(), 36),  # uuid
}
_TEXT_OIDS = {1042, 1043}  # char(n), varchar(n): n characters, at most 4 bytes each, quotes doubled
_NUMERIC = 1700


@dataclass(frozen=True)
class CopyColumns:
    """What the reader parses (``parsed``) and what it hands on (``result``, ConnectorX's types
    with each NUMERIC at its declared scale, as the agent would cast them)."""

    parsed: pa.Schema
    result: pa.Schema


def copy_columns(description: Any) -> CopyColumns | None:
    """From a psycopg cursor description; None when some column keeps the result on ConnectorX."""
    names = [column.name for column in description]
    if len(set(names)) != len(names):
        return None  # the CSV reader types columns by name
    parsed: list[pa.Field] = []
    result: list[pa.Field] = []
    width = 0
    for column in description:
        typed = _typed(column)
        if typed is None:
            return None
        parse_type, result_type, column_width = typed
        parsed.append(pa.field(column.name, parse_type))
        result.append(pa.field(column.name, result_type))
        width += column_width + 1  # and its comma or line end
    if width > MAX_ROW_BYTES:
        return None
    return CopyColumns(pa.schema(parsed), pa.schema(result))


def _typed(column: Any) -> tuple[pa.DataType, pa.DataType, int] | None:
    if column.type_code in _FIXED:
        return _FIXED[column.type_code]
    if column.type_code in _TEXT_OIDS and column.display_size:
        return pa.string(), pa.string(), 4 * int(column.display_size) + 2
    if column.type_code == _NUMERIC and column.precision is not None and column.scale is not None:
        decimal = pa.decimal128(38, column.scale)
        return decimal, decimal, int(column.precision) + 3  # sign, point, a leading zero
    return None
