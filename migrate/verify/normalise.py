"""Equal data hashes equal on both engines: each column is written as one text the same way on
MySQL/MariaDB and PostgreSQL before it is hashed.

- text as UTF-8, byte for byte (trailing spaces and Unicode normalisation count);
- integers in decimal; decimals at the larger of the two declared scales; floats at 9 places;
- booleans as 1/0 (MySQL's TINYINT(1) against PostgreSQL's boolean);
- datetimes in UTC to the microsecond, dates and times likewise;
- binary as upper-case hex; UUIDs in lower case;
- NULL as ``n``, any value as ``v<text>`` (free text as ``v<length>:<text>``), each ended by
  ``|``, so NULL, '' and 'NULL' all differ and no two columns can run together.

A row hashes to the low 60 bits of the MD5 of its columns' texts; a segment's checksum is their
sum, with its row count.

The hash is written per side, as cheaply as gives the same text: a column whose own type already
prints the normalised text (an integer, a date, a decimal at the compared scale) is not cast, and
a NOT NULL column needs no NULL case. Each side decides from its own columns only, so the two
sides' SQL may differ while their texts cannot. This is most of a scan's cost on the servers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

Kind = Literal["integer", "decimal", "float", "boolean", "text", "uuid", "binary", "datetime", "date", "time"]
Dialect = Literal["mysql", "postgresql"]
FLOAT_PLACES = 9
DEFAULT_SCALE = 10  # PostgreSQL's unconstrained NUMERIC, when neither side declares a scale


@dataclass(frozen=True)
class ColumnKind:
    kind: Kind
    scale: int = 0
    utc: bool = False  # a zoned timestamp (PostgreSQL timestamptz, MySQL TIMESTAMP): compared in UTC


def kind_of(column_type: sa.types.TypeEngine[object]) -> ColumnKind:
    """One side's column as the comparison sees it."""
    if isinstance(column_type, sa.Boolean):
        return ColumnKind("boolean")
    if isinstance(column_type, mysql.TINYINT) and column_type.display_width == 1:
        return ColumnKind("boolean")
    if isinstance(column_type, sa.Integer):
        return ColumnKind("integer")
    if isinstance(column_type, sa.Float):
        return ColumnKind("float")
    if isinstance(column_type, sa.Numeric):
        return ColumnKind("decimal", column_type.scale if column_type.scale is not None else -1)
    if isinstance(column_type, postgresql.UUID | sa.Uuid):
        return ColumnKind("uuid")
    if isinstance(column_type, sa.DateTime):
        return ColumnKind(
            "datetime", utc=bool(column_type.timezone) or isinstance(column_type, mysql.TIMESTAMP)
        )
    if isinstance(column_type, sa.Date):
        return ColumnKind("date")
    if isinstance(column_type, sa.Time):
        return ColumnKind("time")
    if isinstance(column_type, sa.LargeBinary | sa.BINARY | sa.VARBINARY):
        return ColumnKind("binary")
    return ColumnKind("text")


def common_kind(source: ColumnKind, target: ColumnKind) -> ColumnKind:
    """What both sides are written as: a boolean against a TINYINT(1) compares as a boolean, a
    UUID against CHAR(36) as a UUID, decimals at the larger scale."""
    kinds = {source.kind, target.kind}
    if "boolean" in kinds and kinds <= {"boolean", "integer"}:
        return ColumnKind("boolean")
    if "uuid" in kinds and kinds <= {"uuid", "text"}:
        return ColumnKind("uuid")
    if kinds <= {"decimal", "integer"} and "decimal" in kinds:
        scale = max(source.scale, target.scale)
        return ColumnKind("decimal", scale if scale >= 0 else DEFAULT_SCALE)
    if kinds == {"float", "decimal"} or kinds == {"float", "integer"}:
        return ColumnKind("float")
    if source.kind != target.kind:
        return ColumnKind("text")  # compared as each engine writes it: a type change shows as a difference
    return ColumnKind(source.kind, source.scale, source.utc or target.utc)


