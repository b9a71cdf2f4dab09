"""One side of a table comparison: the SQL that counts and checksums a key range, lists its keys
and hashes its rows, in that side's dialect. Text keys are ordered by their bytes on both engines
(MySQL ``CAST(… AS BINARY)``, PostgreSQL ``COLLATE "C"``), so a key range holds the same rows on
both sides whatever their collations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from migrate.verify.normalise import (
    ColumnKind,
    Dialect,
    SideColumn,
    piece_sql,
    row_hash_sql,
    row_md5_sql,
    value_sql,
)

Key = tuple[Any, ...]


@dataclass(frozen=True)
class KeyRange:
    """Keys from ``low`` (included) to ``high`` (excluded); None is open."""

    low: Key | None = None
    high: Key | None = None


@dataclass(frozen=True)
class Checksum:
    rows: int
    total: int


class TableSide:
    def __init__(
        self,
        engine: sa.Engine,
        table: str,
        schema: str | None,
        key: Sequence[str],
        columns: Sequence[str],
        kinds: dict[str, ColumnKind],
        text_keys: set[str],
        declared: dict[str, SideColumn] | None = None,
    ) -> None:
        self.engine = engine
        self.dialect: Dialect = "mysql" if engine.dialect.name in {"mysql", "mariadb"} else "postgresql"
        quote = engine.dialect.identifier_preparer.quote
        self.table = f"{quote(schema)}.{quote(table)}" if schema else quote(table)
        self.key_columns = [quote(k) for k in key]
        self.ordered_keys = [self._byte_order(quote(k)) if k in text_keys else quote(k) for k in key]
        self.columns = list(columns)
        self.values_sql = [value_sql(quote(c), kinds[c], self.dialect) for c in columns]
        declared = declared or {}
        pieces = [piece_sql(quote(c), kinds[c], self.dialect, declared.get(c)) for c in columns]
        self.md5 = row_md5_sql(pieces, self.dialect)
        self.hash = row_hash_sql(self.md5, self.dialect)

    def _byte_order(self, column: str) -> str:
        return f"CAST({column} AS BINARY)" if self.dialect == "mysql" else f'{column} COLLATE "C"'

    def _where(self, span: KeyRange) -> tuple[str, dict[str, Any]]:
        clauses, params = [], {}
        tuple_sql = self._tuple(self.ordered_keys)
        for name, bound, operator in (("lo", span.low, ">="), ("hi", span.high, "<")):
            if bound is None:
                continue
            names = [f"{name}{n}" for n in range(len(bound))]
            params.update(dict(zip(names, bound, strict=True)))
            placeholders = self._tuple([self._param(n, i) for i, n in enumerate(names)])
            clauses.append(f"{tuple_sql} {operator} {placeholders}")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _param(self, name: str, position: int) -> str:
        column = self.ordered_keys[position]
        if column != self.key_columns[position] and self.dialect == "mysql":
            return f"CAST(:{name} AS BINARY)"
        return f":{name}"

    @staticmethod
    def _tuple(parts: list[str]) -> str:
        return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"

    def checksum(self, span: KeyRange) -> Checksum:
        where, params = self._where(span)
        sql = f"SELECT COUNT(*), COALESCE(SUM({self.hash}), 0) FROM {self.table}{where}"
        with self.engine.connect() as conn:
            count, total = conn.execute(sa.text(sql), params).one()
        return Checksum(int(count), int(total))

    def bounds(self) -> tuple[Any, Any]:
        """The smallest and largest key of a one-column key (None, None for an empty table)."""
        column = self.key_columns[0]
        with self.engine.connect() as conn:
            low, high = conn.execute(sa.text(f"SELECT MIN({column}), MAX({column}) FROM {self.table}")).one()
        return low, high

    def edges(self, span: KeyRange, step: int, count: int) -> list[Key]:
        """Every ``step``-th key of the range in byte order after its first, at most ``count`` of
        them: where to split it. The keys are streamed and the stream stops at the last edge."""
        where, params = self._where(span)
        order = ", ".join(self.ordered_keys)
        sql = f"SELECT {', '.join(self.key_columns)} FROM {self.table}{where} ORDER BY {order}"
        edges: list[Key] = []
        with self.engine.connect().execution_options(stream_results=True, yield_per=10_000) as conn:
            result = conn.execute(sa.text(sql), params)
            for position, row in enumerate(result):
                if position and position % step == 0:  # never the first key: each part holds rows
                    edges.append(tuple(row))
                    if len(edges) == count:
                        break
            result.close()
        return edges

    def rows(self, span: KeyRange) -> dict[Key, str]:
        """Each row of the range: its key and the MD5 of its normalised columns."""
        where, params = self._where(span)
        sql = f"SELECT {', '.join(self.key_columns)}, {self.md5} FROM {self.table}{where}"
        with self.engine.connect() as conn:
            return {tuple(row[:-1]): str(row[-1]) for row in conn.execute(sa.text(sql), params)}

    def normalised(self, key: Key) -> list[str | None] | None:
        """One row's columns as normalised text, in ``columns`` order (None: no such row)."""
        clauses = [f"{column} = {self._param(f'k{n}', n)}" for n, column in enumerate(self.ordered_keys)]
        params = {f"k{n}": value for n, value in enumerate(key)}
        sql = f"SELECT {', '.join(self.values_sql)} FROM {self.table} WHERE {' AND '.join(clauses)}"
        with self.engine.connect() as conn:
            row = conn.execute(sa.text(sql), params).first()
        return None if row is None else [None if value is None else str(value) for value in row]
