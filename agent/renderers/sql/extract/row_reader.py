"""The row path: SQLAlchemy's asyncio drivers stream the result with a server-side cursor.

It serves SQLite (the sandbox) and any result the fast path cannot carry. Rows arrive in the
event loop; turning them into Arrow happens in the caller's worker thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from agent.jobs.errors import InvalidRenderError, TransientRenderError
from agent.renderers.sql.extract.errors import is_contention, reason


class RowStream:
    """``async for rows in stream`` yields lists of row tuples, ``batch_rows`` at a time."""

    def __init__(self, conn: AsyncConnection, query: str, params: dict[str, Any], batch_rows: int) -> None:
        self._conn = conn
        self._query = query
        self._params = params
        self._batch_rows = batch_rows
        self.columns: list[str] = []

    async def __aiter__(self) -> AsyncGenerator[Sequence[Sequence[Any]], None]:
        interrupt = await _interrupter(self._conn)
        rows = self._rows()
        try:
            while True:
                step = asyncio.ensure_future(anext(rows))
                try:
                    yield await asyncio.shield(step)
                except StopAsyncIteration:
                    return
                except asyncio.CancelledError:
                    # Stop the query first; cancelling SQLAlchemy mid-query would wait for it.
                    if interrupt is not None:
                        interrupt()
                    else:
                        step.cancel()
                    await asyncio.gather(step, return_exceptions=True)
                    raise
        finally:
            await rows.aclose()

    async def _rows(self) -> AsyncGenerator[Sequence[Sequence[Any]], None]:
        try:
            result = await self._conn.stream(text(self._query), self._params)
            self.columns = list(result.keys())
            async for rows in result.partitions(self._batch_rows):
                yield rows
        except sa_exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientRenderError(f"connection lost: {reason(exc)}") from exc
            if is_contention(exc):
                raise TransientRenderError(f"the database was busy: {reason(exc)}") from exc
            raise InvalidRenderError(f"query failed: {reason(exc)}") from exc
        except sa_exc.StatementError as exc:
            raise InvalidRenderError(f"query failed: {reason(exc)}") from exc


async def _interrupter(conn: AsyncConnection) -> Callable[[], None] | None:
    """A cancelled job must not wait for its query: aiosqlite runs it in a thread to the end.

    ``sqlite3.Connection.interrupt`` is thread-safe and stops it. It is taken before the query
    starts: on cancellation aiosqlite has already dropped its handle, so only the sqlite3
    connection it wraps (its ``_connection``) can still be reached. Network drivers (asyncpg,
    aiomysql, psycopg) are cancelled instead.
    """
    raw = await conn.get_raw_connection()
    inner = getattr(raw.driver_connection, "_connection", None)
    return inner.interrupt if isinstance(inner, sqlite3.Connection) else None
