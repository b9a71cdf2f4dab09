"""The good rows into the target table, inside the merge's open transaction, one way per database.

Rows go straight into the target: until the transaction commits nobody sees them, and it commits
together with the ``_loads`` record, so a staging copy would double the database's work and buy no
safety. The one exception is a PostgreSQL upsert (``COPY`` cannot update), which stages in a
temporary table dropped at commit. Within a file the last row of a key wins (upsert).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiomysql
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from agent.jobs.errors import InvalidLoadError
from agent.jobs.load.encode import TIMESTAMP_FORMAT
from agent.jobs.load.prepare import ArrowSpool, CsvSpool
from contracts.datasets import DatasetSpec

CHUNK_BYTES = 1 << 20


def spool_for(dialect: str) -> type[CsvSpool] | type[ArrowSpool]:
    """The spool the dialect's bulk path below reads: SQLite's takes typed batches, the others CSV."""
    return ArrowSpool if dialect == "sqlite" else CsvSpool


async def bulk_load(
    conn: AsyncConnection, dataset: DatasetSpec, table: sa.Table, parts: AsyncIterator[Path]
) -> int | None:
    """Each part as it comes; the rows written where the database says so and the caller must
    check them (a MySQL append or replace), else None."""
    dialect = conn.dialect.name
    if dialect in ("mysql", "mariadb"):
        return await _mysql(conn, dataset, parts)
    if dialect == "postgresql":
        await _postgresql(conn, dataset, table, parts)
    elif dialect == "sqlite":
        await _sqlite(conn, dataset, parts)
    else:
        raise InvalidLoadError(f"loads into {dialect} are not supported (mysql, mariadb, postgresql, sqlite)")
    return None


async def _driver(conn: AsyncConnection) -> Any:
    raw = await conn.get_raw_connection()
    return raw.driver_connection


def _names(dataset: DatasetSpec, quote: str) -> str:
    return ", ".join(f"{quote}{name}{quote}" for name in dataset.columns)


async def _mysql(conn: AsyncConnection, dataset: DatasetSpec, parts: AsyncIterator[Path]) -> int | None:
    """``REPLACE`` makes LOAD DATA an upsert. Without it a LOCAL load skips a duplicate key with a
    warning, so an append or replace returns what it wrote, for the caller to hold to the count."""
    replace = "REPLACE " if dataset.mode == "upsert" else ""
    statement = (
        f"LOAD DATA LOCAL INFILE %s {replace}INTO TABLE `{dataset.table}` CHARACTER SET utf8mb4"
        " FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY ''"
        f" LINES TERMINATED BY '\\n' ({_names(dataset, '`')})"
    )
    driver = await _driver(conn)
    written = 0
    warned: tuple[tuple[Any, ...], ...] = ()
    async with driver.cursor(_WarningsKept) as cursor:
        async for part in parts:
            await cursor.execute(statement, (str(part),))
            written += cursor.rowcount
            warned += cursor.server_warnings
    if warned:
        raise InvalidLoadError(
            f"table {dataset.table} refused rows: {warned[0][-1]} (and {len(warned) - 1} more warnings);"
            " nothing was merged"
        )
    return None if replace else written


class _WarningsKept(aiomysql.Cursor):  # type: ignore[misc]
    """Keeps the server's warnings (a LOCAL load turns errors into warnings) instead of passing
    them to ``warnings.warn``, where nobody acts on them."""

    server_warnings: tuple[tuple[Any, ...], ...] = ()

    async def _show_warnings(self, conn: Any) -> None:
        self.server_warnings = tuple(await conn.show_warnings() or ())


async def _postgresql(
    conn: AsyncConnection, dataset: DatasetSpec, table: sa.Table, parts: AsyncIterator[Path]
) -> None:
    into = f"_stage_{uuid.uuid4().hex[:12]}" if dataset.mode == "upsert" else dataset.table
    if dataset.mode == "upsert":
        await conn.execute(
            sa.text(
                f'CREATE TEMPORARY TABLE "{into}" (LIKE "{dataset.table}" INCLUDING DEFAULTS) ON COMMIT DROP'
            )
        )
    driver = await _driver(conn)
    async with driver.cursor() as cursor:
        copy_sql = f"COPY \"{into}\" ({_names(dataset, chr(34))}) FROM STDIN WITH (FORMAT csv, NULL 'NULL')"
        async with cursor.copy(copy_sql) as copy:
            async for part in parts:
                with part.open("rb") as source:
                    while chunk := await asyncio.to_thread(source.read, CHUNK_BYTES):
                        await copy.write(chunk)
    if dataset.mode == "upsert":
        await conn.execute(_postgresql_merge(dataset, table, into))


def _postgresql_merge(dataset: DatasetSpec, table: sa.Table, stage_name: str) -> sa.Executable:
    stage = sa.table(stage_name, *(sa.column(name) for name in dataset.columns))
    keys = [stage.c[k] for k in dataset.primary_key]
    latest = (
        sa.select(*stage.c)
        .ext(postgresql.distinct_on(*keys))
        .order_by(*keys, sa.literal_column("ctid").desc())  # COPY appends: the later row wins
    )
    return _on_conflict_replace(postgresql.insert(table).from_select(list(dataset.columns), latest), dataset)


def _on_conflict_replace(insert: Any, dataset: DatasetSpec) -> sa.Executable:
    """A PostgreSQL or SQLite insert that replaces the row of a key already there (upsert)."""
    updates = {c: insert.excluded[c] for c in dataset.columns if c not in dataset.primary_key}
    if not updates:
        return insert.on_conflict_do_nothing(index_elements=dataset.primary_key)  # type: ignore[no-any-return]
    return insert.on_conflict_do_update(index_elements=dataset.primary_key, set_=updates)  # type: ignore[no-any-return]


async def _sqlite(conn: AsyncConnection, dataset: DatasetSpec, parts: AsyncIterator[Path]) -> None:
    # Untyped columns: the values go in as SQLite's own (below), past SQLAlchemy's type checks.
    table = sa.table(dataset.table, *(sa.column(name) for name in dataset.columns))
    statement = (
        _on_conflict_replace(sqlite.insert(table), dataset) if dataset.mode == "upsert" else sa.insert(table)
    )
    async for part in parts:
        with ipc.open_stream(str(part)) as batches:
            for batch in batches:
                if batch.num_rows:
                    await conn.execute(statement, _sqlite_rows(batch, dataset))


def _sqlite_rows(batch: pa.RecordBatch, dataset: DatasetSpec) -> list[dict[str, Any]]:
    """SQLite's own types: text dates and timestamps, decimals as their exact text."""
    columns: dict[str, list[Any]] = {}
    for i, (name, spec) in enumerate(dataset.columns.items()):
        column = batch.column(i)
        if spec.type in ("date", "decimal"):
            column = pc.cast(column, pa.string())
        elif spec.type == "timestamp":
            column = pc.strftime(column, TIMESTAMP_FORMAT)
        columns[name] = column.to_pylist()
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
