"""Read-only connections: every session the verifier opens refuses writes (MySQL ``SET SESSION
TRANSACTION READ ONLY``, PostgreSQL ``default_transaction_read_only``, SQLite opened ``mode=ro``)
and reads time in UTC."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

# Plain URLs get the drivers this project installs.
DRIVERS = {
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}


def readonly_engine(url: str, connections: int) -> sa.Engine:
    parsed = sa.engine.make_url(url)
    parsed = parsed.set(drivername=DRIVERS.get(parsed.drivername, parsed.drivername))
    backend = parsed.get_backend_name()
    if backend in {"mysql", "mariadb"}:
        engine = sa.create_engine(parsed, pool_size=connections, pool_pre_ping=True)
        sa.event.listen(engine, "connect", _mysql_session)
        return engine
    if backend == "postgresql":
        # DateStyle ISO: a date column is hashed as the server prints it (normalise.py). No
        # parallel workers: the verifier already runs a query per range at once, and a worker
        # started for each of them only crowds the same cores.
        options = (
            "-c default_transaction_read_only=on -c TimeZone=UTC -c DateStyle=ISO"
            " -c max_parallel_workers_per_gather=0"
        )
        return sa.create_engine(
            parsed, pool_size=connections, pool_pre_ping=True, connect_args={"options": options}
        )
    raise ValueError(f"{parsed.drivername}: the verifier reads MySQL/MariaDB and PostgreSQL")


def readonly_sqlite(path: Path) -> sa.Engine:
    """A SQLite file opened read-only (by URI): the sandbox's data, a report's decoded rows."""
    if not path.is_file():
        raise ValueError(f"{path}: no such SQLite file")
    return sa.create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")


def _mysql_session(connection: Any, _record: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
        cursor.execute("SET SESSION time_zone = '+00:00'")


def display(url: str) -> str:
    """The URL without its password, for reports and the resume state."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)
