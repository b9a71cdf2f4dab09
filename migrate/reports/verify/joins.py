"""The FROM clause each side groups over when a visual's fields span tables.

QuickSight's side is the written data set: its logical table map walked from the top, each
physical table with its renames, each join instruction's ON clause, the created columns compiled
after the joins. Power BI's side is the model: the star (a table on the many side, LEFT-joined to
every table its active relationships reach) that holds every table the visual reads."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from migrate.reports.convert.datasets import stars
from migrate.reports.model import SemanticModel
from migrate.reports.verify.quicksight_sql import Compiler, NotComparable

Columns = dict[str, Any]
ON = re.compile(r"^\{([^}]*)\}\s*=\s*\{([^}]*)\}$")


def data_set_from(
    data_set: dict[str, Any], table: Callable[[str], sa.Table]
) -> tuple[Any, Callable[[str], Any]]:
    logical = data_set["LogicalTableMap"]
    physical = data_set["PhysicalTableMap"]
    operands = {
        op
        for lt in logical.values()
        for op in (lt["Source"].get("JoinInstruction", {}).get(k) for k in ("LeftOperand", "RightOperand"))
        if op
    }
    (top,) = [lid for lid in logical if lid not in operands] or [None]
    if top is None:
        raise NotComparable("the data set's logical tables have no top")
    count = iter(range(1000))

    def build(lid: str) -> tuple[Any, Columns]:
        step = logical[lid]
        source = step["Source"]
        if "PhysicalTableId" in source:
            relational = physical[source["PhysicalTableId"]]["RelationalTable"]
            aliased = table(relational["Name"]).alias(f"t{next(count)}")
            columns: Columns = {c.name: c for c in aliased.c}
            clause: Any = aliased
        elif "JoinInstruction" in source:
            join = source["JoinInstruction"]
            left, left_columns = build(join["LeftOperand"])
            right, right_columns = build(join["RightOperand"])
            columns = {**left_columns, **right_columns}
            matched = ON.match(join["OnClause"].strip())
            if matched is None or matched[1] not in columns or matched[2] not in columns:
                raise NotComparable(f"the join condition {join['OnClause']!r} is not evaluated")
            condition = columns[matched[1]] == columns[matched[2]]
            kind = join.get("Type", "INNER")
            if kind not in ("LEFT", "INNER"):
                raise NotComparable(f"a {kind} join is not evaluated")
            clause = left.join(right, condition, isouter=kind == "LEFT")
        else:
            raise NotComparable("a logical table from another data set is not evaluated")
        for transform in step.get("DataTransforms", []):
            if "RenameColumnOperation" in transform:
                rename = transform["RenameColumnOperation"]
                columns[rename["NewColumnName"]] = columns.pop(rename["ColumnName"])
            elif "CreateColumnsOperation" in transform:
                for made in transform["CreateColumnsOperation"]["Columns"]:
                    columns[made["ColumnName"]] = Deferred(made["Expression"])
            else:
                raise NotComparable(f"the data set's {next(iter(transform))} is not evaluated")
        return clause, columns

    clause, columns = build(top)
    return clause, _resolver(columns)


class Deferred:
    """A created column, compiled when a visual reads it (one the verifier cannot evaluate then
    makes only that visual not comparable)."""

    def __init__(self, expression: str) -> None:
        self.expression = expression


CYCLE = object()


def _resolver(columns: Columns) -> Callable[[str], Any]:
    def column(name: str) -> Any:
        if name not in columns:
            raise NotComparable(f"{{{name}}} is not a column of the data set")
        found = columns[name]
        if found is CYCLE:
            raise NotComparable(f"the created column {{{name}}} refers to itself")
        if isinstance(found, Deferred):
            columns[name] = CYCLE
            found = columns[name] = Compiler(column, {}).compile(found.expression)
        return found

    return column


def model_from(
    model: SemanticModel,
    tables: set[str],
    table: Callable[[str], sa.Table | None],
    physical: Callable[[str, str], str],
) -> tuple[Any, dict[str, Any]]:
    """The star holding every one of ``tables``, joined: the FROM clause and each table's alias
    (``table`` gives a model table's rows, None when it has none; ``physical`` a column's name
    there)."""
    for star in stars(model, []):
        if tables <= set(star.tables):
            break
    else:
        raise NotComparable("its tables are in no one star of the model")
    aliases: dict[str, Any] = {}
    found = table(star.fact)
    if found is None:
        raise NotComparable(f"'{star.fact}' has no rows")
    aliases[star.fact] = found.alias("f")
    clause: Any = aliases[star.fact]
    for step in star.join_order(model):
        rows = table(step.to_table)
        if rows is None:
            raise NotComparable(f"'{step.to_table}' has no rows")
        aliases[step.to_table] = rows.alias(f"d{len(aliases)}")
        left, right = aliases[step.from_table], aliases[step.to_table]
        left_column = physical(step.from_table, step.from_column)
        right_column = physical(step.to_table, step.to_column)
        if left_column not in left.c or right_column not in right.c:
            raise NotComparable(
                f"the relationship's columns {step.from_column}, {step.to_column} have no rows"
            )
        clause = clause.join(right, left.c[left_column] == right.c[right_column], isouter=True)
    if not tables <= set(aliases):
        raise NotComparable("a table the visual reads is not joined")
    return clause, aliases
