"""The migration tools against real servers: MariaDB (the target) and PostgreSQL (the stand-in for
SQL Server, which cannot run here). Outside CI a missing server skips; in CI it fails."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from tests.sql.conftest import SERVERS
from tests.support.services import require_service

MARIADB_URL = sa.engine.make_url(SERVERS["mariadb"]).set(drivername="mysql+pymysql")
POSTGRES_URL = sa.engine.make_url(SERVERS["postgres"]).set(drivername="postgresql+psycopg")


@dataclass(frozen=True)
class PostgresSchema:
    engine: sa.Engine
    schema: str


@contextlib.contextmanager
def scratch(url: sa.URL, service: str, kind: str, drop: str) -> Iterator[tuple[sa.Engine, str]]:
    """A database or schema of a fresh name on a server, dropped afterwards (a missing server
    skips, in CI fails): the server's engine and the name."""
    server = sa.create_engine(url)
    name = f"mig_{uuid.uuid4().hex[:10]}"
    try:
        with server.begin() as conn:
            conn.execute(sa.text(f"CREATE {kind} {name}"))
    except (OSError, DBAPIError) as exc:
        server.dispose()
        require_service(service, str(exc))
    with contextlib.ExitStack() as stack:
        stack.callback(server.dispose)
        yield server, name
        with server.begin() as conn:
            conn.execute(sa.text(drop.format(name=name)))


@pytest.fixture
def mariadb_database() -> Iterator[sa.Engine]:
    """An engine on a fresh, empty MariaDB database, dropped afterwards."""
    with scratch(MARIADB_URL, "mariadb", "DATABASE", "DROP DATABASE {name}") as (_, name):
        engine = sa.create_engine(MARIADB_URL.set(database=name))
        with contextlib.ExitStack() as stack:
            stack.callback(engine.dispose)
            yield engine


@pytest.fixture
def postgres_schema() -> Iterator[PostgresSchema]:
    """A fresh PostgreSQL schema (the stand-in for the SQL Server source), dropped afterwards."""
    with scratch(POSTGRES_URL, "postgres", "SCHEMA", "DROP SCHEMA {name} CASCADE") as (server, name):
        yield PostgresSchema(server, name)


AZURITE = Path(__file__).parents[2] / ".tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
# Azurite's well-known development account (public, in Azure's documentation).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Azure Blob on loopback (make azurite installs it): its connection string."""
    if not AZURITE.exists():
        require_service("azurite", f"{AZURITE} is missing: run make azurite")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    location = tmp_path_factory.mktemp("azurite")
    command = [
        str(AZURITE),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--skipApiVersionCheck",
        "--loose",
        "--silent",
        "--location",
        str(location),
    ]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        deadline = time.monotonic() + 30
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                require_service(
                    "azurite",
                    f"did not start: {process.stderr.read().decode()[-500:] if process.stderr else ''}",
                )
            time.sleep(0.1)
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};"
        )
        process.terminate()
        try:  # Azurite waits for idle keep-alive connections to close; nothing here needs that
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
