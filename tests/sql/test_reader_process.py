"""The fast readers' processes: the fork server's life, and a reader killed under its query."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from agent.jobs.errors import TransientRenderError
from agent.renderers.sql.extract.reader_process import ReaderProcess, ReaderServer


@pytest.fixture
def server() -> Iterator[ReaderServer]:
    readers = ReaderServer()
    yield readers
    readers.close()


def test_the_fork_server_starts_again_after_it_died(server: ReaderServer) -> None:
    server.connect().close()
    first = server._process
    assert first is not None
    first.kill()
    first.wait()
    server.connect().close()
    assert server._process is not None and server._process is not first and server._process.poll() is None


def test_closing_ends_the_fork_server_and_removes_its_socket(server: ReaderServer) -> None:
    server.connect().close()
    process, directory = server._process, server._directory
    assert process is not None and directory is not None
    server.close()
    assert process.poll() is not None
    assert not os.path.exists(directory)


async def test_a_reader_killed_under_its_query_ends_as_transient_at_once(
    server: ReaderServer, database: tuple[str, AsyncEngine]
) -> None:
    url, engine = database
    mysql = engine.dialect.name == "mysql"
    scheme = "mysql" if mysql else "postgresql"
    slow = "SELECT SLEEP(30) AS spin" if mysql else "SELECT pg_sleep(30)::text AS spin"
    target = make_url(url).set(drivername=scheme).render_as_string(hide_password=False)
    reader = ReaderProcess(server, target, slow, 10, {})
    with contextlib.closing(reader):
        await asyncio.to_thread(reader.open)
        reading = asyncio.create_task(asyncio.to_thread(reader.next_batch))
        await asyncio.sleep(1.0)
        assert not reading.done()
        killed_at = time.monotonic()
        reader.kill()
        with pytest.raises(TransientRenderError, match="ended before its result did"):
            await asyncio.wait_for(reading, timeout=2.0)
        assert time.monotonic() - killed_at < 1.0


def test_a_reader_stopped_before_it_starts_never_sends_its_query(server: ReaderServer) -> None:
    reader = ReaderProcess(server, "mysql://nobody@127.0.0.1:1/none", "SELECT 1", 10, {})
    with contextlib.closing(reader):
        reader.kill()
        with pytest.raises(TransientRenderError, match="stopped as its reader started"):
            reader.open()
