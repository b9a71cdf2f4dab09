"""Everything the fast path knows about a database family, in one place: the driver that
describes its queries, ConnectorX's name for it, how its literals are written, how it describes a
query without running it, and how a marked query is found and stopped on the server."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from agent.renderers.sql.extract.columns import Described, describe_mysql, describe_postgresql
from agent.renderers.sql.extract.literals import mysql_literal, postgresql_literal
from agent.renderers.sql.extract.no_rows import (
    NoRowsStatement,
    limit_zero_subquery,
    session_select_limit_zero,
)


@dataclass(frozen=True)
class FastDialect:
    control_driver: str  # SQLAlchemy's driver whose cursor description carries DECIMAL scales
    connectorx_scheme: str
    literal: Callable[[Any], str]
    # Compiles the query text with literals inlined; "named" so a % in the text stays one %.
    literal_compiler: Dialect
    columns: Callable[[Any], Described]
    no_rows: Callable[[AsyncConnection], AbstractAsyncContextManager[NoRowsStatement]]
    find_marked: str  # the server threads whose query text is LIKE :pattern (not this one)
    stop_thread: str  # formatted with one thread id
    copy_route: bool = False  # psql's CSV COPY parsed by pyarrow (copy_reader) where columns allow


MYSQL = FastDialect(
    control_driver="mysql+aiomysql",
    connectorx_scheme="mysql",
    literal=mysql_literal,
    literal_compiler=mysql.dialect(paramstyle="named"),
    columns=describe_mysql,
    no_rows=session_select_limit_zero,
    find_marked=(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE :pattern AND ID <> CONNECTION_ID()"
    ),
    stop_thread="KILL QUERY {}",
)
POSTGRESQL = FastDialect(
    control_driver="postgresql+psycopg",
    connectorx_scheme="postgresql",
    literal=postgresql_literal,
    literal_compiler=postgresql.dialect(paramstyle="named"),  # type: ignore[no-untyped-call]
    columns=describe_postgresql,
    no_rows=limit_zero_subquery,
    find_marked="SELECT pid FROM pg_stat_activity WHERE query LIKE :pattern AND pid <> pg_backend_pid()",
    stop_thread="SELECT pg_cancel_backend({})",
    copy_route=True,
)
# By the backend a datasource URL names (MariaDB speaks MySQL's protocol).
FAST_DIALECTS = {"mysql": MYSQL, "mariadb": MYSQL, "postgresql": POSTGRESQL}
