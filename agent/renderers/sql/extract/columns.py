"""What a query returns, asked of the server before any row is read, and whether the fast path
can carry it without changing a value.

ConnectorX reads every DECIMAL/NUMERIC as ``decimal128(38, 10)``: a wider scale would lose
digits and more than 28 integer digits would not fit (it panics). It also cannot read some
types at all (MySQL's NULL-typed column, PostgreSQL ``void``, arrays, enums, geometry). A query
returning any of those goes the row path; every other query goes fast, each decimal column cast
back to its declared scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.renderers.sql.extract.copy_columns import CopyColumns, copy_columns

CONNECTORX_DECIMAL_SCALE = 10
CONNECTORX_DECIMAL_INTEGER_DIGITS = 28

# pymysql's FIELD_TYPE codes ConnectorX reads faithfully; 0 and 246 are DECIMAL.
_MYSQL_DECIMALS = {0, 246}
_MYSQL_FAST = {1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 245, 247, 249, 250, 251, 252, 253, 254}
# PostgreSQL type OIDs ConnectorX reads faithfully; 1700 is NUMERIC.
_POSTGRES_NUMERIC = 1700
_POSTGRES_FAST = {16, 17, 20, 21, 23, 25, 114, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 2950, 3802}


@dataclass(frozen=True)
class Column:
    name: str
    decimal_scale: int | None = None  # set for DECIMAL/NUMERIC columns


@dataclass(frozen=True)
class Described:
    columns: list[Column]
    row_path_reason: str | None  # why the fast path cannot carry this result, or None
    copy: CopyColumns | None = None  # set when PostgreSQL's COPY route can carry it (copy_reader)

    @property
    def decimal_scales(self) -> dict[str, int]:
        return {c.name: c.decimal_scale for c in self.columns if c.decimal_scale is not None}


def describe_mysql(description: Any) -> Described:
    """From a pymysql/aiomysql cursor description: (name, type, _, length, length, scale, null_ok)."""
    columns: list[Column] = []
    reasons: list[str] = []
    for name, type_code, _, length, _, scale, _ in description:
        if type_code in _MYSQL_DECIMALS:
            integer_digits = int(length) - int(scale)  # an upper bound: length counts sign and point
            reasons += _decimal_problem(name, int(scale), integer_digits)
            columns.append(Column(name, decimal_scale=int(scale)))
        else:
            if type_code not in _MYSQL_FAST:
                reasons.append(f"column {name!r} has MySQL type {type_code}")
            columns.append(Column(name))
    return Described(columns, "; ".join(reasons) or None)


def describe_postgresql(description: Any) -> Described:
    """From a psycopg cursor description, whose columns carry NUMERIC precision and scale."""
    columns: list[Column] = []
    reasons: list[str] = []
    for column in description:
        if column.type_code == _POSTGRES_NUMERIC:
            if column.precision is None or column.scale is None:
                reasons.append(f"column {column.name!r} is NUMERIC without a declared scale")
                columns.append(Column(column.name))
                continue
            reasons += _decimal_problem(column.name, column.scale, column.precision - column.scale)
            columns.append(Column(column.name, decimal_scale=column.scale))
        else:
            if column.type_code not in _POSTGRES_FAST:
                reasons.append(f"column {column.name!r} has PostgreSQL type {column.type_code}")
            columns.append(Column(column.name))
    if reasons:
        return Described(columns, "; ".join(reasons))  # the row path: no COPY types to work out
    return Described(columns, None, copy_columns(description))


def _decimal_problem(name: str, scale: int, integer_digits: int) -> list[str]:
    if scale > CONNECTORX_DECIMAL_SCALE:
        return [f"column {name!r} has {scale} decimal places"]
    if integer_digits > CONNECTORX_DECIMAL_INTEGER_DIGITS:
        return [f"column {name!r} may hold {integer_digits} integer digits"]
    return []
