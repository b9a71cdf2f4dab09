"""The datasources a catalog may name, from ``SNAPSHOT_DATA_SOURCES`` (name → SQLAlchemy URL).

Each has the engine its URL names (the row path). MySQL/MariaDB and PostgreSQL also get the
fast path: ConnectorX's URL for the same server, and a control engine (aiomysql, psycopg) that
describes queries and stops them; PostgreSQL also psql's login for its COPY route.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from agent.datasource_urls import DatasourceUrls
from agent.jobs.errors import InvalidRenderError, TransientRenderError
from agent.renderers.sql.extract.dialects import FAST_DIALECTS, FastDialect
from agent.secret_passwords import SecretPasswords


@dataclass(frozen=True)
class CopyLogin:
    """psql's login for PostgreSQL's COPY route: a libpq URI without the password, and the
    password apart (it goes in psql's environment, never its argv)."""

    url: str
    password: str | None


@dataclass(frozen=True)
class FastPath:
    dialect: FastDialect
    connectorx_url: str
    control: AsyncEngine
    copy: CopyLogin | None = None  # PostgreSQL's


@dataclass(frozen=True)
class DataSource:
    name: str
    url: str  # with the password it was opened with
    engine: AsyncEngine
    fast: FastPath | None


class DataSources:
    """``passwords`` gives a datasource named in ``SNAPSHOT_DATA_SOURCE_SECRETS`` its password; a
    changed password (a rotation) opens the datasource anew."""

    def __init__(self, urls: dict[str, str], passwords: SecretPasswords | None = None) -> None:
        self._urls = DatasourceUrls(urls, passwords, InvalidRenderError, TransientRenderError)
        self._sources: dict[str, DataSource] = {}

    async def get(self, name: str) -> DataSource:
        url = await self._urls.url(name)
        current = self._sources.get(name)
        if current is not None and current.url == url:
            return current
        if current is not None:
            await _dispose(current)  # its password was rotated: in-use connections finish first
        self._sources[name] = _open(name, url)
        return self._sources[name]

    async def close(self) -> None:
        for source in self._sources.values():
            await _dispose(source)
        self._sources.clear()


async def _dispose(source: DataSource) -> None:
    await source.engine.dispose()
    if source.fast is not None and source.fast.control is not source.engine:
        await source.fast.control.dispose()


def _open(name: str, url_text: str) -> DataSource:
    url = make_url(url_text)
    engine = create_async_engine(url, pool_pre_ping=True)
    dialect = FAST_DIALECTS.get(url.get_backend_name())
    if dialect is None:
        return DataSource(name, url_text, engine, None)
    control_url = url.set(drivername=dialect.control_driver)
    control = engine if control_url.drivername == url.drivername else create_async_engine(control_url)
    connectorx_url = url.set(drivername=dialect.connectorx_scheme).render_as_string(hide_password=False)
    copy = None
    if dialect.copy_route:
        libpq = URL.create(  # URL.set would keep the password it is given None for
            "postgresql", url.username, None, url.host, url.port, url.database, url.query
        )
        copy = CopyLogin(libpq.render_as_string(hide_password=False), url.password)
    return DataSource(name, url_text, engine, FastPath(dialect, connectorx_url, control, copy))
