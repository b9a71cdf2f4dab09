"""Governed tables on the real servers: the rewritten query runs on MariaDB and PostgreSQL as
written (a property test against a copy holding only the scope's rows), and the sql renderer's
row path and fast path (ConnectorX) both read only the job's scope."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from agent.jobs.errors import InvalidRenderError
from agent.renderers.sql.renderer import SqlRenderer
from contracts.catalog import ReportSpec, parse_catalog
from contracts.governance.governed_sql import governed_query
from contracts.governance.policy import ScopeValues, SqlDialect
from contracts.messages import JobMessage
from tests.sql.conftest import SERVERS, job
from tests.support.governed_catalogs import governed_sales
from tests.support.governed_queries import DDL, GOVERNED, TABLES, allowed, queries, rows, scopes
from tests.support.services import require_service
from tests.support.sinks import ListSink

SYNC_DRIVERS = {"mysql": "mysql+pymysql", "postgresql": "postgresql+psycopg"}
DIALECT = {"mysql": "mysql", "postgresql": "postgres"}


class Schemas:
    """Two schemas on one server: ``full`` holds every row, ``scoped`` what a scope allows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backend = engine.url.get_backend_name()
        self.dialect: SqlDialect = DIALECT[self.backend]  # type: ignore[assignment]
        suffix = uuid.uuid4().hex[:8]
        self.full, self.scoped = f"gov_full_{suffix}", f"gov_scoped_{suffix}"
        for schema in (self.full, self.scoped):
            with engine.begin() as conn:
                conn.execute(text(f"CREATE {'DATABASE' if self.backend == 'mysql' else 'SCHEMA'} {schema}"))
                self._use(conn, schema)
                for ddl in DDL.values():
                    conn.execute(text(ddl))
        self.fill(self.full, None)

    def _use(self, conn: Connection, schema: str) -> None:
        conn.execute(text(f"USE {schema}" if self.backend == "mysql" else f"SET search_path TO {schema}"))

    def fill(self, schema: str, scope: dict[str, ScopeValues] | None) -> None:
        with self.engine.begin() as conn:
            self._use(conn, schema)
            for table, columns in TABLES.items():
                conn.execute(text(f"DELETE FROM {table}"))
                kept = [r for r in rows(table) if scope is None or allowed(table, r, scope)]
                marks = ", ".join(f":{c}" for c in columns)
                if kept:
                    conn.execute(
                        text(f"INSERT INTO {table} VALUES ({marks})"),
                        [dict(zip(columns, r, strict=True)) for r in kept],
                    )

    def run(self, schema: str, query: str, binds: dict[str, Any]) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            self._use(conn, schema)
            return sorted((tuple(r) for r in conn.execute(text(query), binds)), key=repr)

    def drop(self) -> None:
        with self.engine.begin() as conn:
            for schema in (self.full, self.scoped):
                kind = "DATABASE" if self.backend == "mysql" else "SCHEMA"
                conn.execute(
                    text(f"DROP {kind} IF EXISTS {schema}{'' if self.backend == 'mysql' else ' CASCADE'}")
                )


@pytest.fixture(params=sorted(SERVERS), ids=sorted(SERVERS))
def schemas(request: pytest.FixtureRequest) -> Iterator[Schemas]:
    url = make_url(SERVERS[request.param])
    engine = create_engine(url.set(drivername=SYNC_DRIVERS[url.get_backend_name()]))
    try:
        with engine.connect():
            pass
    except (OSError, DBAPIError) as exc:
        engine.dispose()
        require_service(request.param, str(exc))
    made = Schemas(engine)
    try:
        yield made
    finally:
        made.drop()
        engine.dispose()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries(), scope=scopes)
def test_the_rewritten_query_runs_on_the_server_and_sees_exactly_the_scopes_rows(
    schemas: Schemas, query: str, scope: dict[str, ScopeValues]
) -> None:
    text_, binds = governed_query(query, schemas.dialect, {t: (GOVERNED[t], scope[t]) for t in GOVERNED})
    schemas.fill(schemas.scoped, scope)
    assert schemas.run(schemas.full, text_, binds) == schemas.run(schemas.scoped, query, {}), (query, text_)


def governed_report(table: str, dialect: str, schema: str) -> ReportSpec:
    """A report over ``schema.table``: a governed table is matched by name in any schema."""
    catalog = parse_catalog(
        governed_sales("db", dialect, table)
        + f"""
[reports.extract]
renderer = "sql"
formats = ["csv", "parquet"]
[reports.extract.params.min_units]
type = "integer"
default = 0
[reports.extract.source]
datasource = "db"
query = "SELECT s.id, s.region, s.units FROM {schema}.{table} s WHERE s.units >= :min_units ORDER BY s.id"
[reports.extract.access]
callers = ["*"]
"""
    )
    return catalog.reports["extract"]


def scoped_job(report: ReportSpec, table: str, values: ScopeValues) -> JobMessage:
    """A job of ``report`` carrying the scope ``values`` of its table (the renderer checks no key)."""
    return job("csv", report.normalise_params({})).model_copy(update={"scope": {f"db.{table}": values}})


@pytest.mark.parametrize("fast", [False, True], ids=["row-path", "fast-path"])
async def test_both_paths_read_only_the_jobs_scope(
    schemas: Schemas, fast: bool, caplog: pytest.LogCaptureFixture
) -> None:
    url = SERVERS["mariadb" if schemas.backend == "mysql" else "postgres"]
    report = governed_report("sales", schemas.dialect, schemas.full)
    renderer = SqlRenderer(
        {"db": url},
        max_concurrency=2,
        batch_rows=7,
        fast_batch_rows=7 if fast else None,
    )
    try:
        cases: list[tuple[ScopeValues, set[str]]] = [
            (["EMEA"], {"EMEA"}),
            (["AMER", "APAC"], {"AMER", "APAC"}),
            ([], set()),
        ]
        for values, regions in cases:
            sink = ListSink()
            await renderer.render(scoped_job(report, "sales", values), report, sink)
            got = list(csv.DictReader(io.StringIO(sink.data.decode())))
            assert {row["region"] for row in got} == regions
            assert len(got) == sum(1 for r in rows("sales") if r[1] in regions)
        sink = ListSink()
        await renderer.render(scoped_job(report, "sales", "*"), report, sink)
        assert len(list(csv.DictReader(io.StringIO(sink.data.decode())))) == len(rows("sales"))
    finally:
        await renderer.close()
    assert not (fast and "takes the row path" in caplog.text), "the fast path ran"


async def test_a_datasource_of_another_dialect_than_the_catalog_says_is_refused(schemas: Schemas) -> None:
    other = "postgres" if schemas.dialect == "mysql" else "mysql"
    report = governed_report("sales", other, schemas.full)
    url = SERVERS["mariadb" if schemas.backend == "mysql" else "postgres"]
    renderer = SqlRenderer({"db": url}, max_concurrency=1, batch_rows=10)
    try:
        with pytest.raises(InvalidRenderError, match=f"is {other} in the catalog"):
            await renderer.render(scoped_job(report, "sales", ["EMEA"]), report, ListSink())
    finally:
        await renderer.close()
