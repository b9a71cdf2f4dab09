"""Tables to QuickSight data sets over the migrated MySQL tables.

Each data set is a star: a table that is on the many side of active relationships (a fact) joined
LEFT to every table its relationships reach (many to one), in the logical table map. A table no
relationship joins is a data set of its own. Column names are unique in a data set: a name two
tables share is renamed ``<Table> <column>`` on the one side. Calculated columns become a
``CreateColumnsOperation`` on the top of the star, after the joins (so RELATED reads the joined
columns), and COUNTROWS reads a ``<Table> rows`` column that is 1 on every row of its table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate.reports.convert.ids import object_id
from migrate.reports.convert.images import ImagesAt
from migrate.reports.dax.translate import translate
from migrate.reports.findings import Finding
from migrate.reports.model import Relationship, SemanticModel, Table

INPUT_TYPES = {
    "string": "STRING",
    "int64": "INTEGER",
    "double": "DECIMAL",
    "decimal": "DECIMAL",
    "dateTime": "DATETIME",
    "boolean": "BOOLEAN",
}
ROWS_SUFFIX = " rows"


@dataclass
class Star:
    """One data set: its tables, and the data set's name of each (table, column)."""

    fact: str
    tables: list[str]
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)
    measure_names: dict[str, str] = field(default_factory=dict)
    data_set_id: str = ""
    identifier: str = ""  # the dashboard definition's DataSetIdentifier

    def column(self, table: str | None, column: str) -> str | None:
        return self.names.get((table or self.fact, column))

    def measure(self, name: str) -> str | None:
        return self.measure_names.get(name)

    def rows_column(self, table: str) -> str | None:
        return self.rows.get(table) if table == self.fact else None

    def join_order(self, model: SemanticModel) -> list[Relationship]:
        """The star's active relationships in the order they join, each many to one from a
        table already joined (the fact first) to one not yet: the converter's logical tables and
        the verifier's SQL join the same way. One that reaches no new table is left out."""
        joined = {self.fact}
        pending = [
            r
            for r in model.relationships
            if r.active and r.from_table in self.tables and r.to_table in self.tables
        ]
        order = []
        while step := next((r for r in pending if r.from_table in joined and r.to_table not in joined), None):
            pending.remove(step)
            joined.add(step.to_table)
            order.append(step)
        return order


@dataclass
class Target:
    """Where the migrated tables are: the QuickSight data source over RDS MySQL and its database."""

    account: str
    region: str
    data_source_arn: str
    database: str
    tables_by_name: bool = False
    """A table whose Power Query reads no database table (a file, a web page) was loaded by the
    data track under its model name: convert it over that table (a finding still says so)."""
    images_at: ImagesAt | None = None
    """Where the report's own images are uploaded (None: written beside the inputs only)."""


def stars(model: SemanticModel, findings: list[Finding]) -> list[Star]:
    active = [r for r in model.relationships if r.active]
    for r in model.relationships:
        if not r.active:
            findings.append(Finding("RELATIONSHIP_INACTIVE", _relationship_name(r), "not joined"))
        elif r.both_directions:
            findings.append(Finding("RELATIONSHIP_BOTH", _relationship_name(r), "joined many to one only"))
    facts = [t.name for t in model.tables if any(r.from_table == t.name for r in active)]
    covered: set[str] = set()
    found = []
    for fact in facts:
        reached = _reach(fact, active)
        if reached <= covered and fact in covered:
            continue
        found.append(Star(fact, [fact, *sorted(reached - {fact})]))
        covered |= reached
    found += [Star(t.name, [t.name]) for t in model.tables if t.name not in covered]
    return found


def _reach(fact: str, active: list[Relationship]) -> set[str]:
    reached, todo = {fact}, [fact]
    while todo:
        table = todo.pop()
        for r in active:
            if r.from_table == table and r.to_table not in reached:
                reached.add(r.to_table)
                todo.append(r.to_table)
    return reached


def _relationship_name(r: Relationship) -> str:
    return f"'{r.from_table}'[{r.from_column}] -> '{r.to_table}'[{r.to_column}]"


