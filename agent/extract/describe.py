"""Asking the server what a query returns, before reading any of it, params bound, through a
driver whose cursor description carries DECIMAL scales (aiomysql for MySQL/MariaDB, psycopg for
PostgreSQL).

PostgreSQL: the query wrapped as a subquery under ``LIMIT 0``, whose plan never runs. MySQL
would materialise such a derived table (the whole query, twice the work), so there the session's
``sql_select_limit`` is 0 for the one statement: the optimiser sees a zero limit and returns the
columns without executing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from agent.errors import TransientRenderError
from agent.extract.columns import Described, describe_mysql, describe_postgresql
from agent.extract.connections import connected
from agent.extract.errors import reason

_READERS = {"mysql": describe_mysql, "postgresql": describe_postgresql}


async def describe(engine: AsyncEngine, query: str, params: dict[str, Any]) -> Described:
    """The result's columns and whether the fast path can carry them. A query the server will not
    describe this way (a MySQL derived table refuses duplicate column names, say) goes the row
    path, which reports the server's own error if the query is wrong."""
    async with connected(engine) as conn, _no_rows(conn) as statement:
        try:
            result = await conn.execute(text(statement(query)), params)
        except sa_exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientRenderError(f"connection lost: {reason(exc)}") from exc
            return Described([], f"the server would not describe the query: {reason(exc)}")
        except sa_exc.StatementError as exc:
            return Described([], f"the query could not be described: {reason(exc)}")
        description = result.cursor.description
    return _READERS[engine.dialect.name](description)


@asynccontextmanager
async def _no_rows(conn: AsyncConnection) -> AsyncIterator[Callable[[str], str]]:
    """The statement that describes a query without running it on this connection's server."""
    if conn.dialect.name != "mysql":
        yield lambda query: f"SELECT * FROM ({query.strip().rstrip(';')}) AS snapshot_describe LIMIT 0"
        return
    await conn.execute(text("SET SESSION sql_select_limit = 0"))
    try:
        yield lambda query: query
    finally:
        await conn.execute(text("SET SESSION sql_select_limit = DEFAULT"))
