"""Real servers for the ``sql`` renderer: MariaDB and PostgreSQL on loopback.

Outside CI a missing server skips its tests; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from agent.renderers.sql.renderer import SqlRenderer
from contracts.catalog import ReportSpec, parse_catalog
from contracts.messages import JobMessage
from tests.support.services import require_service
from tests.support.sinks import ListSink

SERVERS = {
    "mariadb": os.environ.get("SNAPSHOT_TEST_MYSQL_URL", "mysql+aiomysql://root@127.0.0.1:3306/test"),
    "postgres": os.environ.get(
        "SNAPSHOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    ),
}


@pytest.fixture(params=sorted(SERVERS), ids=sorted(SERVERS))
async def database(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """(url, engine) of a reachable server."""
    engine = await reachable(request.param)
    try:
        yield SERVERS[request.param], engine
    finally:
        await engine.dispose()


async def reachable(name: str) -> AsyncEngine:
    """An engine on ``SERVERS[name]``; a server that does not answer skips the test (fails it in CI)."""
    engine = create_async_engine(SERVERS[name])
    try:
        async with engine.connect():
            pass
    except (OSError, DBAPIError) as exc:
        await engine.dispose()
        require_service(name, str(exc))
    return engine


def new_table() -> str:
    return f"snap_{uuid.uuid4().hex[:8]}"


async def drop(engine: AsyncEngine, table: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP TABLE IF EXISTS {table}"))


def sql_report(query: str, params: str = "") -> ReportSpec:
    """A one-report catalog: ``query`` on datasource ``db``; ``params`` is TOML for its params."""
    catalog = parse_catalog(f"""
[reports.extract]
renderer = "sql"
formats = ["csv", "parquet", "xlsx"]
{params}
[reports.extract.source]
datasource = "db"
query = '''{query}'''
[reports.extract.access]
callers = ["*"]
""")
    return catalog.reports["extract"]


def job(fmt: str, params: dict[str, Any]) -> JobMessage:
    key = uuid.uuid4().hex
    return JobMessage(
        v=1,
        snapshot_id=f"{key}-g1",
        key=key,
        generation=1,
        report="extract",
        format=fmt,
        params=params,
        data_version=None,
        bucket="b",
        s3_key="k",
        task_token="t",
    )


async def render(
    url: str, report: ReportSpec, fmt: str, params: dict[str, Any], batch: int = 1000, fast_path: bool = False
) -> ListSink:
    renderer = SqlRenderer(
        {"db": url}, max_concurrency=4, batch_rows=batch, fast_batch_rows=batch if fast_path else None
    )
    sink = ListSink()
    try:
        await renderer.render(job(fmt, report.normalise_params(params)), report, sink)
    finally:
        await renderer.close()
    return sink
