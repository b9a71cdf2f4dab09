"""The ``sql`` renderer end to end against real servers: MariaDB and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from agent.jobs.errors import InvalidRenderError, TransientRenderError
from agent.renderers.sql.renderer import SqlRenderer
from contracts.catalog import ReportSpec
from tests.sql.conftest import drop, job, new_table, render, sql_report
from tests.support.sinks import ListSink

ROWS = 30_000
NAME = 'name with, a comma and "quotes" and ünïcode'


@pytest.fixture
async def server(database: tuple[str, AsyncEngine]) -> AsyncIterator[tuple[str, str]]:
    """A table of ROWS typed rows on the server; yields (url, table)."""
    url, engine = database
    table = new_table()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, day DATE NOT NULL, at TIMESTAMP NULL,"
                " name VARCHAR(120) NOT NULL, amount DECIMAL(12, 2) NOT NULL, ratio DOUBLE PRECISION,"
                " flag BOOLEAN NOT NULL, note VARCHAR(20) NULL)"
            )
        )
        await conn.execute(
            text(f"INSERT INTO {table} VALUES (:id, :day, :at, :name, :amount, :ratio, :flag, :note)"),
            [
                {
                    "id": n,
                    "day": date(2024, 1 + n % 12, 1 + n % 28),
                    "at": datetime(2024, 3, 1, 8, n % 60),
                    "name": NAME if n == 7 else f"row {n}",
                    "amount": Decimal(n) / 4,
                    "ratio": n / 7,
                    "flag": n % 3 == 0,
                    "note": None if n % 2 else "even",
                }
                for n in range(ROWS)
            ],
        )
    try:
        yield url, table
    finally:
        await drop(engine, table)


def report_for(table: str, query: str | None = None) -> ReportSpec:
    query = query or (
        f"SELECT id, day, at, name, amount, ratio, flag, note FROM {table}"
        " WHERE day >= :since AND id >= :min_id ORDER BY id"
    )
    return sql_report(query, PARAMS)


PARAMS = """
[reports.extract.params.since]
type = "date"
default = "2024-01-01"
[reports.extract.params.min_id]
type = "integer"
default = 0
"""


async def test_csv_streams_every_row_with_bound_params(server: tuple[str, str]) -> None:
    url, table = server
    sink = await render(url, report_for(table), "csv", {"min_id": 10})
    rows = list(csv.reader(io.StringIO(sink.data.decode())))
    assert rows[0] == ["id", "day", "at", "name", "amount", "ratio", "flag", "note"]
    assert len(rows) - 1 == ROWS - 10
    assert rows[1][:2] == ["10", "2024-11-11"]
    assert len(sink.chunks) >= (ROWS - 10) // 1000  # written batch by batch, never whole


async def test_parquet_keeps_column_types(server: tuple[str, str]) -> None:
    url, table = server
    sink = await render(url, report_for(table), "parquet", {"since": "2024-06-01"}, batch=5000)
    parsed = pq.read_table(io.BytesIO(sink.data))
    expected = sum(1 for n in range(ROWS) if date(2024, 1 + n % 12, 1 + n % 28) >= date(2024, 6, 1))
    assert parsed.num_rows == expected
    first = parsed.slice(0, 1).to_pylist()[0]
    assert isinstance(first["day"], date)
    assert isinstance(first["amount"], Decimal)
    assert first["note"] in (None, "even")
    names = parsed.column("name").to_pylist()
    assert NAME in names


async def test_xlsx_has_every_row(server: tuple[str, str]) -> None:
    url, table = server
    sink = await render(url, report_for(table), "xlsx", {})
    sheet = openpyxl.load_workbook(io.BytesIO(sink.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == ROWS + 1
    assert rows[8][3] == NAME
    assert rows[9][4] == 2.0


async def test_a_query_the_server_rejects_is_invalid(server: tuple[str, str]) -> None:
    url, table = server
    with pytest.raises(InvalidRenderError, match="query failed"):
        await render(url, report_for(table, f"SELECT no_such_column FROM {table}"), "csv", {})


@pytest.mark.parametrize(
    "url",
    [
        "mysql+aiomysql://root@127.0.0.1:1/test",
        "postgresql+asyncpg://postgres@127.0.0.1:1/test",
    ],
)
async def test_an_unreachable_server_is_transient(url: str) -> None:
    with pytest.raises(TransientRenderError, match="cannot connect"):
        await render(url, report_for("t"), "csv", {})


@pytest.mark.parametrize(
    "url",
    [
        "mysql+aiomysql://scrub_user:Sup3r-s3cret@127.0.0.1:1/test",
        "postgresql+asyncpg://scrub_user:Sup3r-s3cret@127.0.0.1:1/test",
        "mysql+aiomysql://root:Sup3r-s3cret@127.0.0.1:3306/test",  # a real server refusing the password
        "postgresql+asyncpg://nobody_here:Sup3r-s3cret@127.0.0.1:5432/test",
    ],
)
async def test_a_connection_failures_cause_shows_no_password_host_or_user(url: str) -> None:
    """The cause reaches every reader of the snapshot: it says what failed, never with what."""
    with pytest.raises(TransientRenderError) as failed:
        await render(url, report_for("t"), "csv", {})
    cause = failed.value.cause
    assert "cannot connect" in cause
    for secret in ("Sup3r-s3cret", "127.0.0.1", "scrub_user", "nobody_here", "'root'"):
        assert secret not in cause, cause


async def test_an_unknown_datasource_is_invalid() -> None:
    renderer = SqlRenderer({}, max_concurrency=1, batch_rows=10)
    report = report_for("t")
    with pytest.raises(InvalidRenderError, match="datasource 'db' is not configured"):
        await renderer.render(job("csv", {}), report, ListSink())
