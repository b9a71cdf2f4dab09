"""The migration tools against real servers: MariaDB (the target) and PostgreSQL (the stand-in for
SQL Server, which cannot run here). Outside CI a missing server skips; in CI it fails."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from tests.sql.conftest import SERVERS
from tests.support.services import require_service

MARIADB_URL = sa.engine.make_url(SERVERS["mariadb"]).set(drivername="mysql+pymysql")


@pytest.fixture
def mariadb_database() -> Iterator[sa.Engine]:
    """An engine on a fresh, empty MariaDB database, dropped afterwards."""
    server = sa.create_engine(MARIADB_URL)
    name = f"mig_{uuid.uuid4().hex[:10]}"
    try:
        with server.begin() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    except (OSError, DBAPIError) as exc:
        server.dispose()
        require_service("mariadb", str(exc))
    engine = sa.create_engine(MARIADB_URL.set(database=name))
    yield engine
    engine.dispose()
    with server.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name}"))
    server.dispose()


POSTGRES_URL = sa.engine.make_url(SERVERS["postgres"]).set(drivername="postgresql+psycopg")


@dataclass(frozen=True)
class PostgresSchema:
    engine: sa.Engine
    schema: str


@pytest.fixture
def postgres_schema() -> Iterator[PostgresSchema]:
    """A fresh PostgreSQL schema (the stand-in for the SQL Server source), dropped afterwards."""
    engine = sa.create_engine(POSTGRES_URL)
    name = f"mig_{uuid.uuid4().hex[:10]}"
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    except (OSError, DBAPIError) as exc:
        engine.dispose()
        require_service("postgres", str(exc))
    yield PostgresSchema(engine, name)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
    engine.dispose()
