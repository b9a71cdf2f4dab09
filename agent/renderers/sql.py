"""``sql``: a catalog query with bound params, streamed row by row into CSV, Parquet or XLSX.

SQLAlchemy's asyncio layer talks to SQLite (aiosqlite), MySQL/MariaDB (aiomysql) and PostgreSQL
(asyncpg); ``AsyncConnection.stream`` uses a server-side cursor, so no result is ever held whole.
The catalog names a datasource; ``SNAPSHOT_DATA_SOURCES`` maps it to a URL, keeping credentials
out of the catalog.

Failing to connect is ``Render.Transient`` (the state machine retries); a query the database
rejects is ``Render.Invalid`` unless the connection dropped under it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from agent.errors import InvalidRenderError, TransientRenderError
from agent.renderers.base import Sink
from agent.writers import TabularWriter, make_writer
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage


class SqlRenderer:
    name = "sql"
    formats = frozenset({"csv", "parquet", "xlsx"})

    def __init__(self, data_sources: dict[str, str], max_concurrency: int, batch_rows: int) -> None:
        self._urls = data_sources
        self.max_concurrency = max_concurrency
        self._batch_rows = batch_rows
        self._engines: dict[str, AsyncEngine] = {}

    async def render(self, job: JobMessage, report: ReportSpec, sink: Sink) -> None:
        query = report.source.get("query")
        if not isinstance(query, str) or not query.strip():
            raise InvalidRenderError(f"report {report.name!r} has no source.query")
        engine = self._engine(str(report.source.get("datasource", "")))
        writer = make_writer(job.format, sink)
        try:
            try:
                conn = await engine.connect()
            except (sa_exc.DBAPIError, OSError) as exc:
                raise TransientRenderError(f"cannot connect to the datasource: {_reason(exc)}") from exc
            try:
                interrupt = await _interrupter(conn)
                work = asyncio.create_task(self._stream(conn, query, _bind(job.params, report), writer))
                try:
                    await asyncio.shield(work)
                except asyncio.CancelledError:
                    # Stop the query first; cancelling SQLAlchemy mid-query would wait for it.
                    if interrupt is not None:
                        interrupt()
                    else:
                        work.cancel()
                    await asyncio.gather(work, return_exceptions=True)
                    raise
            finally:
                await conn.close()
            await writer.finish()
        except BaseException:
            writer.abort()
            raise

    async def _stream(
        self, conn: AsyncConnection, query: str, params: dict[str, Any], writer: TabularWriter
    ) -> None:
        try:
            result = await conn.stream(text(query), params)
            await writer.start(list(result.keys()))
            async for rows in result.partitions(self._batch_rows):
                await writer.write_rows(rows)
        except sa_exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientRenderError(f"connection lost: {_reason(exc)}") from exc
            raise InvalidRenderError(f"query failed: {_reason(exc)}") from exc
        except sa_exc.StatementError as exc:
            raise InvalidRenderError(f"query failed: {_reason(exc)}") from exc

    def _engine(self, datasource: str) -> AsyncEngine:
        if datasource not in self._engines:
            url = self._urls.get(datasource)
            if url is None:
                raise InvalidRenderError(
                    f"datasource {datasource!r} is not configured on this agent (SNAPSHOT_DATA_SOURCES)"
                )
            self._engines[datasource] = create_async_engine(url, pool_pre_ping=True)
        return self._engines[datasource]

    async def close(self) -> None:
        for engine in self._engines.values():
            await engine.dispose()
        self._engines.clear()


async def _interrupter(conn: AsyncConnection) -> Callable[[], None] | None:
    """A cancelled job must not wait for its query: aiosqlite runs it in a thread to the end.

    ``sqlite3.Connection.interrupt`` is thread-safe and stops it. It is taken before the query
    starts: on cancellation aiosqlite has already dropped its handle, so only the sqlite3
    connection it wraps (its ``_connection``) can still be reached. Network drivers (asyncpg,
    aiomysql) are cancelled instead.
    """
    raw = await conn.get_raw_connection()
    inner = getattr(raw.driver_connection, "_connection", None)
    return inner.interrupt if isinstance(inner, sqlite3.Connection) else None


def _bind(params: dict[str, Any], report: ReportSpec) -> dict[str, Any]:
    """Dates travel as ISO strings; drivers such as asyncpg want ``datetime.date``."""
    bound = dict(params)
    for name, spec in report.params.items():
        if spec.type == "date" and isinstance(bound.get(name), str):
            bound[name] = date.fromisoformat(bound[name])
    return bound


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip().splitlines()[0][:500]
