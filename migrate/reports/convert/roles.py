"""Power BI RLS roles to the platform's governed tables (docs/governance.md): a role whose filter
on a table keeps the rows where one column is one of a list of values becomes that table's
governed column, and each role member an entitlement to those values. Any other filter is a
finding: the platform governs a table by one column against the caller's values, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate.reports.dax.parse import DaxError, parse
from migrate.reports.dax.tree import Binary, ColumnRef, Node, String, TableConstructor
from migrate.reports.findings import Finding
from migrate.reports.model import SemanticModel


class _NotAValueList(Exception):
    pass


@dataclass
class Governed:
    table: str  # the database table (the source of the model's table)
    column: str
    entitlement: str
    values_by_member: dict[str, set[str]] = field(default_factory=dict)


def governance(model: SemanticModel, findings: list[Finding]) -> dict[str, Any]:
    """``{"governed": [...], "entitlements": [...]}``: what to declare in the catalog and what to
    put in the entitlements table, members as Power BI names them (map them to IAM principals or
    groups)."""
    governed: dict[str, Governed] = {}
    for role in model.roles:
        for table_name, expression in role.filters.items():
            where = f"role '{role.name}' on '{table_name}'"
            table = model.table(table_name)
            if table is None or table.source is None:
                findings.append(
                    Finding("ROLE_FILTER", where, "the table is not one of the migrated database tables")
                )
                continue
            try:
                column, values = _column_in_values(parse(expression), table_name)
            except (DaxError, _NotAValueList) as exc:
                findings.append(
                    Finding("ROLE_FILTER", where, f"not one column against a list of values: {exc}")
                )
                continue
            found = table.column(column)
            source_column = (found.source_column or found.name) if found is not None else None
            if source_column is None:
                findings.append(
                    Finding("ROLE_FILTER", where, f"[{column}] is not a stored column of the table")
                )
                continue
            entry = governed.setdefault(
                table.source.table, Governed(table.source.table, source_column, source_column)
            )
            if entry.column != source_column:
                findings.append(
                    Finding(
                        "ROLE_FILTER",
                        where,
                        f"filters [{column}], the table is already governed by [{entry.column}]",
                    )
                )
                continue
            for member in role.members or (f"role:{role.name}",):
                entry.values_by_member.setdefault(member, set()).update(values)
    return {
        "governed": [
            {"table": g.table, "column": g.column, "entitlement": g.entitlement} for g in governed.values()
        ],
        "entitlements": [
            {"subject": member, "params": {g.entitlement: sorted(values)}}
            for g in governed.values()
            for member, values in sorted(g.values_by_member.items())
        ],
    }


def _column_in_values(node: Node, table: str) -> tuple[str, set[str]]:
    """``[c] = "v"``, ``[c] IN {"a", "b"}`` and ``||`` of those over one column."""
    if isinstance(node, Binary) and node.op == "||":
        left, right = _column_in_values(node.left, table), _column_in_values(node.right, table)
        if left[0] != right[0]:
            raise _NotAValueList("two columns")
        return left[0], left[1] | right[1]
    if not (isinstance(node, Binary) and isinstance(node.left, ColumnRef)):
        raise _NotAValueList("not a comparison of a column")
    if node.left.table not in (None, table):
        raise _NotAValueList(f"a column of {node.left.table}")
    if node.op in ("=", "==") and isinstance(node.right, String):
        return node.left.column, {node.right.value}
    if node.op == "IN" and isinstance(node.right, TableConstructor) and node.right.rows:
        if not all(isinstance(v, String) for v in node.right.rows):
            raise _NotAValueList("values that are not text")
        return node.left.column, {v.value for v in node.right.rows if isinstance(v, String)}
    raise _NotAValueList(f"the operator {node.op}")
