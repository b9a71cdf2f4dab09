"""The fast path (ConnectorX) against real servers: types, equality with the row path, literals
that hostile strings cannot escape, errors, the fallback to rows, and cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from agent.jobs.errors import InvalidRenderError
from agent.renderers.sql.extract.extracts import FastExtract, RowExtract
from agent.renderers.sql.renderer import SqlRenderer
from agent.writers import make_encoder
from contracts.catalog import ReportSpec
from tests.sql.conftest import drop, job, new_table, render, sql_report
from tests.support.sinks import ListSink
from tests.support.waiting import cancelled

HOSTILE = [
    "it's",
    "back\\slash\\",
    "\\'; DROP TABLE x; --",
    "nul\x00inside",
    "ünïcode ✓ and 🦆",
    "-- not a comment",
    "a; b",
    "/* not a comment */",
    ":other $1 %s %(x)s ?",
    "line\nbreak\ttab",
    "",
]


@pytest.fixture
async def typed_table(database: tuple[str, AsyncEngine]) -> AsyncIterator[tuple[str, str]]:
    url, engine = database
    table = new_table()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, big BIGINT, amount DECIMAL(12, 2),"
                " day DATE, at TIMESTAMP NULL, ratio DOUBLE PRECISION, flag BOOLEAN,"
                " name VARCHAR(120), note TEXT)"
            )
        )
        await conn.execute(
            text(f"INSERT INTO {table} VALUES (:id, :big, :amount, :day, :at, :ratio, :flag, :name, :note)"),
            [
                {
                    "id": n,
                    "big": 2**40 + n,
                    "amount": Decimal(n) / 4 - 100,
                    "day": date(2024, 1 + n % 12, 1 + n % 28),
                    "at": datetime(2024, 3, 1, 8, n % 60, n % 60),
                    "ratio": n / 7,
                    "flag": n % 3 == 0,
                    "name": f"ünï {n}",
                    "note": None if n % 2 else f"note {n}",
                }
                for n in range(2_000)
            ]
            + [
                dict.fromkeys(("big", "amount", "day", "at", "ratio", "flag", "name", "note"), None)
                | {"id": -1}
            ],
        )
    try:
        yield url, table
    finally:
        await drop(engine, table)


def all_columns(table: str) -> ReportSpec:
    return sql_report(f"SELECT id, big, amount, day, at, ratio, flag, name, note FROM {table} ORDER BY id")


async def extracted(url: str, report: ReportSpec, params: dict[str, Any], path: str) -> pa.Table:
    """The report's result as Parquet read back, through the path named (``fast`` or ``row``)."""
    renderer = SqlRenderer({"db": url}, max_concurrency=2, batch_rows=500, fast_batch_rows=500)
    source = await renderer._sources.get("db")
    query = str(report.source["query"])
    bound = report.normalise_params(params)
    try:
        extract = await renderer._extract(source, query, bound)
        if path == "row":
            extract = RowExtract(source, query, bound, 500, renderer._threads)
        assert isinstance(extract, FastExtract if path == "fast" else RowExtract)
        encoder = make_encoder("parquet")
        sink = ListSink()
        async for chunk in extract.chunks(encoder):
            await sink.write(chunk)
        for chunk in encoder.finish(extract.columns):
            await sink.write(chunk)
    finally:
        await renderer.close()
    return pq.read_table(io.BytesIO(sink.data))


async def test_each_type_keeps_its_arrow_type(typed_table: tuple[str, str]) -> None:
    url, table = typed_table
    result = await extracted(url, all_columns(table), {}, "fast")
    types = {field.name: field.type for field in result.schema}
    assert pa.types.is_integer(types["id"]) and types["big"] == pa.int64()
    assert types["amount"] == pa.decimal128(38, 2)
    assert types["day"] == pa.date32()
    assert pa.types.is_timestamp(types["at"])
    assert types["ratio"] == pa.float64()
    assert types["name"] == pa.string() and types["note"] == pa.string()
    rows = result.to_pylist()
    assert rows[0] == dict.fromkeys(("big", "amount", "day", "at", "ratio", "flag", "name", "note")) | {
        "id": -1
    }
    assert rows[3]["amount"] == Decimal("-99.50") and rows[3]["big"] == 2**40 + 2
    assert rows[3]["day"] == date(2024, 3, 3) and rows[3]["name"] == "ünï 2"
    assert rows[3]["at"].replace(tzinfo=None) == datetime(2024, 3, 1, 8, 2, 2)


