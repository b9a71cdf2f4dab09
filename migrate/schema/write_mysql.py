"""Tables as MySQL DDL: one CREATE TABLE each (keys, indexes and checks inside), then every foreign
key as an ALTER TABLE, so the tables can be created in any order. Before writing, each table is
fitted to InnoDB's limits: the 65,535-byte row and the 3,072-byte index key."""

from __future__ import annotations

import dataclasses

from migrate.schema.findings import Findings
from migrate.schema.model import Column, Key, Table
from migrate.schema.type_map import MySqlType

ROW_LIMIT = 65_535
KEY_LIMIT = 3_072
NAME_LIMIT = 64
TEXT = MySqlType("TEXT", 12)  # 65,535 bytes: what a VARCHAR moved out of the row becomes
TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"


def quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def write(tables: list[Table], findings: Findings) -> str:
    fitted = [_fit(table, findings) for table in tables]
    names = {table.name.lower() for table in fitted}
    for table in fitted:
        for key in table.foreign_keys:
            if key.table.lower() not in names:
                findings.action(
                    f"{table.where}.{key.name or '/'.join(key.columns)}",
                    f"references {key.table}, which this script does not create: its ALTER TABLE fails"
                    " until that table exists",
                )
    parts = [_create(table) for table in fitted]
    parts += [_foreign_key(table, n) for table in fitted for n in range(len(table.foreign_keys))]
    return "\n\n".join(parts) + "\n" if parts else ""


def _create(table: Table) -> str:
    lines = [f"  {_column(c)}" for c in table.columns]
    if table.primary_key:
        lines.append(f"  PRIMARY KEY {_columns(table.primary_key)}")
    lines += [f"  UNIQUE KEY {_name(k)}{_columns(k)}" for k in table.uniques]
    lines += [f"  KEY {_name(k)}{_columns(k)}" for k in table.indexes]
    lines += [
        f"  {'CONSTRAINT ' + quoted(c.name) + ' ' if c.name else ''}CHECK ({c.expression})"
        for c in table.checks
    ]
    options = TABLE_OPTIONS
    if table.auto_increment_start is not None:
        options += f" AUTO_INCREMENT={table.auto_increment_start}"
    return f"CREATE TABLE {quoted(table.name)} (\n" + ",\n".join(lines) + f"\n) {options};"


def _column(column: Column) -> str:
    parts = [quoted(column.name), column.type.sql]
    if column.binary_collation and _is_text(column.type):
        parts.append("COLLATE utf8mb4_bin")
    parts.append("NULL" if column.nullable else "NOT NULL")
    if column.auto_increment:
        parts.append("AUTO_INCREMENT")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    return " ".join(parts)


def _name(key: Key) -> str:
    return f"{quoted(key.name)} " if key.name else ""


def _columns(key: Key) -> str:
    prefixes = dict(key.prefixes)
    written = []
    for n, name in enumerate(key.columns):
        prefix = f"({prefixes[name]})" if name in prefixes else ""
        descending = " DESC" if n < len(key.descending) and key.descending[n] else ""
        written.append(f"{quoted(name)}{prefix}{descending}")
    return "(" + ", ".join(written) + ")"


def _foreign_key(table: Table, n: int) -> str:
    key = table.foreign_keys[n]
    name = f"CONSTRAINT {quoted(key.name)} " if key.name else ""
    columns = ", ".join(quoted(c) for c in key.columns)
    references = ", ".join(quoted(c) for c in key.references)
    text = (
        f"ALTER TABLE {quoted(table.name)} ADD {name}FOREIGN KEY ({columns})"
        f" REFERENCES {quoted(key.table)} ({references})"
    )
    if key.on_delete:
        text += f" ON DELETE {key.on_delete}"
    if key.on_update:
        text += f" ON UPDATE {key.on_update}"
    return text + ";"


