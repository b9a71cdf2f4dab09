"""Each converted visual computed on both sides and compared: the Power BI side from the report's
own model (its DAX, its visual's fields) over the source database, the QuickSight side from the
written definition (its calculated fields, its field wells, its data set) over the migrated one.
Both group by the visual's dimensions; a group present on one side only, or a value that differs
(beyond a relative 1e-9), is a difference. Groups whose measures are all blank are left out on
both sides, as Power BI's visuals leave them out."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa

from migrate.reports.convert.ids import object_id
from migrate.reports.convert.visuals import KINDS
from migrate.reports.model import FieldRef, Report, SemanticModel, Table, Visual
from migrate.reports.verify.dax_sql import AGGREGATES as DAX_AGGREGATES
from migrate.reports.verify.dax_sql import DaxCompiler
from migrate.reports.verify.joins import data_set_from, model_from
from migrate.reports.verify.quicksight_sql import Compiler, NotComparable

Status = Literal["equal", "different", "not comparable"]
PBI_AGGREGATIONS = {
    "Sum": "SUM",
    "Avg": "AVERAGE",
    "Min": "MIN",
    "Max": "MAX",
    "Count": "COUNT",
    "DistinctCount": "DISTINCTCOUNT",
}
QS_AGGREGATIONS: dict[str, Callable[[Any], Any]] = {
    "SUM": lambda e: sa.func.sum(e),
    "AVERAGE": lambda e: sa.func.avg(e),
    "MIN": lambda e: sa.func.min(e),
    "MAX": lambda e: sa.func.max(e),
    "COUNT": lambda e: sa.func.count(e),
    "DISTINCT_COUNT": lambda e: sa.func.count(sa.distinct(e)),
}
SHOWN = 5


@dataclass
class VisualResult:
    page: str
    visual: str
    status: Status
    why: str | None = None
    groups: int = 0
    differences: list[dict[str, Any]] = field(default_factory=list)

    def line(self) -> str:
        detail = f" ({self.why})" if self.why else f" ({self.groups} groups)"
        return f"{self.page}/{self.visual}: {self.status}{detail}"


@dataclass(frozen=True)
class Sides:
    source: sa.Engine
    target: sa.Engine
    source_schema: str | None = None
    target_schema: str | None = None
    source_by_model_names: bool = False
    """The source holds the model's tables under the model's names (a PBIX's own data), not the
    database's."""


def verify_report(report: Report, folder: Path, sides: Sides) -> list[VisualResult]:
    model = report.model
    if model is None:
        raise ValueError(f"{report.name}: no model to evaluate")
    dashboard = json.loads((folder / "dashboard.json").read_text(encoding="utf-8"))
    definition = dashboard["Definition"]
    written_sets = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((folder / "datasets").glob("*.json"))
    ]
    data_sets = by_identifier(definition, written_sets)
    calculated = {f["Name"]: f["Expression"] for f in definition.get("CalculatedFields", [])}
    written = {
        next(iter(v.values()))["VisualId"]: v
        for sheet in definition["Sheets"]
        for v in sheet.get("Visuals", [])
    }
    results = []
    for page in report.pages:
        for visual in page.visuals:
            if visual.visual_type not in KINDS:
                continue
            visual_id = object_id("visual", report.name, page.name, visual.name)
            if visual_id not in written:
                results.append(
                    VisualResult(
                        page.display_name, visual.name, "not comparable", "not converted (a finding)"
                    )
                )
                continue
            try:
                results.append(
                    _compare(
                        page.display_name, visual, written[visual_id], model, data_sets, calculated, sides
                    )
                )
            except NotComparable as exc:
                results.append(VisualResult(page.display_name, visual.name, "not comparable", str(exc)))
    return results


def _compare(
    page: str,
    visual: Visual,
    written: dict[str, Any],
    model: SemanticModel,
    data_sets: dict[str, dict[str, Any]],
    calculated: dict[str, str],
    sides: Sides,
) -> VisualResult:
    dims, measures = _fields(visual, KINDS[visual.visual_type])
    qs_dims, qs_measures = written_fields(written)
    source = _power_bi(model, dims, measures, sides)
    target = quicksight_rows(data_sets, calculated, qs_dims, qs_measures, sides.target, sides.target_schema)
    return _diff(page, visual.name, source, target)


def _fields(visual: Visual, kind: Any) -> tuple[list[FieldRef], list[FieldRef]]:
    dims: list[FieldRef] = []
    measures: list[FieldRef] = []
    for roles, _, _ in kind.wells:
        for ref in (r for role in roles for r in visual.wells.get(role, ())):
            (dims if ref.kind == "column" else measures).append(ref)
    return dims, measures


