"""Asking the server what a query returns, before reading any of it: ``LIMIT 0`` on the query
wrapped as a derived table, params bound, through a driver whose cursor description carries
DECIMAL scales (aiomysql for MySQL/MariaDB, psycopg for PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from agent.errors import TransientRenderError
from agent.extract.columns import Described, describe_mysql, describe_postgresql
from agent.extract.connections import connected
from agent.extract.errors import reason

_READERS = {"mysql": describe_mysql, "postgresql": describe_postgresql}


async def describe(engine: AsyncEngine, query: str, params: dict[str, Any]) -> Described:
    """The result's columns and whether the fast path can carry them. A query the server will not
    describe this way (a MySQL derived table refuses duplicate column names, say) goes the row
    path, which reports the server's own error if the query is wrong."""
    wrapped = f"SELECT * FROM ({query.strip().rstrip(';')}) AS snapshot_describe LIMIT 0"
    async with connected(engine) as conn:
        try:
            result = await conn.execute(text(wrapped), params)
        except sa_exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientRenderError(f"connection lost: {reason(exc)}") from exc
            return Described([], f"the server would not describe the query: {reason(exc)}")
        except sa_exc.StatementError as exc:
            return Described([], f"the query could not be described: {reason(exc)}")
        description = result.cursor.description
    return _READERS[engine.dialect.name](description)
