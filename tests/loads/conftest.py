"""Loads into real servers: MariaDB and PostgreSQL on loopback, and SQLite (the sandbox's).

Outside CI a missing server skips its tests; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from agent.jobs.load.databases import LoadDatabases
from agent.jobs.load.merge import LoadRecord, Merged
from agent.jobs.load.pipeline import check_and_merge
from agent.jobs.load.prepare import ArrowSpool, CsvSpool, Prepared, prepare
from contracts.datasets import DatasetSpec, FileFormat, parse_datasets
from tests.sql.conftest import SERVERS
from tests.support.services import require_service

COLUMNS = """
[datasets.sales.columns]
id = { type = "integer", nullable = false }
day = { type = "date", nullable = false }
region = { type = "string", max_length = 8, nullable = false }
note = { type = "string", max_length = 40 }
units = { type = "integer", nullable = false }
amount = { type = "decimal", precision = 12, scale = 2, nullable = false }
ratio = { type = "number" }
paid = { type = "boolean" }
at = { type = "timestamp" }
"""
HEADER = "id,day,region,note,units,amount,ratio,paid,at"


def sales_dataset(table: str = "sales", mode: str = "upsert", threshold: float = 0.5) -> DatasetSpec:
    return parse_datasets(f"""
[datasets.sales]
datasource = "db"
table = "{table}"
primary_key = ["id"]
mode = "{mode}"
formats = ["csv", "csv.gz", "parquet", "jsonl", "jsonl.gz"]
reject_threshold = {threshold}
{COLUMNS}
""").datasets["sales"]


def load_id() -> str:
    return f"ld-{uuid.uuid4().hex}"


@dataclass
class Target:
    """A database to load into, with a fresh table name per test."""

    name: str
    engine: AsyncEngine
    table: str
    work: Path

    def dataset(self, mode: str = "upsert", threshold: float = 0.5) -> DatasetSpec:
        return sales_dataset(self.table, mode, threshold)

    def prepare(self, source: Path, dataset: DatasetSpec, fmt: FileFormat = "csv") -> Prepared:
        work = self.work / uuid.uuid4().hex
        work.mkdir()
        spool = ArrowSpool if self.name == "sqlite" else CsvSpool
        return prepare(source, fmt, dataset, spool, work, threading.Event())

    async def load(
        self,
        source: Path,
        dataset: DatasetSpec,
        key: str = "sales/f.csv",
        ident: str | None = None,
        sequencer: str = "",
    ) -> Merged:
        fmt = dataset.format_of(key)
        assert fmt is not None
        where = f"s3://landing-{self.table}/{key}"  # _loads is shared by every test on a server
        record = LoadRecord(ident or load_id(), "sales", where, "etag", sequencer)
        work = self.work / uuid.uuid4().hex
        work.mkdir()
        merged, _ = await check_and_merge(source, fmt, dataset, self.engine, record, work)
        return merged

    async def rows(self, columns: str = "id, units") -> list[tuple[object, ...]]:
        async with self.engine.connect() as conn:
            result = await conn.execute(sa.text(f"SELECT {columns} FROM {self.table} ORDER BY id"))
            return [tuple(row) for row in result]

    async def loads_recorded(self, ident: str) -> int:
        async with self.engine.connect() as conn:
            found = await conn.execute(
                sa.text("SELECT COUNT(*) FROM _loads WHERE load_id = :i"), {"i": ident}
            )
            return int(found.scalar_one())


TARGETS = {
    "mariadb": SERVERS["mariadb"],
    "postgres": SERVERS["postgres"].replace("+asyncpg", "+psycopg"),
    "sqlite": "sqlite:///{work}/loads.db",
}


@pytest.fixture(params=sorted(TARGETS), ids=sorted(TARGETS))
async def target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Target]:
    databases = LoadDatabases({"db": TARGETS[request.param].format(work=tmp_path)})
    engine = await databases.get("db")
    try:
        async with engine.connect():
            pass
    except (OSError, DBAPIError) as exc:
        await databases.close()
        require_service(request.param, str(exc))
    table = f"load_{uuid.uuid4().hex[:8]}"
    yield Target(request.param, engine, table, tmp_path)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    await databases.close()