def written_fields(visual: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A written visual's dimension and measure fields, in the order its wells hold them (the
    order the conversion wrote them in, which is the Power BI visual's)."""
    dims: list[dict[str, Any]] = []
    measures: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if key.endswith("DimensionField"):
                    dims.append({"kind": key, **inner})
                elif key.endswith("MeasureField"):
                    measures.append({"kind": key, **inner})
                else:
                    walk(inner)

    walk(next(iter(visual.values()))["ChartConfiguration"]["FieldWells"])
    return dims, measures


def _table(engine: sa.Engine, name: str, schema: str | None) -> sa.Table:
    try:
        return sa.Table(name, sa.MetaData(), schema=schema, autoload_with=engine)
    except sa.exc.NoSuchTableError as exc:
        raise ValueError(f"{engine.url.render_as_string(hide_password=True)}: no table {name}") from exc


def _power_bi(
    model: SemanticModel, dims: list[FieldRef], measures: list[FieldRef], sides: Sides
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    named = {r.name for r in measures if r.kind == "measure"}
    homes = {m.table for m in model.measures if m.name in named}
    tables = {ref.table for ref in dims + measures if ref.kind != "measure"}
    tables |= {t for t in homes if (found := model.table(t)) is not None and found.columns}
    if not tables:
        raise NotComparable("it reads no table with rows")

    def rows(name: str) -> sa.Table | None:
        found = model.table(name)
        if found is None:
            return None
        if sides.source_by_model_names:
            try:
                return _table(sides.source, name, None)
            except ValueError:
                return None
        if found.source is None:
            raise NotComparable(f"'{name}' reads no database table")
        return _table(sides.source, found.source.table, sides.source_schema)

    def physical(table_name: str, name: str) -> str:
        found = model.table(table_name)
        if found is None:
            raise NotComparable(f"'{table_name}' is not a table of the model")
        if sides.source_by_model_names:
            return name  # a PBIX's own data holds its calculated columns' values too
        return _stored(found, table_name, name)

    clause, aliases = model_from(model, tables, rows, physical)

    compiling: set[tuple[str, str]] = set()

    def column(table_name: str, name: str) -> Any:
        if table_name not in aliases:
            raise NotComparable(f"'{table_name}' is not joined for this visual")
        calculated = _calculated(model, table_name, name)
        if calculated is not None and not sides.source_by_model_names:
            # a calculated column has no stored rows: its DAX, row by row, over its own table
            if (table_name, name) in compiling:
                raise NotComparable(f"the calculated column [{name}] refers to itself")
            compiling.add((table_name, name))
            try:
                return DaxCompiler(column, {}, table_name).row(calculated)
            finally:
                compiling.discard((table_name, name))
        found = physical(table_name, name)
        if found not in aliases[table_name].c:
            raise NotComparable(f"[{name}] has no stored rows in the source")
        return aliases[table_name].c[found]

    single = next(iter(homes)) if len(homes) == 1 else None
    home = single if single in aliases else next(iter(aliases))
    measures_dax = {m.name: m.expression for m in model.measures}
    compiler = DaxCompiler(column, measures_dax, home)
    selected_dims = [column(ref.table, ref.name) for ref in dims]
    selected = []
    for ref in measures:
        if ref.kind == "measure":
            selected.append(compiler.measure(ref.name))
        else:
            selected.append(
                DAX_AGGREGATES[PBI_AGGREGATIONS[ref.aggregation or ""]](column(ref.table, ref.name))
            )
    return _run(sides.source, clause, selected_dims, selected)


def _calculated(model: SemanticModel, table_name: str, name: str) -> str | None:
    """The DAX of a calculated column, or None for a stored one."""
    table = model.table(table_name)
    found = table.column(name) if table is not None else None
    return found.expression if found is not None else None


def _stored(table: Table, table_name: str, name: str) -> str:
    if table_name != table.name:
        raise NotComparable(f"'{table_name}' is another table")
    found = table.column(name)
    if found is None:
        raise NotComparable(f"[{name}] is not a column of '{table.name}'")
    if found.expression is not None:
        raise NotComparable(f"[{name}] is a calculated column")
    return found.source_column or found.name


def by_identifier(definition: dict[str, Any], data_sets: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The definition's data set identifiers, each to its data set's CreateDataSet input."""
    by_id = {d["DataSetId"]: d for d in data_sets}
    declared = definition.get("DataSetIdentifierDeclarations", [])
    return {d["Identifier"]: by_id[i] for d in declared if (i := d["DataSetArn"].rsplit("/", 1)[-1]) in by_id}


def quicksight_rows(
    data_sets: dict[str, dict[str, Any]],
    calculated: dict[str, str],
    dims: list[dict[str, Any]],
    measures: list[dict[str, Any]],
    engine: sa.Engine,
    schema: str | None = None,
    tags: dict[str, str] | None = None,
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """A written visual's groups over a database, as QuickSight computes them; ``tags`` are an
    anonymous user's row-level tags, applied through the data set's tag rules."""
    identifiers = {f["Column"]["DataSetIdentifier"] for f in dims + measures}
    if len(identifiers) != 1 or next(iter(identifiers)) not in data_sets:
        raise NotComparable("fields of several data sets, or of one not written")
    data_set = data_sets[identifiers.pop()]
    clause, column = data_set_from(data_set, lambda name: _table(engine, name, schema))
    compiler = Compiler(column, calculated)
    selected_dims = [column(d["Column"]["ColumnName"]) for d in dims]
    selected = []
    for m in measures:
        name = m["Column"]["ColumnName"]
        aggregation = m.get("AggregationFunction")
        if aggregation is None:
            selected.append(compiler.compile(calculated[name]) if name in calculated else column(name))
        else:
            function = (
                aggregation if isinstance(aggregation, str) else aggregation.get("SimpleNumericalAggregation")
            )
            selected.append(QS_AGGREGATIONS[str(function)](column(name)))
    conditions = _tag_conditions(data_set, tags, column) if tags is not None else []
    return _run(engine, clause, selected_dims, selected, conditions)


def _tag_conditions(
    data_set: dict[str, Any], tags: dict[str, str], column: Callable[[str], Any]
) -> list[Any]:
    """QuickSight's tag rules: a tagged key keeps the rows whose column holds one of the tag's
    values (split by the rule's delimiter; the match-all value keeps every row); a key with no tag
    keeps none, as an anonymous user without that tag sees no row."""
    conditions = []
    for rule in (data_set.get("RowLevelPermissionTagConfiguration") or {}).get("TagRules", []):
        value = tags.get(rule["TagKey"])
        if value is None:
            conditions.append(sa.false())
        elif value != rule.get("MatchAllValue"):
            conditions.append(
                column(rule["ColumnName"]).in_(value.split(rule.get("TagMultiValueDelimiter") or ","))
            )
    return conditions


def _run(
    engine: sa.Engine, table: Any, dims: list[Any], measures: list[Any], where: list[Any] | None = None
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    query = sa.select(*dims, *measures).select_from(table).where(*(where or []))
    if dims:
        query = query.group_by(*dims)
    try:
        with engine.connect() as connection:
            rows = connection.execute(query).all()
    except (sa.exc.ProgrammingError, sa.exc.DataError, TypeError, ValueError) as exc:
        # this visual's query, not the database: the server refused it, or a stored value is not
        # what the column's type says (the other visuals still run)
        why = str(exc).splitlines()[0][:200]
        raise NotComparable(f"its query could not be computed ({why})") from exc
    found = {}
    for row in rows:
        values = tuple(row[len(dims) :])
        if all(v is None for v in values):
            continue
        found[tuple(row[: len(dims)])] = values
    return found


def _diff(
    page: str,
    visual: str,
    source: dict[tuple[Any, ...], tuple[Any, ...]],
    target: dict[tuple[Any, ...], tuple[Any, ...]],
) -> VisualResult:
    differences = []
    for key in sorted(set(source) | set(target), key=repr):
        a, b = source.get(key), target.get(key)
        if a is None or b is None or len(a) != len(b) or not all(map(_same, a, b)):
            differences.append({"group": list(key), "power_bi": _plain(a), "quicksight": _plain(b)})
    status: Status = "different" if differences else "equal"
    return VisualResult(page, visual, status, None, len(set(source) | set(target)), differences[:SHOWN])


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    a, b = (float(v) if isinstance(v, Decimal) else v for v in (a, b))
    if (
        isinstance(a, bool)
        or isinstance(b, bool)
        or not isinstance(a, int | float)
        or not isinstance(b, int | float)
    ):
        return bool(a == b)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _plain(values: tuple[Any, ...] | None) -> list[Any] | None:
    return (
        None
        if values is None
        else [v if isinstance(v, int | float | str) or v is None else str(v) for v in values]
    )