def _is_text(mapped: MySqlType) -> bool:
    return mapped.sql.startswith(("CHAR", "VARCHAR", "TEXT", "LONGTEXT"))


# Fitting a table to InnoDB's limits


def _fit(table: Table, findings: Findings) -> Table:
    _fit_row(table, findings)
    table.primary_key = _fit_key(table, table.primary_key, "the primary key", True, findings)
    table.uniques = [
        k for k in (_fit_key(table, k, "a unique key", True, findings) for k in table.uniques) if k
    ]
    table.indexes = [k for k in (_fit_key(table, k, "an index", False, findings) for k in table.indexes) if k]
    _auto_increment_is_keyed(table, findings)
    for name in [table.name, *(c.name for c in table.columns)]:
        if len(name) > NAME_LIMIT:
            findings.action(table.where, f"{name} is longer than MySQL's {NAME_LIMIT} characters: rename it")
    return table


def _fit_row(table: Table, findings: Findings) -> None:
    """Over the row limit, the widest VARCHARs that no key uses become TEXT (stored off the row)."""
    keyed = {c.lower() for key in _keys(table) for c in key.columns}
    while (size := sum(c.type.row_bytes for c in table.columns)) > ROW_LIMIT:
        movable = [c for c in table.columns if c.type.varchar and c.name.lower() not in keyed]
        if not movable:
            findings.action(
                table.where, f"its row needs {size} bytes, over MySQL's {ROW_LIMIT}: narrow its columns"
            )
            return
        widest = max(movable, key=lambda c: c.type.row_bytes)
        findings.note(
            f"{table.where}.{widest.name}",
            f"{widest.type.sql} becomes TEXT: the row would need {size} bytes, over MySQL's {ROW_LIMIT}",
        )
        widest.type = TEXT


def _keys(table: Table) -> list[Key]:
    return [k for k in [table.primary_key, *table.uniques, *table.indexes] if k is not None]


def _fit_key(table: Table, key: Key | None, kind: str, unique: bool, findings: Findings) -> Key | None:
    if key is None:
        return None
    where = f"{table.where}.{key.name}" if key.name else table.where
    columns = [table.column(name) for name in key.columns]
    if any(c is None for c in columns):
        missing = [n for n, c in zip(key.columns, columns, strict=True) if c is None]
        findings.action(where, f"{kind} on {', '.join(missing)}, which the table does not have: not created")
        return None
    widths = {c.name: c.type.key_bytes for c in columns if c is not None}
    if all(w is not None for w in widths.values()) and sum(w or 0 for w in widths.values()) <= KEY_LIMIT:
        return key
    if unique:
        findings.action(
            where,
            f"{kind} on ({', '.join(key.columns)}) is over InnoDB's {KEY_LIMIT}-byte key (or on TEXT):"
            " a prefix would change what is unique; not created, enforce it another way",
        )
        return None
    prefixed = [name for name in key.columns if _is_text_or_blob(table, name)]
    fixed = sum(w or 0 for name, w in widths.items() if name not in prefixed)
    share = max(1, (KEY_LIMIT - fixed) // 4 // max(1, len(prefixed)))
    findings.note(
        where,
        f"{kind} over InnoDB's {KEY_LIMIT}-byte key (or on TEXT): its text columns are indexed by"
        f" their first {share} characters",
    )
    return dataclasses.replace(key, prefixes=tuple((name, share) for name in prefixed))


def _is_text_or_blob(table: Table, name: str) -> bool:
    column = table.column(name)
    return column is not None and (column.type.key_bytes is None or column.type.varchar is not None)


def _auto_increment_is_keyed(table: Table, findings: Findings) -> None:
    for column in table.columns:
        if column.auto_increment and not any(
            k.columns[0].lower() == column.name.lower() for k in _keys(table)
        ):
            findings.note(
                f"{table.where}.{column.name}", "AUTO_INCREMENT needs a key in MySQL: an index is added"
            )
            table.indexes.append(Key(None, (column.name,)))
