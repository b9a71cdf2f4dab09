"""Stopping a fast-path query on the server: ConnectorX has no cancel call of its own.

Each fast query starts with a comment naming its job; a second connection finds the server
thread running it by that comment and stops it (MySQL ``KILL QUERY``, PostgreSQL
``pg_cancel_backend``). Both only need the same user the query runs as.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from agent.renderers.sql.extract.sources import FastPath


def new_marker() -> str:
    return f"snapshot-engine extract {uuid.uuid4().hex}"


def marked(sql: str, marker: str) -> str:
    return f"/* {marker} */ {sql}"


async def stop_marked_queries(fast: FastPath, marker: str) -> int:
    """Stop every query carrying ``marker``; returns how many server threads were told to stop."""
    async with fast.control.connect() as conn:
        found = await conn.execute(text(fast.dialect.find_marked), {"pattern": f"%{marker}%"})
        threads = [int(row[0]) for row in found]
        for thread in threads:
            await conn.execute(text(fast.dialect.stop_thread.format(thread)))
    return len(threads)