def create_data_set(
    report: str,
    star: Star,
    model: SemanticModel,
    target: Target,
    findings: list[Finding],
    governed: dict[str, str] | None = None,
) -> dict[str, Any] | None:
    """The CreateDataSet input of one star; None when its fact has no database table. A table the
    RLS roles govern (``governed``: database table → column) gets a row-level tag rule, so the
    engine's snapshots (which tag the caller's scope, as governance.md says) see only its rows."""
    tables = {t.name: t for t in model.tables}
    for name in star.tables:
        if tables[name].source is None:
            findings.append(
                Finding("TABLE_SOURCE", f"'{name}'", "its Power Query does not read one database table")
            )
    if tables[star.fact].source is None:
        return None
    star.tables = [n for n in star.tables if tables[n].source is not None]
    taken: set[str] = set()
    physical: dict[str, Any] = {}
    logical: dict[str, Any] = {}
    for name in star.tables:
        table = tables[name]
        physical_id = object_id("table", name)
        stored = [c for c in table.columns if c.expression is None]
        physical[physical_id] = {
            "RelationalTable": {
                "DataSourceArn": target.data_source_arn,
                "Schema": target.database,
                "Name": table.source.table if table.source else name,
                "InputColumns": [
                    {"Name": c.source_column or c.name, "Type": INPUT_TYPES.get(c.data_type, "STRING")}
                    for c in stored
                ],
            }
        }
        transforms = []
        for c in stored:
            final = c.name if c.name.lower() not in taken else f"{name} {c.name}"
            taken.add(final.lower())
            star.names[(name, c.name)] = final
            if final != (c.source_column or c.name):
                transforms.append(
                    {
                        "RenameColumnOperation": {
                            "ColumnName": c.source_column or c.name,
                            "NewColumnName": final,
                        }
                    }
                )
        logical[object_id("logical", name)] = {
            "Alias": name[:64],
            "Source": {"PhysicalTableId": physical_id},
            **({"DataTransforms": transforms} if transforms else {}),
        }
    top = _join(star, model, logical)
    created = _created_columns(star, tables, taken, findings)
    if created:
        logical[top].setdefault("DataTransforms", []).append({"CreateColumnsOperation": {"Columns": created}})
    star.data_set_id = object_id(report, star.fact)
    star.identifier = star.fact
    body: dict[str, Any] = {
        "AwsAccountId": target.account,
        "DataSetId": star.data_set_id,
        "Name": f"{report} {star.fact}"[:128],
        "PhysicalTableMap": physical,
        "LogicalTableMap": logical,
        "ImportMode": "DIRECT_QUERY",
    }
    rules = _tag_rules(star, tables, governed or {})
    if rules:
        body["RowLevelPermissionTagConfiguration"] = {"Status": "ENABLED", "TagRules": rules}
    return body


def _tag_rules(star: Star, tables: dict[str, Table], governed: dict[str, str]) -> list[dict[str, str]]:
    rules = []
    for name in star.tables:
        source = tables[name].source
        column = governed.get(source.table) if source else None
        stored = next((c.name for c in tables[name].columns if (c.source_column or c.name) == column), None)
        if column and stored and (name, stored) in star.names:
            rules.append(
                {
                    "TagKey": column,
                    "ColumnName": star.names[(name, stored)],
                    "TagMultiValueDelimiter": ",",
                    "MatchAllValue": "*",
                }
            )
    return rules


def _join(star: Star, model: SemanticModel, logical: dict[str, Any]) -> str:
    """Joins each reached table onto the star, many to one; returns the top logical table's id."""
    top = object_id("logical", star.fact)
    for step in star.join_order(model):
        left = star.names[(step.from_table, step.from_column)]
        right = star.names[(step.to_table, step.to_column)]
        join_id = object_id("join", star.fact, step.to_table)
        logical[join_id] = {
            "Alias": f"{star.fact} with {step.to_table}"[:64],
            "Source": {
                "JoinInstruction": {
                    "LeftOperand": top,
                    "RightOperand": object_id("logical", step.to_table),
                    "Type": "LEFT",
                    "OnClause": f"{{{left}}} = {{{right}}}",
                }
            },
        }
        top = join_id
    return top


def _created_columns(
    star: Star, tables: dict[str, Table], taken: set[str], findings: list[Finding]
) -> list[dict[str, str]]:
    created = []
    rows = f"{star.fact}{ROWS_SUFFIX}"
    if rows.lower() not in taken:
        taken.add(rows.lower())
        star.rows[star.fact] = rows
        created.append({"ColumnName": rows, "ColumnId": object_id("column", rows), "Expression": "1"})
    for name in star.tables:
        for column in tables[name].columns:
            if column.expression is None:
                continue
            translated = translate(column.expression, "row", _RowScope(star, name))
            where = f"'{name}'[{column.name}]"
            if translated.expression is None:
                findings.append(Finding(translated.code or "DAX_SHAPE", where, translated.why or ""))
                continue
            final = column.name if column.name.lower() not in taken else f"{name} {column.name}"
            if final != column.name:
                findings.append(
                    Finding("NAME_CLASH", where, "another column of the data set has this name", final)
                )
            taken.add(final.lower())
            star.names[(name, column.name)] = final
            created.append(
                {
                    "ColumnName": final,
                    "ColumnId": object_id("column", name, column.name),
                    "Expression": translated.expression,
                }
            )
    return created


class _RowScope:
    """A calculated column's names: its own table's columns bare, RELATED's by table."""

    def __init__(self, star: Star, table: str) -> None:
        self.star, self.table = star, table

    def column(self, table: str | None, column: str) -> str | None:
        return self.star.names.get((table or self.table, column))

    def measure(self, name: str) -> str | None:
        return None

    def rows_column(self, table: str) -> str | None:
        return None

    def is_measure(self, name: str) -> bool:
        return (self.table, name) not in self.star.names and name in self.star.measure_names

    def measure_expression(self, name: str) -> str | None:
        return None