async def test_fast_path_equals_the_row_path_value_for_value(typed_table: tuple[str, str]) -> None:
    url, table = typed_table
    report = all_columns(table)
    fast = (await extracted(url, report, {}, "fast")).to_pylist()
    rows = (await extracted(url, report, {}, "row")).to_pylist()
    assert len(fast) == len(rows) == 2_001

    def same(value: Any) -> Any:  # MySQL's BOOLEAN is TINYINT(1); timestamps compared as wall clock
        if isinstance(value, bool):
            return int(value)
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value

    assert [{k: same(v) for k, v in r.items()} for r in fast] == [
        {k: same(v) for k, v in r.items()} for r in rows
    ]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_strings_stay_values(database: tuple[str, AsyncEngine], value: str) -> None:
    url, engine = database
    report = sql_report("SELECT :s AS s, 1 AS n", '[reports.extract.params.s]\ntype = "string"')
    if "\x00" in value and engine.dialect.name == "postgresql":
        with pytest.raises(InvalidRenderError):  # PostgreSQL's text cannot hold NUL on any path
            await render(url, report, "csv", {"s": value}, fast_path=True)
        return
    result = await extracted(url, report, {"s": value}, "fast")
    assert result.to_pylist() == [{"s": value, "n": 1}]


async def test_a_hostile_string_matches_only_its_own_row(database: tuple[str, AsyncEngine]) -> None:
    url, engine = database
    table = new_table()
    values = [v for v in HOSTILE if "\x00" not in v]
    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE TABLE {table} (id INTEGER, name VARCHAR(100))"))
        await conn.execute(
            text(f"INSERT INTO {table} VALUES (:id, :name)"),
            [{"id": i, "name": v} for i, v in enumerate(values)],
        )
    try:
        report = sql_report(
            f"SELECT id FROM {table} WHERE name = :s AND id >= :low",
            '[reports.extract.params.s]\ntype = "string"\n[reports.extract.params.low]\ntype = "integer"',
        )
        for i, value in enumerate(values):
            result = await extracted(url, report, {"s": value, "low": -5}, "fast")
            assert result.column("id").to_pylist() == [i], value
    finally:
        await drop(engine, table)


async def test_a_query_failing_as_it_runs_is_invalid(database: tuple[str, AsyncEngine]) -> None:
    url, engine = database
    failing = (
        "SELECT (SELECT 1 UNION ALL SELECT 2) AS two_rows"
        if engine.dialect.name == "mysql"
        else "SELECT 1 / (n - n) AS boom FROM generate_series(1, 3) AS n"
    )
    with pytest.raises(InvalidRenderError, match="query failed"):
        await render(url, sql_report(failing), "csv", {}, fast_path=True)