def value_sql(column: str, kind: ColumnKind, dialect: Dialect) -> str:
    """The column's normalised text (NULL stays NULL)."""
    c = column
    if dialect == "mysql":
        return {
            "integer": f"CAST({c} AS CHAR)",
            "decimal": f"CAST(CAST({c} AS DECIMAL(65,{kind.scale})) AS CHAR)",
            "float": f"CAST(CAST({c} AS DECIMAL(65,{FLOAT_PLACES})) AS CHAR)",
            "boolean": f"CASE WHEN {c} IS NULL THEN NULL WHEN {c} <> 0 THEN '1' ELSE '0' END",
            "text": f"CONVERT({c} USING utf8mb4)",
            "uuid": f"LOWER(CONVERT({c} USING utf8mb4))",
            "binary": f"HEX({c})",
            "datetime": f"DATE_FORMAT({c}, '%Y-%m-%d %H:%i:%s.%f')",
            "date": f"DATE_FORMAT({c}, '%Y-%m-%d')",
            "time": f"TIME_FORMAT({c}, '%H:%i:%s.%f')",
        }[kind.kind]
    return {
        "integer": f"{c}::text",
        "decimal": f"round({c}::numeric, {kind.scale})::text",
        "float": f"round({c}::numeric, {FLOAT_PLACES})::text",
        "boolean": f"CASE WHEN {c} IS NULL THEN NULL WHEN {c}::int <> 0 THEN '1' ELSE '0' END",
        "text": f"{c}::text",
        "uuid": f"lower({c}::text)",
        "binary": f"upper(encode({c}, 'hex'))",
        "datetime": (
            f"to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
            if kind.utc
            else f"to_char({c}, 'YYYY-MM-DD HH24:MI:SS.US')"
        ),
        "date": f"to_char({c}, 'YYYY-MM-DD')",
        "time": f"to_char(DATE '2000-01-01' + {c}, 'HH24:MI:SS.US')",
    }[kind.kind]


@dataclass(frozen=True)
class SideColumn:
    """A column as one side declares it: its own kind, and whether it may hold NULL."""

    native: ColumnKind
    nullable: bool = True
    utf8: bool = False  # text stored as UTF-8 already (MySQL: no CONVERT needed)


# Kinds whose values both engines print as the normalised text when the column's own type is
# that kind (PostgreSQL prints dates as ISO: the verifier's sessions set DateStyle).
PRINTS_AS_NORMALISED = {"integer", "date"}


def hash_value_sql(column: str, kind: ColumnKind, dialect: Dialect, side: SideColumn) -> str:
    """``value_sql``'s text, without the cast where the column's own type prints it already."""
    native = side.native
    plain = native.kind == kind.kind and (
        kind.kind in PRINTS_AS_NORMALISED
        or (kind.kind == "decimal" and native.scale == kind.scale)
        or (kind.kind == "text" and side.utf8 and dialect == "mysql")
    )
    return column if plain else value_sql(column, kind, dialect)


def piece_sql(column: str, kind: ColumnKind, dialect: Dialect, side: SideColumn | None = None) -> list[str]:
    """The parts of the column's text in the hash: ``n`` for NULL, else ``v`` and the text, ended by
    ``|``. Only free text can hold a ``|``, so only text carries its length (``v<length>:``)."""
    side = side or SideColumn(kind)
    value = hash_value_sql(column, kind, dialect, side)
    length = f"CHAR_LENGTH({value})" if dialect == "mysql" else f"length({value})"
    parts = ["'v'", length, "':'", value, "'|'"] if kind.kind == "text" else ["'v'", value, "'|'"]
    if not side.nullable:
        return parts
    if dialect == "mysql":
        return [f"COALESCE(CONCAT({', '.join(parts)}), 'n|')"]
    return [f"COALESCE({' || '.join(parts)}, 'n|')"]


def row_md5_sql(pieces: list[list[str]], dialect: Dialect) -> str:
    parts = _merge_literals([part for piece in pieces for part in piece])
    joined = f"CONCAT({', '.join(parts)})" if dialect == "mysql" else " || ".join(parts)
    return f"md5({joined})" if dialect == "postgresql" else f"MD5({joined})"


def row_hash_sql(md5: str, dialect: Dialect) -> str:
    """The MD5's low 60 bits as an integer (15 hex digits fit a signed 64-bit sum per row)."""
    if dialect == "mysql":
        return f"CAST(CONV(SUBSTRING({md5}, 18), 16, 10) AS UNSIGNED)"
    return f"('x' || substr({md5}, 18))::bit(60)::bigint"


def _merge_literals(parts: list[str]) -> list[str]:
    """Adjacent quoted literals as one (``'|', 'v'`` as ``'|v'``): each concatenation is a call
    per row, and building the text costs a server more than hashing it."""
    merged: list[str] = []
    for part in parts:
        if merged and _literal(part) and _literal(merged[-1]):
            merged[-1] = merged[-1][:-1] + part[1:]
        else:
            merged.append(part)
    return merged


def _literal(part: str) -> bool:
    return len(part) >= 2 and part[0] == part[-1] == "'" and "'" not in part[1:-1]
