"""PostgreSQL's COPY route (psql's CSV parsed by pyarrow) against a real server: it is taken
where the columns allow, writes byte for byte what ConnectorX's route writes for hostile text,
odd floats and NULLs in every format, fails clearly, and leaves no psql behind when cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from agent.jobs.errors import InvalidRenderError, TransientRenderError
from agent.renderers.sql.extract.extracts import FastExtract
from agent.renderers.sql.extract.reader_process import ReaderProcess, ReaderServer
from agent.renderers.sql.renderer import SqlRenderer
from contracts.catalog import ReportSpec
from tests.sql.conftest import SERVERS, drop, job, new_table, reachable, sql_report
from tests.support.services import require_service
from tests.support.sinks import ListSink
from tests.support.waiting import cancelled, eventually

TEXTS = [
    "plain",
    "comma, inside",
    'a "quoted" word',
    "line\nbreak",
    "crlf\r\nend",
    "",  # empty is not NULL
    "NULL",
    "\\N",
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2",
    "@SUM(A1)",
    "\ttab first",
    "back\\slash\\",
    "ünïcode ✓ and 🦆",
    "  padded  ",
    "'; DROP TABLE x; --",
]
FLOATS = [0.1, -0.0, 1e300, 5e-324, float("inf"), float("-inf"), float("nan"), 1 / 3]


@pytest.fixture
async def postgres() -> AsyncIterator[tuple[str, AsyncEngine]]:
    if shutil.which("psql") is None:
        require_service("psql", "the COPY route runs PostgreSQL's client")
    engine = await reachable("postgres")
    try:
        yield SERVERS["postgres"], engine
    finally:
        await engine.dispose()


@pytest.fixture
async def bounded_table(postgres: tuple[str, AsyncEngine]) -> AsyncIterator[tuple[str, str]]:
    url, engine = postgres
    table = new_table()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, small SMALLINT, big BIGINT,"
                " amount NUMERIC(12, 2), day DATE, at TIMESTAMP, ratio DOUBLE PRECISION, half REAL,"
                " flag BOOLEAN, name VARCHAR(60), code CHAR(4), tag UUID)"
            )
        )
        rows = [
            {
                "id": n,
                "small": n - 100,
                "big": 2**62 + n,
                "amount": Decimal(n) / 4 - 100,
                "day": date(1999 + n % 30, 1 + n % 12, 1 + n % 28),
                "at": datetime(2024, 3, 1, 8, n % 60, n % 60, n * 7 % 1_000_000),
                "ratio": FLOATS[n % len(FLOATS)],
                "half": FLOATS[n % len(FLOATS)] if abs(FLOATS[n % len(FLOATS)]) < 1e30 else 1.5,
                "flag": n % 3 == 0,
                "name": TEXTS[n % len(TEXTS)],
                "code": "ab",
                "tag": uuid.UUID(int=n),
            }
            for n in range(300)
        ]
        nulls = dict.fromkeys(rows[0], None) | {"id": -1}
        await conn.execute(
            text(f"INSERT INTO {table} VALUES ({', '.join(':' + k for k in rows[0])})"), [*rows, nulls]
        )
    try:
        yield url, table
    finally:
        await drop(engine, table)


def renderer(url: str, copy_client: str | None = "psql", batch: int = 50) -> SqlRenderer:
    return SqlRenderer(
        {"db": url}, max_concurrency=2, batch_rows=batch, fast_batch_rows=batch, copy_client=copy_client
    )


async def rendered(
    url: str, report: ReportSpec, fmt: str, copy_client: str | None, params: dict[str, Any] | None = None
) -> bytes:
    sql = renderer(url, copy_client)
    sink = ListSink()
    try:
        await sql.render(job(fmt, report.normalise_params(params or {})), report, sink)
    finally:
        await sql.close()
    return sink.data


async def route(url: str, query: str, copy_client: str | None = "psql") -> str:
    sql = renderer(url, copy_client)
    try:
        chosen = await sql._extract(await sql._sources.get("db"), query, {})
    finally:
        await sql.close()
    if not isinstance(chosen, FastExtract):
        return "row"
    return "copy" if chosen.copy is not None else "connectorx"


def every_column(table: str) -> ReportSpec:
    return sql_report(f"SELECT * FROM {table} ORDER BY id")


async def test_bounded_columns_take_the_copy_route(bounded_table: tuple[str, str]) -> None:
    url, table = bounded_table
    assert await route(url, f"SELECT * FROM {table}") == "copy"
    assert await route(url, f"SELECT id, name::text AS name FROM {table}") == "connectorx"  # any length
    assert await route(url, f"SELECT * FROM {table}", copy_client=None) == "connectorx"
    assert await route(url, f"SELECT * FROM {table}", copy_client="no-such-psql-here") == "connectorx"
    long_query = f"SELECT * FROM {table} WHERE name <> '{'x' * 120_000}'"  # over argv's limit
    assert await route(url, long_query) == "connectorx"


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
async def test_the_copy_route_writes_what_connectorx_s_route_writes(
    bounded_table: tuple[str, str], fmt: str
) -> None:
    url, table = bounded_table
    report = every_column(table)
    by_copy = await rendered(url, report, fmt, "psql")
    by_connectorx = await rendered(url, report, fmt, None)
    if fmt == "xlsx":  # a workbook's zip stamps its entries' times: compare the cells
        import io

        import openpyxl

        def cells(data: bytes) -> list[tuple[Any, ...]]:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            return list(book.worksheets[0].iter_rows(values_only=True))

        assert cells(by_copy) == cells(by_connectorx)
        return
    assert by_copy == by_connectorx
    if fmt == "csv":
        assert by_copy.count(b"\r\n") >= 301  # one per row and the header: the CSV contract's line end
        assert b'"crlf\r\nend"' in by_copy and b'""' in by_copy  # kept; empty text is not NULL
        assert b"'=1+1" in by_copy  # formula-like text is written as text


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
async def test_an_empty_result_is_a_header_alone_as_on_connectorx_s_route(
    bounded_table: tuple[str, str], fmt: str
) -> None:
    url, table = bounded_table
    report = sql_report(f"SELECT * FROM {table} WHERE id > 1000000")
    assert await route(url, str(report.source["query"])) == "copy"
    by_copy = await rendered(url, report, fmt, "psql")
    assert by_copy == await rendered(url, report, fmt, None)
    if fmt == "csv":
        assert by_copy.count(b"\r\n") == 1


async def test_bound_params_and_hostile_query_text_stay_values(
    bounded_table: tuple[str, str], tmp_path: Path
) -> None:
    """A backslash command in the query text is never run by psql: ``-c`` sends it to the server
    as it is, where it is an error or (in a comment or a literal) nothing at all."""
    url, table = bounded_table
    touched = tmp_path / "touched"
    report = sql_report(
        f"SELECT id, name FROM {table} WHERE name = :s /* \\! touch {touched} */ ORDER BY id -- \\q",
        '[reports.extract.params.s]\ntype = "string"',
    )
    for value in TEXTS:
        data = await rendered(url, report, "parquet", "psql", {"s": value})
        again = await rendered(url, report, "parquet", None, {"s": value})
        assert data == again, value
    assert not touched.exists()
    with pytest.raises(InvalidRenderError, match="query failed"):
        await rendered(url, sql_report(f"SELECT id FROM {table} \\! touch {touched}"), "csv", "psql")
    assert not touched.exists()


async def test_a_query_failing_as_it_runs_is_invalid_with_the_server_s_words(
    bounded_table: tuple[str, str],
) -> None:
    url, table = bounded_table
    failing = sql_report(f"SELECT (1 / (id - 150))::int4 AS boom, name FROM {table} ORDER BY id")
    assert await route(url, str(failing.source["query"])) == "copy"
    with pytest.raises(InvalidRenderError, match="query failed: ERROR:  division by zero"):
        await rendered(url, failing, "csv", "psql")


async def test_a_value_the_parser_cannot_read_fails_clearly(postgres: tuple[str, AsyncEngine]) -> None:
    url, _ = postgres
    infinite = sql_report("SELECT 'infinity'::date AS day")
    assert await route(url, str(infinite.source["query"])) == "copy"
    with pytest.raises(InvalidRenderError, match="does not fit its column's declared type"):
        await rendered(url, infinite, "csv", "psql")


def test_a_server_psql_cannot_reach_is_transient(postgres: tuple[str, AsyncEngine]) -> None:
    """Past describing, the server can still go away before psql connects."""
    url, _ = postgres
    sql = renderer(url)
    try:
        described = asyncio.run(_described(sql, "SELECT 1::int4 AS n"))
    finally:
        asyncio.run(sql.close())
    closed_port = make_url(url).set(drivername="postgresql", port=1)
    request = described | {"url": closed_port.render_as_string(hide_password=False)}
    with contextlib.closing(ReaderServer()) as server:
        reader = ReaderProcess(server, "unused", "SELECT 1::int4 AS n", 10, {}, request)
        with contextlib.closing(reader), pytest.raises(TransientRenderError, match="connection lost"):
            _read_all(reader)


def _read_all(reader: ReaderProcess) -> None:
    reader.open()
    while reader.next_batch() is not None:
        pass


async def _described(sql: SqlRenderer, query: str) -> dict[str, Any]:
    extract = await sql._extract(await sql._sources.get("db"), query, {})
    assert isinstance(extract, FastExtract) and extract.copy is not None
    return extract.copy


async def test_a_cancelled_copy_leaves_no_query_and_no_psql_behind(postgres: tuple[str, AsyncEngine]) -> None:
    url, engine = postgres
    url = make_url(url).set(password="copy-Secret-9").render_as_string(hide_password=False)  # loopback trusts
    # a name of its own: the fast path's cancel test, maybe running beside it, sleeps as `spin`
    word = f"copy_spin_{uuid.uuid4().hex[:8]}"
    slow = sql_report(f"SELECT pg_sleep(60)::varchar(8) AS {word}")
    assert await route(url, str(slow.source["query"])) == "copy"
    sql = renderer(url)
    async with contextlib.AsyncExitStack() as cleanup:
        cleanup.push_async_callback(sql.close)
        rendering = asyncio.create_task(sql.render(job("csv", {}), slow, ListSink()))
        cleanup.push_async_callback(cancelled, rendering)  # a failed assert leaves no render running
        deadline = time.monotonic() + 20
        while not (clients := _psql_running(word)):
            assert time.monotonic() < deadline and not rendering.done(), "psql never started"
            await asyncio.sleep(0.05)
        assert not any("copy-Secret-9" in _argv(pid) for pid in clients)  # argv is any user's to read
        # exec fills a new program's argv a moment before its environment: wait for the latter
        for pid in clients:
            environ = await eventually(functools.partial(_environ, pid), within=2, every=0.02)
            assert "PGPASSWORD=copy-Secret-9" in environ
        cancelled_at = time.monotonic()
        rendering.cancel()
        await asyncio.gather(rendering, return_exceptions=True)
        while _psql_running(word) or await _on_server(engine, word):
            assert time.monotonic() - cancelled_at < 3.0, "psql or its query outlived the cancel"
            await asyncio.sleep(0.05)


def _argv(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    return ""


def _environ(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    return ""


def _psql_running(word: str) -> list[int]:
    return [
        int(p)
        for p in os.listdir("/proc")
        if p.isdigit() and "psql" in _argv(int(p)) and word in _argv(int(p))
    ]


async def _on_server(engine: AsyncEngine, word: str) -> bool:
    async with engine.connect() as conn:
        found = await conn.scalar(
            text("SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE :p AND pid <> pg_backend_pid()"),
            {"p": f"%snapshot-engine extract%{word}%"},
        )
    return bool(found)
