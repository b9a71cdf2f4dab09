"""The databases loads write to: the agent's ``SNAPSHOT_DATA_SOURCES``, opened with an async
driver that has a bulk path (MySQL/MariaDB through aiomysql with ``LOAD DATA LOCAL`` allowed,
PostgreSQL through psycopg's ``COPY``, SQLite through aiosqlite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from agent.datasource_urls import DatasourceUrls
from agent.jobs.errors import InvalidLoadError, TransientLoadError
from agent.secret_passwords import SecretPasswords

ASYNC_DRIVERS = {"mysql": "mysql+aiomysql", "mariadb": "mysql+aiomysql", "postgresql": "postgresql+psycopg"}


class LoadDatabases:
    """A datasource named in ``SNAPSHOT_DATA_SOURCE_SECRETS`` gets its password from ``passwords``;
    a changed password (a rotation) makes its engine anew."""

    def __init__(self, urls: dict[str, str], passwords: SecretPasswords | None = None) -> None:
        self._urls = DatasourceUrls(urls, passwords, InvalidLoadError, TransientLoadError)
        self._engines: dict[str, tuple[str, AsyncEngine]] = {}

    async def get(self, name: str) -> AsyncEngine:
        url = await self._urls.url(name)
        current = self._engines.get(name)
        if current is not None and current[0] == url:
            return current[1]
        if current is not None:
            await current[1].dispose()
        self._engines[name] = (url, _open(make_url(url)))
        return self._engines[name][1]

    async def close(self) -> None:
        for _, engine in self._engines.values():
            await engine.dispose()
        self._engines.clear()


def _open(url: URL) -> AsyncEngine:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite(url)
    driver = ASYNC_DRIVERS.get(backend)
    if driver is None:
        raise InvalidLoadError(f"loads into {backend} are not supported (mysql, mariadb, postgresql, sqlite)")
    connect_args = {"local_infile": True} if driver == "mysql+aiomysql" else {}
    return create_async_engine(url.set(drivername=driver), pool_pre_ping=True, connect_args=connect_args)


def _sqlite(url: URL) -> AsyncEngine:
    """pysqlite opens transactions lazily and commits on its own around SAVEPOINTs, which would
    let the ``_loads`` row commit without the rows. SQLAlchemy's recipe: the driver's own
    transaction handling off, and BEGIN emitted here (IMMEDIATE: the write lock up front)."""
    engine = create_async_engine(url.set(drivername="sqlite+aiosqlite"), connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _driver_transactions_off(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        # WAL: renders keep reading while a load writes (in rollback-journal mode a load's commit
        # and a render's read lock each other out: "database is locked"). It stays on the file.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
