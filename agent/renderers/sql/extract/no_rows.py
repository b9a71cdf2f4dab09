"""Statements that make a server describe a query's result without running it.

PostgreSQL: the query as a subquery under ``LIMIT 0``, whose plan never runs. MySQL would
materialise such a derived table (the whole query, twice the work), so there the session's
``sql_select_limit`` is 0 for the one statement: the optimiser sees a zero limit and returns the
columns without executing; the limit is put back unless the connection is already gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

NoRowsStatement = Callable[[str], str]


@asynccontextmanager
async def limit_zero_subquery(conn: AsyncConnection) -> AsyncIterator[NoRowsStatement]:
    yield lambda query: f"SELECT * FROM ({query.strip().rstrip(';')}) AS snapshot_describe LIMIT 0"


@asynccontextmanager
async def session_select_limit_zero(conn: AsyncConnection) -> AsyncIterator[NoRowsStatement]:
    await conn.execute(text("SET SESSION sql_select_limit = 0"))
    try:
        yield lambda query: query
    finally:
        if not conn.invalidated:
            await conn.execute(text("SET SESSION sql_select_limit = DEFAULT"))
