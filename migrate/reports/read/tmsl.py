"""The semantic model as TMSL JSON: a PBIT's ``DataModelSchema`` (UTF-16) or a PBIP's
``model.bim``."""

from __future__ import annotations

from typing import Any

from migrate.reports.model import Column, Measure, Relationship, Role, SemanticModel, Table
from migrate.reports.read.errors import UnreadableReport
from migrate.reports.read.jsontext import decode_json
from migrate.reports.read.m_source import source_of


def decode_schema(raw: bytes, where: str) -> dict[str, Any]:
    return decode_json(raw, where, "a TMSL model")


def model_of(schema: dict[str, Any], where: str) -> SemanticModel:
    model = schema.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("tables", []), list):
        raise UnreadableReport(f"{where} has no model with tables")
    try:
        return SemanticModel(
            tables=tuple(_table(t) for t in model.get("tables", [])),
            relationships=tuple(_relationship(r) for r in model.get("relationships", [])),
            roles=tuple(_role(r) for r in model.get("roles", [])),
        )
    except (AttributeError, KeyError, TypeError) as exc:
        raise UnreadableReport(f"{where}: a table, relationship or role is malformed ({exc})") from exc


def text(value: Any) -> str:
    """TMSL writes a long expression as a list of lines."""
    return "\n".join(value) if isinstance(value, list) else str(value or "")


def _table(table: dict[str, Any]) -> Table:
    name = str(table["name"])
    partitions = [p.get("source", {}) for p in table.get("partitions", [])]
    m = next((text(s.get("expression")) for s in partitions if s.get("type") == "m"), None)
    return Table(
        name=name,
        columns=tuple(
            Column(
                str(c["name"]),
                str(c.get("dataType", "string")),
                text(c["expression"]) if c.get("type") == "calculated" else None,
                c.get("sourceColumn"),
            )
            for c in table.get("columns", [])
            if c.get("type") != "rowNumber"
        ),
        measures=tuple(
            Measure(str(m["name"]), name, text(m.get("expression"))) for m in table.get("measures", [])
        ),
        source=source_of(m) if m else None,
        m_expression=m,
        hidden=bool(table.get("isHidden")),
    )


def _relationship(found: dict[str, Any]) -> Relationship:
    return Relationship(
        str(found["fromTable"]),
        str(found["fromColumn"]),
        str(found["toTable"]),
        str(found["toColumn"]),
        active=found.get("isActive", True) is not False,
        both_directions=found.get("crossFilteringBehavior") == "bothDirections",
    )


def _role(found: dict[str, Any]) -> Role:
    filters = {
        str(p["name"]): text(p["filterExpression"])
        for p in found.get("tablePermissions", [])
        if p.get("filterExpression")
    }
    members = tuple(str(m.get("memberName", "")) for m in found.get("members", []))
    return Role(str(found["name"]), filters, members)
