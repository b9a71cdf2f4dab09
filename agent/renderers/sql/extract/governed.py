"""A sql report's query as it runs: with every governed table of its datasource filtered to the
job's scope (``contracts.governance.governed_sql``), on the row path and the fast path alike.

The catalog settled which governed tables the report reads; the job carries the caller's scope of
each (checked against the key before rendering). Any other governed table of the datasource is
filtered to no row, so a read the catalog's analysis could have missed fails closed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url

from agent.jobs.errors import InvalidRenderError
from contracts.catalog import ReportSpec
from contracts.governance.governed_sql import UngovernableQuery, governed_query
from contracts.governance.policy import ScopeValues, SqlDialect
from contracts.messages import JobMessage

# SQLAlchemy's backend names, as the catalog's datasource dialects.
DIALECTS: dict[str, SqlDialect] = {
    "mysql": "mysql",
    "mariadb": "mysql",
    "postgresql": "postgres",
    "sqlite": "sqlite",
}


def governed(
    query: str, params: dict[str, Any], report: ReportSpec, job: JobMessage, url: str
) -> tuple[str, dict[str, Any]]:
    """The query and params to run: unchanged where the datasource governs no table."""
    spec = report.datasource_spec
    if spec is None or not spec.governed:
        return query, params
    name = str(report.source.get("datasource"))
    backend = make_url(url).get_backend_name()
    if DIALECTS.get(backend) != spec.dialect:
        raise InvalidRenderError(
            f"datasource {name!r} is {spec.dialect} in the catalog, but the agent's URL for it is {backend}"
        )
    scopes: dict[str, tuple[str, ScopeValues]] = {
        table: (table_spec.column, job.scope.get(f"{name}.{table}", []))
        for table, table_spec in spec.governed.items()
    }
    try:
        text, binds = governed_query(query, spec.dialect, scopes, params)
    except UngovernableQuery as exc:
        raise InvalidRenderError(f"report {report.name!r}: {exc}") from exc
    return text, {**params, **binds}
