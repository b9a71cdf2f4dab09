"""Measures to calculated fields of the star their table is in, in dependency order: a measure
that uses another is converted after it (or, when that one was not, is a finding)."""

from __future__ import annotations

from typing import Any

from migrate.reports.convert.datasets import Star
from migrate.reports.dax.translate import Translated, translate
from migrate.reports.findings import Finding
from migrate.reports.model import Measure, SemanticModel


class _MeasureScope:
    def __init__(self, star: Star, model: SemanticModel) -> None:
        self.star = star
        self.all = {m.name for m in model.measures}

    def column(self, table: str | None, column: str) -> str | None:
        return self.star.column(table, column)

    def measure(self, name: str) -> str | None:
        return self.star.measure(name)

    def rows_column(self, table: str) -> str | None:
        return self.star.rows_column(table)

    def is_measure(self, name: str) -> bool:
        return name in self.all


def calculated_fields(
    model: SemanticModel, stars: list[Star], findings: list[Finding]
) -> tuple[list[dict[str, Any]], dict[str, Translated]]:
    """The definition's CalculatedFields, and each converted measure's translation by name."""
    fields: list[dict[str, Any]] = []
    done: dict[str, Translated] = {}
    home = {name: star for star in stars if star.data_set_id for name in star.tables}
    pending = [m for m in model.measures if m.table in home]
    for m in model.measures:
        if m.table not in home:
            findings.append(Finding("TABLE_SOURCE", _where(m), "its table is in no data set"))
    last: dict[str, Translated] = {}
    while pending:
        progressed = False
        for measure in list(pending):
            star = home[measure.table]
            translated = translate(measure.expression, "measure", _MeasureScope(star, model))
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
