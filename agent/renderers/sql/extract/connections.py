"""A connection to a datasource, failing as ``Render.Transient`` when it cannot be had."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from agent.jobs.errors import TransientRenderError
from agent.renderers.sql.extract.errors import reason


@asynccontextmanager
async def connected(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    try:
        conn = await engine.connect()
    except (sa_exc.DBAPIError, OSError) as exc:
        raise TransientRenderError(f"cannot connect to the datasource: {reason(exc)}") from exc
    try:
        yield conn
    finally:
        await conn.close()
