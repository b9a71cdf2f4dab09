"""SQL Server's column types and what each becomes in MySQL (utf8mb4 tables). The table in
docs/migration.md is this map; tests/migrate/test_type_map.py holds the two together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from migrate.schema.findings import Findings

MAX = "MAX"
# MySQL's limits that T-SQL's sizes can pass.
CHAR_MAX = 255
DATETIME_MAX_PRECISION = 6


@dataclass(frozen=True)
class MySqlType:
    sql: str  # the column type, e.g. "DECIMAL(19,4)", "VARCHAR(200)", "LONGTEXT"
    row_bytes: int  # what it costs in MySQL's 65,535-byte row limit (TEXT and BLOB: their pointer)
    varchar: int | None = None  # characters of a VARCHAR, which may move to TEXT to fit a row
    key_bytes: int | None = None  # bytes in an index key; None: needs a prefix (TEXT, BLOB)
    temporal_precision: int | None = None  # fractional digits of DATETIME/TIME, for defaults


Params = tuple[str, ...]  # the type's parenthesised arguments as written: ("200",), ("MAX",), ("19", "4")
Mapper = Callable[[Params, str, Findings], "MySqlType | None"]  # None: the column is not created


def _int(params: Params, at: int, default: int) -> int:
    return int(params[at]) if len(params) > at and params[at] != MAX else default


def _fixed(sql: str, row_bytes: int) -> Mapper:
    return lambda _params, _where, _findings: MySqlType(sql, row_bytes, key_bytes=row_bytes)


def _decimal(params: Params, where: str, findings: Findings) -> MySqlType:
    precision, scale = _int(params, 0, 18), _int(params, 1, 0)
    return MySqlType(f"DECIMAL({precision},{scale})", precision // 2 + 1, key_bytes=precision // 2 + 1)


def _float(params: Params, where: str, findings: Findings) -> MySqlType:
    # T-SQL FLOAT(n): n ≤ 24 is single precision (REAL is FLOAT(24)), else double; FLOAT is FLOAT(53).
    if _int(params, 0, 53) <= 24:
        return MySqlType("FLOAT", 4, key_bytes=4)
    return MySqlType("DOUBLE", 8, key_bytes=8)


def _varchar(params: Params, where: str, findings: Findings) -> MySqlType:
    if params and params[0] == MAX:
        return MySqlType("LONGTEXT", 12)
    length = _int(params, 0, 1)
    return MySqlType(f"VARCHAR({length})", length * 4 + 2, varchar=length, key_bytes=length * 4)


def _char(params: Params, where: str, findings: Findings) -> MySqlType:
    length = _int(params, 0, 1)
    if length > CHAR_MAX:
        findings.note(
            where,
            f"CHAR({length}) is over MySQL's CHAR limit of {CHAR_MAX}: VARCHAR({length}), not space-padded",
        )
        return MySqlType(f"VARCHAR({length})", length * 4 + 2, varchar=length, key_bytes=length * 4)
    return MySqlType(f"CHAR({length})", length * 4, key_bytes=length * 4)


def _binary(params: Params, where: str, findings: Findings) -> MySqlType:
    length = _int(params, 0, 1)
    if length > CHAR_MAX:
        findings.note(
            where,
            f"BINARY({length}) is over MySQL's BINARY limit of {CHAR_MAX}: VARBINARY({length}), not "
            "zero-padded",
        )
        return MySqlType(f"VARBINARY({length})", length + 2, key_bytes=length)
    return MySqlType(f"BINARY({length})", length, key_bytes=length)


def _varbinary(params: Params, where: str, findings: Findings) -> MySqlType:
    if params and params[0] == MAX:
        return MySqlType("LONGBLOB", 12)
    length = _int(params, 0, 1)
    return MySqlType(f"VARBINARY({length})", length + 2, key_bytes=length)


def _temporal(name: str, default: int, row_bytes: int) -> Mapper:
    return lambda params, where, findings: _temporal_type(name, default, row_bytes, params, where, findings)


def _temporal_type(
    name: str, default: int, row_bytes: int, params: Params, where: str, findings: Findings
) -> MySqlType:
    precision = _int(params, 0, default)
    if precision > DATETIME_MAX_PRECISION:
        findings.note(
            where,
            f"{name} keeps {precision} fractional digits, MySQL {DATETIME_MAX_PRECISION}: values are"
            " rounded to the microsecond",
        )
        precision = DATETIME_MAX_PRECISION
    sql = "TIME" if name == "TIME" else "DATETIME"
    return MySqlType(
        f"{sql}({precision})" if precision else sql,
        row_bytes,
        key_bytes=row_bytes,
        temporal_precision=precision,
    )


def _datetimeoffset(params: Params, where: str, findings: Findings) -> MySqlType:
    findings.action(
        where,
        "DATETIMEOFFSET has no MySQL equivalent: the column is a DATETIME and the offset is lost; store "
        "UTC and, if the offset matters, add a column for it",
    )
    return _temporal_type("DATETIMEOFFSET", 7, 8, params, where, Findings())


def _noted(mapped: MySqlType, why: str) -> Mapper:
    def noting(params: Params, where: str, findings: Findings) -> MySqlType:
        findings.note(where, why)
        return mapped

    return noting


def _acted(mapped: MySqlType, why: str) -> Mapper:
    def acting(params: Params, where: str, findings: Findings) -> MySqlType:
        findings.action(where, why)
        return mapped

    return acting


def _not_created(why: str) -> Mapper:
    def refusing(params: Params, where: str, findings: Findings) -> None:
        findings.action(where, why)

    return refusing


TYPE_MAP: dict[str, Mapper] = {
    "BIGINT": _fixed("BIGINT", 8),
    "INT": _fixed("INT", 4),
    "INTEGER": _fixed("INT", 4),
    "SMALLINT": _fixed("SMALLINT", 2),
    "TINYINT": _fixed("TINYINT UNSIGNED", 1),  # 0..255 in SQL Server
    "BIT": _fixed("TINYINT(1)", 1),
    "DECIMAL": _decimal,
    "NUMERIC": _decimal,
    "MONEY": _fixed("DECIMAL(19,4)", 9),
    "SMALLMONEY": _fixed("DECIMAL(10,4)", 5),
    "FLOAT": _float,
    "REAL": lambda _p, where, findings: _float(("24",), where, findings),
    "DATE": _fixed("DATE", 3),
    "TIME": _temporal("TIME", 7, 6),
    "DATETIME": _temporal("DATETIME", 3, 8),  # 1/300 s ticks: milliseconds hold them
    "DATETIME2": _temporal("DATETIME2", 7, 8),
    "SMALLDATETIME": _fixed("DATETIME", 5),
    "DATETIMEOFFSET": _datetimeoffset,
    "CHAR": _char,
    "NCHAR": _char,
    "VARCHAR": _varchar,
    "NVARCHAR": _varchar,
    "SYSNAME": lambda _p, where, findings: _varchar(("128",), where, findings),
    "TEXT": lambda _p, where, findings: MySqlType("LONGTEXT", 12),
    "NTEXT": lambda _p, where, findings: MySqlType("LONGTEXT", 12),
    "XML": _noted(MySqlType("LONGTEXT", 12), "XML becomes LONGTEXT: MySQL neither validates nor indexes it"),
    "BINARY": _binary,
    "VARBINARY": _varbinary,
    "IMAGE": lambda _p, where, findings: MySqlType("LONGBLOB", 12),
    "UNIQUEIDENTIFIER": _fixed("CHAR(36)", 144),
    "ROWVERSION": _noted(
        MySqlType("BINARY(8)", 8, key_bytes=8),
        "ROWVERSION becomes BINARY(8): the values are copied, but MySQL does not change them on update",
    ),
    "TIMESTAMP": _noted(
        MySqlType("BINARY(8)", 8, key_bytes=8),
        "TIMESTAMP (rowversion) becomes BINARY(8): the values are copied, but MySQL does not change them "
        "on update",
    ),
    "HIERARCHYID": _noted(
        MySqlType("VARCHAR(250)", 1002, varchar=250, key_bytes=1000),
        "HIERARCHYID becomes VARCHAR(250), its path as text (DMS writes it so); its methods are gone",
    ),
    "GEOMETRY": _acted(
        MySqlType("LONGBLOB", 12),
        "GEOMETRY becomes LONGBLOB: choose a MySQL spatial type and check the SRIDs after the load",
    ),
    "GEOGRAPHY": _acted(
        MySqlType("LONGBLOB", 12),
        "GEOGRAPHY becomes LONGBLOB: choose a MySQL spatial type (SRID 4326) after the load",
    ),
    "SQL_VARIANT": _not_created(
        "SQL_VARIANT: DMS cannot migrate it and MySQL has no equivalent; the column is not created "
        "(exclude it from the DMS task or change it at the source)"
    ),
}


def mysql_type(name: str, params: Params, where: str, findings: Findings) -> MySqlType | None:
    mapper = TYPE_MAP.get(name.upper())
    if mapper is None:
        findings.action(
            where,
            f"type {name} is not in the type map (a user-defined or CLR type?): the column is not created",
        )
        return None
    return mapper(params, where, findings)