async def test_what_the_fast_path_cannot_carry_goes_the_row_path(database: tuple[str, AsyncEngine]) -> None:
    url, _ = database
    precise = "SELECT CAST(1.123456789012345 AS DECIMAL(30, 15)) AS precise, NULL AS nothing"
    report = sql_report(precise)
    result = await extracted(url, report, {}, "row")
    renderer = SqlRenderer({"db": url}, max_concurrency=1, batch_rows=10, fast_batch_rows=10)
    try:
        chosen = await renderer._extract(await renderer._sources.get("db"), precise, {})
    finally:
        await renderer.close()
    assert isinstance(chosen, RowExtract)
    sink = await render(url, report, "parquet", {}, fast_path=True)
    assert pq.read_table(io.BytesIO(sink.data)).to_pylist() == result.to_pylist()
    assert result.to_pylist()[0]["precise"] == Decimal("1.123456789012345")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_csv_and_xlsx_from_the_fast_path_equal_the_row_paths(
    typed_table: tuple[str, str], fmt: str
) -> None:
    url, table = typed_table
    fast = await render(url, all_columns(table), fmt, {}, batch=100, fast_path=True)
    rows = await render(url, all_columns(table), fmt, {}, batch=100)
    assert len(fast.chunks) > 10  # streamed, batch by batch
    if fmt == "csv":
        assert len(fast.data.decode().splitlines()) == 2_002
        assert fast.data == rows.data
    else:
        fast_book = openpyxl.load_workbook(io.BytesIO(fast.data), read_only=True).worksheets[0]
        rows_book = openpyxl.load_workbook(io.BytesIO(rows.data), read_only=True).worksheets[0]
        assert list(fast_book.iter_rows(values_only=True)) == list(rows_book.iter_rows(values_only=True))


async def test_percent_signs_and_colons_in_the_query_text_stay_as_written(
    database: tuple[str, AsyncEngine],
) -> None:
    url, _ = database
    report = sql_report(
        "SELECT '100%' AS pct, 'a::b' AS colons, :s AS s", '[reports.extract.params.s]\ntype = "string"'
    )
    result = await extracted(url, report, {"s": "50%"}, "fast")
    assert result.to_pylist() == [{"pct": "100%", "colons": "a::b", "s": "50%"}]


async def test_a_cancelled_render_stops_its_query_on_the_server_within_2_s(
    database: tuple[str, AsyncEngine],
) -> None:
    """What drain and the render timeout do to a job: cancel its render. While the server works
    the event loop keeps its pace (the reader is another process), and once cancelled the query
    is gone from the server within 2 s."""
    url, engine = database
    mysql = engine.dialect.name == "mysql"
    word = f"spin_{uuid.uuid4().hex[:8]}"  # its own: another run on the same server sleeps too
    slow = f"SELECT SLEEP(60) AS {word}" if mysql else f"SELECT pg_sleep(60)::text AS {word}"
    renderer = SqlRenderer({"db": url}, max_concurrency=1, batch_rows=10, fast_batch_rows=10)
    async with contextlib.AsyncExitStack() as cleanup:
        cleanup.push_async_callback(renderer.close)
        report = sql_report(slow)
        rendering = asyncio.create_task(renderer.render(job("csv", {}), report, ListSink()))
        cleanup.push_async_callback(cancelled, rendering)
        deadline = time.monotonic() + 20
        while not await _running_on_server(engine, word):
            assert time.monotonic() < deadline and not rendering.done(), "the query never reached the server"
            await asyncio.sleep(0.05)
        assert await _slowest_tick(seconds=0.5) < 0.1, "the event loop stalled while the server worked"
        cancelled_at = time.monotonic()
        rendering.cancel()
        await asyncio.wait([rendering], timeout=2.0)
        assert rendering.cancelled(), "the render did not end within 2 s of its cancel"
        while await _running_on_server(engine, word):
            assert time.monotonic() - cancelled_at < 2.0, (
                "the server still runs the query 2 s after the cancel"
            )
            await asyncio.sleep(0.05)


async def _running_on_server(engine: AsyncEngine, word: str) -> bool:
    mysql = engine.dialect.name == "mysql"
    activity = (
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
        " WHERE INFO LIKE :pattern AND ID <> CONNECTION_ID()"
        if mysql
        else "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE :pattern AND state = 'active'"
        " AND pid <> pg_backend_pid()"
    )
    async with engine.connect() as conn:
        found = await conn.scalar(text(activity), {"pattern": f"%snapshot-engine extract%{word}%"})
    return bool(found)


async def _slowest_tick(seconds: float) -> float:
    slowest, end = 0.0, time.monotonic() + seconds
    while (before := time.monotonic()) < end:
        await asyncio.sleep(0.01)
        slowest = max(slowest, time.monotonic() - before)
    return slowest
