"""Measures to calculated fields of the star their table is in, in dependency order: a measure
that uses another is converted after it (or, when that one was not, is a finding)."""

from __future__ import annotations

from typing import Any

from migrate.reports.convert.datasets import Star
from migrate.reports.dax.translate import Translated, translate
from migrate.reports.findings import Finding
from migrate.reports.model import Measure, SemanticModel


class _MeasureScope:
    def __init__(self, star: Star, model: SemanticModel, home: str) -> None:
        self.star = star
        self.home = home  # a bare [column] in a measure is its own table's
        self.expressions = {m.name: m.expression for m in model.measures}

    def column(self, table: str | None, column: str) -> str | None:
        return self.star.column(table or self.home, column)

    def measure_expression(self, name: str) -> str | None:
        return self.expressions.get(name)

    def measure(self, name: str) -> str | None:
        return self.star.measure(name)

    def rows_column(self, table: str) -> str | None:
        return self.star.rows_column(table)

    def is_measure(self, name: str) -> bool:
        return name in self.expressions


def calculated_fields(
    model: SemanticModel, stars: list[Star], findings: list[Finding]
) -> tuple[list[dict[str, Any]], dict[str, Translated]]:
    """The definition's CalculatedFields, and each converted measure's translation by name."""
    fields: list[dict[str, Any]] = []
    done: dict[str, Translated] = {}
    home = {name: star for star in stars if star.data_set_id for name in star.tables}
    # A measure of a table in no data set (a measures-only table, say) goes to the first data
    # set its references resolve in.
    pending = list(model.measures) if stars else []
    last: dict[str, Translated] = {}
    while pending:
        progressed = False
        for measure in list(pending):
            star, translated = _first_that_fits(
                measure, [home[measure.table]] if measure.table in home else stars, model
            )
            last[measure.name] = translated
            if translated.expression is None and translated.code == "DAX_DEPENDS":
                continue
            pending.remove(measure)
            progressed = True
            if translated.expression is None:
                findings.append(
                    Finding(translated.code or "DAX_SHAPE", _where(measure), translated.why or "")
                )
                continue
            name = _field_name(measure, star, findings)
            star.measure_names[measure.name] = name
            done[measure.name] = translated
            fields.append(
                {"DataSetIdentifier": star.identifier, "Name": name, "Expression": translated.expression}
            )
        if not progressed:
            for measure in pending:
                found = last[measure.name]
                findings.append(Finding(found.code or "DAX_DEPENDS", _where(measure), found.why or ""))
            break
    return fields, done


def _first_that_fits(
    measure: Measure, candidates: list[Star], model: SemanticModel
) -> tuple[Star, Translated]:
    first: tuple[Star, Translated] | None = None
    for star in candidates:
        translated = translate(measure.expression, "measure", _MeasureScope(star, model, measure.table))
        if translated.expression is not None:
            return star, translated
        first = first or (star, translated)
    assert first is not None
    return first


def _field_name(measure: Measure, star: Star, findings: list[Finding]) -> str:
    taken = {n.lower() for n in star.names.values()} | {n.lower() for n in star.measure_names.values()}
    taken |= {n.lower() for n in star.rows.values()}
    if measure.name.lower() not in taken:
        return measure.name
    renamed = f"{measure.name} (measure)"
    findings.append(Finding("NAME_CLASH", _where(measure), "a column of the data set has this name", renamed))
    return renamed


def _where(measure: Measure) -> str:
    return f"'{measure.table}'[{measure.name}]"
