"""A query's result, read and encoded batch by batch in worker threads, as chunks for the sink.

``FastExtract`` reads with ConnectorX (or, for PostgreSQL, psql's COPY) in a reader process,
``RowExtract`` with SQLAlchemy; both encode in a worker thread so the event loop only moves
bytes. A cancelled fast extract kills its reader and stops its query on the server before it
returns (``cancel.stop_marked_queries``): killing the client alone leaves MySQL and PostgreSQL
running the query to its end.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from concurrent.futures import Executor
from typing import Any, Protocol, TypeVar

from agent.renderers.sql.extract.cancel import marked, new_marker, stop_marked_queries
from agent.renderers.sql.extract.columns import Described
from agent.renderers.sql.extract.connections import connected
from agent.renderers.sql.extract.copy_reader import MAX_QUERY_BYTES, copy_command
from agent.renderers.sql.extract.literals import render_query
from agent.renderers.sql.extract.reader_process import ReaderProcess, ReaderServer
from agent.renderers.sql.extract.row_batches import RowBatches
from agent.renderers.sql.extract.row_reader import RowStream
from agent.renderers.sql.extract.sources import DataSource, FastPath
from agent.writers import TabularEncoder

log = logging.getLogger(__name__)
T = TypeVar("T")
STOP_WAIT_SECONDS = 5.0  # how long a cancelled extract waits for its killed reader's thread


class Extract(Protocol):
    columns: list[str]

    def chunks(self, encoder: TabularEncoder) -> AsyncGenerator[bytes, None]: ...


class FastExtract:
    def __init__(
        self,
        fast: FastPath,
        query: str,
        params: dict[str, Any],
        described: Described,
        batch_rows: int,
        threads: Executor,
        readers: ReaderServer,
        copy_client: str | None = None,
    ) -> None:
        """``copy_client``: psql's path, for PostgreSQL's COPY route where ``described`` allows it."""
        self._fast = fast
        self._marker = new_marker()
        rendered = render_query(query, params, fast.dialect.literal, fast.dialect.literal_compiler)
        sql = marked(rendered, self._marker)
        self.copy = _copy_request(fast, described, copy_client, sql)
        self._reader = ReaderProcess(
            readers, fast.connectorx_url, sql, batch_rows, described.decimal_scales, self.copy
        )
        self._threads = threads
        self._running: asyncio.Future[Any] | None = None
        self._stopped = False
        self.columns = [c.name for c in described.columns]

    async def chunks(self, encoder: TabularEncoder) -> AsyncGenerator[bytes, None]:
        finished = False
        try:
            await self._blocking(self._reader.open)
            while (chunk := await self._blocking(lambda: _encode_next(self._reader, encoder))) is not None:
                yield chunk
            finished = True
        finally:
            if not finished:
                await self._stop()
            if self._running is None or self._running.done():
                self._reader.close()
            else:  # never under a thread still reading
                self._running.add_done_callback(lambda _: self._reader.close())

    async def _blocking(self, call: Callable[[], T]) -> T:
        running = self._running = asyncio.get_running_loop().run_in_executor(self._threads, call)
        try:
            return await asyncio.shield(running)
        except asyncio.CancelledError:
            running.add_done_callback(_consumed)  # its error, if any, is the cancel's doing
            await self._stop()  # the killed reader's thread returns at once
            await asyncio.wait([running], timeout=STOP_WAIT_SECONDS)
            raise

    async def _stop(self) -> None:
        """Kill the reader, then stop its query on the server; once."""
        if self._stopped:
            return
        self._stopped = True
        self._reader.kill()
        try:
            await asyncio.shield(stop_marked_queries(self._fast, self._marker))
        except Exception:
            log.exception("could not stop the extract's query on the server")


def _copy_request(
    fast: FastPath, described: Described, client: str | None, sql: str
) -> dict[str, Any] | None:
    """What a reader needs for the COPY route (``copy_reader``), or None: ConnectorX reads."""
    if client is None or fast.copy is None or described.copy is None:
        return None
    command = copy_command(sql)
    if len(command.encode()) > MAX_QUERY_BYTES:
        return None
    return {
        "client": client,
        "command": command,
        "url": fast.copy.url,
        "password": fast.copy.password,
        "parsed": described.copy.parsed.serialize().to_pybytes().hex(),
        "result": described.copy.result.serialize().to_pybytes().hex(),
    }


def _consumed(running: asyncio.Future[Any]) -> None:
    if not running.cancelled():
        running.exception()


def _encode_next(reader: ReaderProcess, encoder: TabularEncoder) -> bytes | None:
    batch = reader.next_batch()
    return None if batch is None else encoder.encode(batch)


class RowExtract:
    def __init__(
        self, source: DataSource, query: str, params: dict[str, Any], batch_rows: int, threads: Executor
    ) -> None:
        self._source = source
        self._query = query
        self._params = params
        self._batch_rows = batch_rows
        self._threads = threads
        self.columns: list[str] = []

    async def chunks(self, encoder: TabularEncoder) -> AsyncGenerator[bytes, None]:
        loop = asyncio.get_running_loop()
        async with connected(self._source.engine) as conn:
            stream = RowStream(conn, self._query, self._params, self._batch_rows)
            batches: RowBatches | None = None
            async for rows in stream:
                batches = batches or RowBatches(stream.columns)
                yield await loop.run_in_executor(self._threads, _encode_rows, batches, rows, encoder)
            self.columns = stream.columns


def _encode_rows(batches: RowBatches, rows: Sequence[Sequence[Any]], encoder: TabularEncoder) -> bytes:
    return encoder.encode(batches.batch(rows))
