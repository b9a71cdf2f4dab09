"""Asking the server what a query returns before reading any of it, params bound, through the
fast dialect's control driver (its cursor description carries DECIMAL scales)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from agent.jobs.errors import TransientRenderError
from agent.renderers.sql.extract.columns import Described
from agent.renderers.sql.extract.connections import connected
from agent.renderers.sql.extract.errors import reason
from agent.renderers.sql.extract.sources import FastPath


async def describe(fast: FastPath, query: str, params: dict[str, Any]) -> Described:
    """The result's columns and whether the fast path can carry them. A query the server will not
    describe this way (PostgreSQL's subquery wrapping refuses a trailing clause such as FOR
    UPDATE, say) goes the row path, which reports the server's own error if the query is wrong."""
    async with connected(fast.control) as conn, fast.dialect.no_rows(conn) as statement:
        try:
            result = await conn.execute(text(statement(query)), params)
        except sa_exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientRenderError(f"connection lost: {reason(exc)}") from exc
            return Described([], f"the server would not describe the query: {reason(exc)}")
        except sa_exc.StatementError as exc:
            return Described([], f"the query could not be described: {reason(exc)}")
        description = result.cursor.description
    return fast.dialect.columns(description)
