"""``sql``: a catalog query with bound params, streamed batch by batch into CSV, Parquet or XLSX.

The pipeline: find the datasource, choose the path, then stream encoded chunks into the sink.
With ``fast_batch_rows`` set, MySQL/MariaDB and PostgreSQL results take the fast path
(ConnectorX into Arrow; for PostgreSQL results of bounded width, psql's CSV COPY parsed by
pyarrow, which is faster) when the server says every column fits it; SQLite and any other result
take the row path (SQLAlchemy's streaming cursor). ConnectorX runs in reader processes forked by a server the
renderer starts on its first fast extract: in the agent's own process it would hold the GIL,
freezing the event loop, for as long as the server works on a query.

Either way no result is ever held whole. The catalog names a datasource;
``SNAPSHOT_DATA_SOURCES`` maps it to a URL, keeping credentials out of the catalog.

Failing to connect is ``Render.Transient`` (the state machine retries); a query the database
rejects is ``Render.Invalid`` unless the connection dropped under it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from agent.jobs.errors import InvalidRenderError
from agent.renderers.base import Sink
from agent.renderers.sql.extract.describe import describe
from agent.renderers.sql.extract.extracts import Extract, FastExtract, RowExtract
from agent.renderers.sql.extract.governed import governed
from agent.renderers.sql.extract.reader_process import ReaderServer
from agent.renderers.sql.extract.sources import DataSource, DataSources
from agent.secret_passwords import SecretPasswords
from agent.writers import make_encoder
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage

log = logging.getLogger(__name__)


class SqlRenderer:
    name = "sql"
    formats = frozenset({"csv", "parquet", "xlsx"})

    def __init__(
        self,
        data_sources: dict[str, str],
        max_concurrency: int,
        batch_rows: int,
        fast_batch_rows: int | None = None,
        passwords: SecretPasswords | None = None,
        copy_client: str | None = None,
    ) -> None:
        """``fast_batch_rows``: the fast path's batches (larger: a reader process has no event loop
        to keep responsive); None turns the fast path off. ``copy_client``: psql, by name or path,
        for PostgreSQL's COPY route; None or not found: ConnectorX reads every PostgreSQL result."""
        self._sources = DataSources(data_sources, passwords)
        self._copy_client = shutil.which(copy_client) if copy_client else None
        if copy_client and self._copy_client is None:
            log.warning("sql: %r is not on the PATH; ConnectorX reads every PostgreSQL result", copy_client)
        self._fast_batch_rows = fast_batch_rows
        self.max_concurrency = max_concurrency
        self._batch_rows = batch_rows
        self._threads = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="sql-extract")
        self._readers = ReaderServer()

    async def render(self, job: JobMessage, report: ReportSpec, sink: Sink) -> None:
        source = await self._sources.get(str(report.source.get("datasource", "")))
        query, params = governed(_query(report), _bind(job.params, report), report, job, source.url)
        extract = await self._extract(source, query, params)
        encoder = make_encoder(job.format, keep_formulas=_keeps_formulas(report))
        async with contextlib.aclosing(extract.chunks(encoder)) as chunks:
            async for chunk in chunks:
                await sink.write(chunk)
        for chunk in encoder.finish(extract.columns):
            await sink.write(chunk)

    async def _extract(self, source: DataSource, query: str, params: dict[str, Any]) -> Extract:
        if self._fast_batch_rows is not None and source.fast is not None:
            described = await describe(source.fast, query, params)
            if described.row_path_reason is None:
                return FastExtract(
                    source.fast, query, params, described, self._fast_batch_rows, self._threads,
                    self._readers, self._copy_client,
                )  # fmt: skip
            log.info("sql: %s takes the row path: %s", source.name, described.row_path_reason)
        return RowExtract(source, query, params, self._batch_rows, self._threads)

    async def close(self) -> None:
        await self._sources.close()
        self._threads.shutdown(wait=False, cancel_futures=True)
        await asyncio.to_thread(self._readers.close)


def _query(report: ReportSpec) -> str:
    query = report.source.get("query")
    if not isinstance(query, str) or not query.strip():
        raise InvalidRenderError(f"report {report.name!r} has no source.query")
    return query


def _keeps_formulas(report: ReportSpec) -> bool:
    """``csv_formulas = "keep"``: the report's CSV feeds a machine, which wants the text as it is;
    by default ("text") formula-like text is written so a spreadsheet shows it as text."""
    choice = report.source.get("csv_formulas", "text")
    if choice not in ("text", "keep"):
        raise InvalidRenderError(f"report {report.name!r}: csv_formulas is 'text' or 'keep', not {choice!r}")
    return bool(choice == "keep")


def _bind(params: dict[str, Any], report: ReportSpec) -> dict[str, Any]:
    """Dates travel as ISO strings; drivers such as asyncpg want ``datetime.date``."""
    bound = dict(params)
    for name, spec in report.params.items():
        if spec.type == "date" and isinstance(bound.get(name), str):
            bound[name] = date.fromisoformat(bound[name])
    return bound
