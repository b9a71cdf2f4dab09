"""Power BI visuals to QuickSight visual definitions: which wells hold dimensions and which
measures, per visual type. Slicers become filter controls, text boxes sheet text boxes;
decoration is dropped and counted; custom, AI and Q&A visuals are findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from migrate.reports.convert.datasets import Star
from migrate.reports.dax.translate import Translated
from migrate.reports.findings import Finding
from migrate.reports.model import FieldRef, SemanticModel, Visual
from migrate.reports.validate import most_items

# Well: (Power BI roles, QuickSight well, "dimension" or "measure")
Well = tuple[tuple[str, ...], str, str]
CATEGORY, VALUES, SERIES = ("Category", "Axis"), ("Y", "Values"), ("Series", "Legend")


@dataclass(frozen=True)
class Kind:
    visual: str  # the QuickSight visual's key: BarChartVisual, ...
    wells_key: str | None  # FieldWells' member; None: the wells are FieldWells itself
    wells: tuple[Well, ...]
    options: dict[str, Any] = field(default_factory=dict)  # ChartConfiguration beside FieldWells


def _bar(orientation: str, arrangement: str) -> Kind:
    return Kind(
        "BarChartVisual",
        "BarChartAggregatedFieldWells",
        ((CATEGORY, "Category", "dimension"), (VALUES, "Values", "measure"), (SERIES, "Colors", "dimension")),
        {"Orientation": orientation, "BarsArrangement": arrangement},
    )


def _line(kind: str) -> Kind:
    return Kind(
        "LineChartVisual",
        "LineChartAggregatedFieldWells",
        ((CATEGORY, "Category", "dimension"), (VALUES, "Values", "measure"), (SERIES, "Colors", "dimension")),
        {"Type": kind},
    )


def _combo(arrangement: str) -> Kind:
    return Kind(
        "ComboChartVisual",
        "ComboChartAggregatedFieldWells",
        (
            (CATEGORY, "Category", "dimension"),
            (("Y",), "BarValues", "measure"),
            (("Y2",), "LineValues", "measure"),
            (SERIES, "Colors", "dimension"),
        ),
        {"BarsArrangement": arrangement},
    )


def _pie(donut: bool) -> Kind:
    return Kind(
        "PieChartVisual",
        "PieChartAggregatedFieldWells",
        ((CATEGORY, "Category", "dimension"), (VALUES, "Values", "measure")),
        {"DonutOptions": {"ArcOptions": {"ArcThickness": "MEDIUM"}}} if donut else {},
    )


TABLE = Kind("TableVisual", "TableAggregatedFieldWells", ((("Values",), "GroupBy", "table"),))
KINDS: dict[str, Kind] = {
    "clusteredBarChart": _bar("HORIZONTAL", "CLUSTERED"),
    "barChart": _bar("HORIZONTAL", "CLUSTERED"),
    "stackedBarChart": _bar("HORIZONTAL", "STACKED"),
    "hundredPercentStackedBarChart": _bar("HORIZONTAL", "STACKED_PERCENT"),
    "clusteredColumnChart": _bar("VERTICAL", "CLUSTERED"),
    "columnChart": _bar("VERTICAL", "CLUSTERED"),
    "stackedColumnChart": _bar("VERTICAL", "STACKED"),
    "hundredPercentStackedColumnChart": _bar("VERTICAL", "STACKED_PERCENT"),
    "lineChart": _line("LINE"),
    "areaChart": _line("AREA"),
    "stackedAreaChart": _line("STACKED_AREA"),
    "lineClusteredColumnComboChart": _combo("CLUSTERED"),
    "lineStackedColumnComboChart": _combo("STACKED"),
    "pieChart": _pie(False),
    "donutChart": _pie(True),
    "card": Kind("KPIVisual", None, ((VALUES, "Values", "measure"),)),
    # Power BI's KPI: an indicator against a goal over a trend axis; QuickSight's KPI is the same.
    "kpi": Kind(
        "KPIVisual",
        None,
        (
            (("Indicator",), "Values", "measure"),
            (("Goal",), "TargetValues", "measure"),
            (("TrendLine",), "TrendGroups", "dimension"),
        ),
    ),
    # A multi-row card lists its fields per row: a table.
    "multiRowCard": TABLE,
    "tableEx": TABLE,
    "table": TABLE,
    "pivotTable": Kind(
        "PivotTableVisual",
        "PivotTableAggregatedFieldWells",
        (
            (("Rows",), "Rows", "dimension"),
            (("Columns",), "Columns", "dimension"),
            (("Values",), "Values", "measure"),
        ),
    ),
    "treemap": Kind(
        "TreeMapVisual",
        "TreeMapAggregatedFieldWells",
        ((("Group", "Category"), "Groups", "dimension"), (("Values",), "Sizes", "measure")),
    ),
    "waterfallChart": Kind(
        "WaterfallVisual",
        "WaterfallChartAggregatedFieldWells",
        (
            (CATEGORY, "Categories", "dimension"),
            (VALUES, "Values", "measure"),
            (("Breakdown",), "Breakdowns", "dimension"),
        ),
    ),
    "funnel": Kind(
        "FunnelChartVisual",
        "FunnelChartAggregatedFieldWells",
        ((CATEGORY, "Category", "dimension"), (VALUES, "Values", "measure")),
    ),
    "scatterChart": Kind(
        "ScatterPlotVisual",
        "ScatterPlotCategoricallyAggregatedFieldWells",
        (
            (("X",), "XAxis", "measure"),
            (("Y",), "YAxis", "measure"),
            (("Category", "Details"), "Category", "dimension"),
            (("Size",), "Size", "measure"),
        ),
    ),
    "filledMap": Kind(
        "FilledMapVisual",
        "FilledMapAggregatedFieldWells",
        (
            (("Category", "Location"), "Geospatial", "dimension"),
            (("Values", "Gradient", "Y"), "Values", "measure"),
        ),
    ),
}
DECORATION = {"shape", "basicShape", "actionButton", "pageNavigator", "bookmarkNavigator"}
AGGREGATIONS = {"Sum": "SUM", "Avg": "AVERAGE", "Min": "MIN", "Max": "MAX", "Median": "MEDIAN"}
CATEGORICAL = {"Count": "COUNT", "DistinctCount": "DISTINCT_COUNT"}


class Unmapped(Exception):
    pass


@dataclass
class Fields:
    """A visual's fields, made against its star: dimensions and measures by the model's types."""

    model: SemanticModel
    star: Star
    measures: dict[str, Translated]
    visual_id: str
    count: int = 0
    dates: set[tuple[str, str]] = field(default_factory=set)
    periods: list[tuple[str, tuple[str, str]]] = field(default_factory=list)

    def _id(self) -> str:
        self.count += 1
        return f"{self.visual_id}.{self.count}"

    def _column(self, ref: FieldRef) -> dict[str, str]:
        name = self.star.column(ref.table, ref.name)
        if name is None:
            raise Unmapped(f"'{ref.table}'[{ref.name}] is not in the data set")
        return {"DataSetIdentifier": self.star.identifier, "ColumnName": name}

    def dimension(self, ref: FieldRef) -> dict[str, Any]:
        if ref.kind != "column":
            raise Unmapped(f"[{ref.name}] is a {ref.kind} where the visual groups by a column")
        data_type = next(
            (
                c.data_type
                for t in self.model.tables
                if t.name == ref.table
                for c in t.columns
                if c.name == ref.name
            ),
            "string",
        )
        column = self._column(ref)
        if data_type == "dateTime":
            self.dates.add((ref.table, ref.name))
            return {"DateDimensionField": {"FieldId": self._id(), "Column": column}}
        if data_type in ("int64", "double", "decimal"):
            return {"NumericalDimensionField": {"FieldId": self._id(), "Column": column}}
        return {"CategoricalDimensionField": {"FieldId": self._id(), "Column": column}}

    def measure(self, ref: FieldRef) -> dict[str, Any]:
        if ref.kind == "measure":
            name = self.star.measure(ref.name)
            if name is None or ref.name not in self.measures:
                raise Unmapped(f"the measure [{ref.name}] was not converted")
            needs = self.measures[ref.name].needs_date
            if needs:
                self.periods.append((ref.name, needs))
            column = {"DataSetIdentifier": self.star.identifier, "ColumnName": name}
            return {"NumericalMeasureField": {"FieldId": self._id(), "Column": column}}
        if ref.kind == "aggregation" and ref.aggregation in AGGREGATIONS:
            function = {"SimpleNumericalAggregation": AGGREGATIONS[ref.aggregation]}
            return {
                "NumericalMeasureField": {
                    "FieldId": self._id(),
                    "Column": self._column(ref),
                    "AggregationFunction": function,
                }
            }
        if ref.kind == "aggregation" and ref.aggregation in CATEGORICAL:
            return {
                "CategoricalMeasureField": {
                    "FieldId": self._id(),
                    "Column": self._column(ref),
                    "AggregationFunction": CATEGORICAL[ref.aggregation],
                }
            }
        raise Unmapped(f"[{ref.name}] is a column where the visual needs a measure")


def visual_definition(
    visual: Visual, visual_id: str, fields: Fields, where: str, findings: list[Finding]
) -> dict[str, Any] | None:
    kind = KINDS[visual.visual_type]
    wells: dict[str, list[dict[str, Any]]] = {}
    try:
        for roles, well, sort in kind.wells:
            refs = [ref for role in roles for ref in visual.wells.get(role, ())]
            if sort == "table":
                wells["GroupBy"] = [fields.dimension(r) for r in refs if r.kind == "column"]
                wells["Values"] = [fields.measure(r) for r in refs if r.kind != "column"]
            elif refs:
                make: Callable[[FieldRef], dict[str, Any]] = (
                    fields.dimension if sort == "dimension" else fields.measure
                )
                wells[well] = [make(r) for r in refs]
    except Unmapped as exc:
        findings.append(Finding("VISUAL_FIELDS", where, str(exc)))
        return None
    for measure, date in fields.periods:
        if date not in fields.dates:
            findings.append(
                Finding(
                    "PERIOD_NEEDS_DATE",
                    where,
                    f"[{measure}] runs over '{date[0]}'[{date[1]}], which this visual does not show",
                )
            )
            return None
    wells = {k: v for k, v in wells.items() if v}
    structure = kind.wells_key or f"{kind.visual.removesuffix('Visual')}FieldWells"
    for well, items in wells.items():
        limit = most_items(structure, well)
        if limit is not None and len(items) > limit:
            findings.append(
                Finding(
                    "VISUAL_FIELDS",
                    where,
                    f"QuickSight's {well} holds {limit} field(s), the visual has {len(items)}",
                )
            )
            return None
    field_wells = {kind.wells_key: wells} if kind.wells_key else wells
    body: dict[str, Any] = {
        "VisualId": visual_id,
        "ChartConfiguration": {"FieldWells": field_wells, **kind.options},
    }
    if visual.title:
        body["Title"] = {"Visibility": "VISIBLE", "FormatText": {"PlainText": visual.title[:1024]}}
    return {kind.visual: body}
