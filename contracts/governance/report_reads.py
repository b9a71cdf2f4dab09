"""Which governed tables each report reads, settled when the catalog loads.

- ``sql``: what its query reads, found by parsing it in its datasource's dialect (a query that
  cannot be analysed is refused here, so it never runs);
- ``quicksight`` and ``browser``: what the report's ``reads`` says. In a catalog that governs
  any table, each such report must say it (``reads = []`` for none): a dashboard's queries are
  not ours to parse, so its author states what it shows, and how the scope reaches it is checked:
  QuickSight's row-level tags come from the scope; a dashboard URL must carry
  ``{scope:<datasource>.<table>}`` for each table read.
"""

from __future__ import annotations

from string import Formatter
from typing import Any

from contracts.governance.governed_sql import UngovernableQuery, tables_read
from contracts.governance.policy import DatasourceSpec, GovernedRead


def reads_of(
    name: str,
    renderer: str,
    source: dict[str, Any],
    declared: list[str] | None,
    datasources: dict[str, DatasourceSpec],
    governed: dict[str, GovernedRead],
) -> tuple[GovernedRead, ...]:
    """The report's governed reads; ``ValueError`` naming the report and the reason."""
    _refuse_free_tags(name, source)
    if renderer == "sql":
        if declared is not None:
            raise ValueError(f"report {name!r}: a sql report's reads come from its query; remove reads")
        return _sql_reads(name, source, datasources)
    if declared is None:
        if governed:
            raise ValueError(
                f"report {name!r} ({renderer}) must say which governed tables it shows:"
                f" reads = [...] from {sorted(governed)}, or reads = [] for none"
            )
        declared = []
    unknown = sorted(set(declared) - set(governed))
    if unknown:
        raise ValueError(f"report {name!r}: reads names {unknown}, not governed tables {sorted(governed)}")
    reads = tuple(governed[table_id] for table_id in sorted(set(declared)))
    if renderer == "browser":
        _scope_reaches_page(name, source, reads)
    return reads


def _sql_reads(
    name: str, source: dict[str, Any], datasources: dict[str, DatasourceSpec]
) -> tuple[GovernedRead, ...]:
    datasource = source.get("datasource")
    query = source.get("query")
    spec = datasources.get(datasource) if isinstance(datasource, str) else None
    if spec is None or not spec.governed:
        return ()
    if not isinstance(query, str):
        raise ValueError(f"report {name!r}: source.query must be text")
    try:
        read = tables_read(query, spec.dialect, spec.governed)
    except UngovernableQuery as exc:
        raise ValueError(f"report {name!r}: its query reads governed data and {exc}") from exc
    by_name = {table.lower(): table for table in spec.governed}
    return tuple(GovernedRead(str(datasource), by_name[t], spec.governed[by_name[t]]) for t in sorted(read))


def scope_placeholders(template: str) -> set[str]:
    """The governed table ids a template's ``{scope:<id>}`` fields name."""
    return {spec for _, field, spec, _ in Formatter().parse(template) if field == "scope" and spec}


def _scope_reaches_page(name: str, source: dict[str, Any], reads: tuple[GovernedRead, ...]) -> None:
    url = source.get("url")
    if not isinstance(url, str):
        return  # an embedded QuickSight dashboard: its session tags come from the scope
    try:
        placed = scope_placeholders(url)
    except ValueError as exc:
        raise ValueError(f"report {name!r}: source.url is not a template: {exc}") from exc
    wanted = {read.id for read in reads}
    if wanted - placed:
        raise ValueError(
            f"report {name!r} shows {sorted(wanted)} but its url does not carry the scope: add"
            f" {', '.join('{scope:' + i + '}' for i in sorted(wanted - placed))}"
        )
    if placed - wanted:
        raise ValueError(f"report {name!r}: its url uses scopes {sorted(placed - wanted)} it does not read")


def _refuse_free_tags(name: str, source: Any) -> None:
    """Row-level tags are the governed tables' scope, never free text over request params."""
    if isinstance(source, dict):
        if "row_level_tags" in source:
            raise ValueError(
                f"report {name!r}: row_level_tags is gone: declare the governed table under"
                " [datasources.<name>.governed] and name it in the report's reads"
            )
        for value in source.values():
            _refuse_free_tags(name, value)
