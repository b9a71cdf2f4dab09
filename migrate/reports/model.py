"""One model of a Power BI report, whatever file it came from: the semantic model (tables,
columns, measures, relationships, roles) and the report (pages, visuals and what each shows)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # TMSL's: string, int64, double, decimal, dateTime, boolean
    expression: str | None = None  # DAX of a calculated column
    source_column: str | None = None  # the name in the source table, where it differs


@dataclass(frozen=True)
class Measure:
    name: str
    table: str
    expression: str


@dataclass(frozen=True)
class Source:
    """Where an import table's rows come from, as its Power Query (M) names it."""

    schema: str | None
    table: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...] = ()
    measures: tuple[Measure, ...] = ()
    source: Source | None = None
    m_expression: str | None = None
    hidden: bool = False

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Relationship:
    from_table: str  # the many side
    from_column: str
    to_table: str  # the one side
    to_column: str
    active: bool = True
    both_directions: bool = False


@dataclass(frozen=True)
class Role:
    name: str
    filters: dict[str, str]  # table → DAX filter expression
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class SemanticModel:
    tables: tuple[Table, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    roles: tuple[Role, ...] = ()

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(m for t in self.tables for m in t.measures)


@dataclass(frozen=True)
class FieldRef:
    """What a visual shows in one of its wells: a column, a measure, or a column aggregated by the
    visual itself (``aggregation``: Sum, Avg, Min, Max, Count, CountNonNull, DistinctCount)."""

    table: str
    name: str
    kind: str  # column, measure, aggregation
    aggregation: str | None = None


# A visual group: a frame around other visuals, which are converted on their own.
GROUP = "visualGroup"


@dataclass(frozen=True)
class Visual:
    name: str
    visual_type: str
    wells: dict[str, tuple[FieldRef, ...]]  # Power BI's projection roles: Category, Y, Values, ...
    title: str | None = None
    position: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x, y, width, height
    text: str | None = None  # a text box's text
    image: str | None = None  # an image's registered resource (resource:<name>) or its URL
    filters: tuple[dict[str, object], ...] = ()


@dataclass(frozen=True)
class Page:
    name: str
    display_name: str
    visuals: tuple[Visual, ...] = ()


@dataclass(frozen=True)
class Report:
    name: str
    source_format: str  # pbix, pbit, pbip
    pages: tuple[Page, ...]
    model: SemanticModel | None  # None: a live connection, no model of its own
    warnings: tuple[str, ...] = field(default=())
    images: dict[str, bytes] = field(default_factory=dict)  # registered resource name -> its bytes
