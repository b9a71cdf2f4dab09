"""The datasources a catalog may name, from ``SNAPSHOT_DATA_SOURCES`` (name → SQLAlchemy URL).

Each has the engine its URL names (the row path). MySQL/MariaDB and PostgreSQL also get the
fast path: ConnectorX's URL for the same server, and a control engine (aiomysql, psycopg) that
describes queries and stops them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from agent.errors import InvalidRenderError
from agent.extract.dialects import FAST_DIALECTS, FastDialect


@dataclass(frozen=True)
class FastPath:
    dialect: FastDialect
    connectorx_url: str
    control: AsyncEngine


@dataclass(frozen=True)
class DataSource:
    name: str
    engine: AsyncEngine
    fast: FastPath | None


class DataSources:
    def __init__(self, urls: dict[str, str]) -> None:
        self._urls = urls
        self._sources: dict[str, DataSource] = {}

    def get(self, name: str) -> DataSource:
        if name not in self._sources:
            if name not in self._urls:
                raise InvalidRenderError(
                    f"datasource {name!r} is not configured on this agent (SNAPSHOT_DATA_SOURCES)"
                )
            self._sources[name] = _open(name, self._urls[name])
        return self._sources[name]

    async def close(self) -> None:
        for source in self._sources.values():
            await source.engine.dispose()
            if source.fast is not None:
                await source.fast.control.dispose()
        self._sources.clear()


def _open(name: str, url_text: str) -> DataSource:
    url = make_url(url_text)
    engine = create_async_engine(url, pool_pre_ping=True)
    dialect = FAST_DIALECTS.get(url.get_backend_name())
    if dialect is None:
        return DataSource(name, engine, None)
    control_url = url.set(drivername=dialect.control_driver)
    control = engine if control_url.drivername == url.drivername else create_async_engine(control_url)
    connectorx_url = url.set(drivername=dialect.connectorx_scheme).render_as_string(hide_password=False)
    return DataSource(name, engine, FastPath(dialect, connectorx_url, control))
