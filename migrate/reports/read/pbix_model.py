"""A PBIX's own model: its ``DataModel`` is an Analysis Services backup compressed with XPress9,
which pbixray decodes. Read from it: tables and their columns' types, calculated columns, DAX
measures, relationships, each table's Power Query, and RLS roles; the visuals' data for the
Power BI side of ``migrate verify --reports`` comes from the same decoder (``get_table``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate.reports.model import Column, Measure, Relationship, Role, SemanticModel, Table
from migrate.reports.read.errors import UnreadableReport
from migrate.reports.read.m_source import source_of

# pandas' dtype names, as pbixray reports them, to TMSL's data types.
TYPES = {"string": "string", "object": "string", "bool": "boolean", "boolean": "boolean"}


def data_type(pandas: str) -> str:
    name = pandas.lower()
    if name in TYPES:
        return TYPES[name]
    if name.startswith(("int", "uint")):
        return "int64"
    if name.startswith(("float", "decimal")):
        return "double"
    if name.startswith("datetime"):
        return "dateTime"
    return "string"


def model_of_pbix(path: Path) -> SemanticModel:
    try:
        from pbixray import PBIXRay
    except ImportError as exc:
        raise UnreadableReport(
            f"{path}: reading a PBIX's model needs the migrate extra (pip install 'snapshot-engine[migrate]')"
        ) from exc
    try:
        decoded: Any = PBIXRay(str(path))
        return model_of(decoded)
    except UnreadableReport:
        raise
    except Exception as exc:  # pbixray raises its own, struct and value errors on a damaged model
        raise UnreadableReport(
            f"{path}: its DataModel cannot be decoded ({type(exc).__name__}: {exc})"
        ) from exc


def model_of(decoded: Any) -> SemanticModel:
    """The model from pbixray's frames (``schema``, ``dax_columns``, ``dax_measures``,
    ``relationships``, ``power_query``, ``rls``); a frame pbixray leaves empty (no measures, no
    relationships) has no columns at all."""
    columns = _rows(decoded.schema, "TableName", "ColumnName", "PandasDataType")
    calculated = {
        (r.TableName, r.ColumnName): r.Expression
        for r in _rows(decoded.dax_columns, "TableName", "ColumnName", "Expression")
    }
    queries = {r.TableName: r.Expression for r in _rows(decoded.power_query, "TableName", "Expression")}
    measures = _rows(decoded.dax_measures, "TableName", "Name", "Expression")
    names = dict.fromkeys([str(r.TableName) for r in columns] + [str(r.TableName) for r in measures])
    tables = []
    for name in names:
        m = queries.get(name)
        tables.append(
            Table(
                name,
                tuple(
                    Column(
                        str(r.ColumnName),
                        data_type(str(r.PandasDataType)),
                        calculated.get((name, r.ColumnName)),
                    )
                    for r in columns
                    if r.TableName == name
                ),
                tuple(Measure(str(r.Name), name, str(r.Expression)) for r in measures if r.TableName == name),
                source_of(m) if m else None,
                m,
            )
        )
    relationships = tuple(
        Relationship(
            str(r.FromTableName),
            str(r.FromColumnName),
            str(r.ToTableName),
            str(r.ToColumnName),
            active=bool(r.IsActive),
            both_directions=str(r.CrossFilteringBehavior) in ("Both", "2"),
        )
        for r in _rows(
            decoded.relationships,
            "FromTableName",
            "FromColumnName",
            "ToTableName",
            "ToColumnName",
            "IsActive",
            "CrossFilteringBehavior",
        )
    )
    roles: dict[str, dict[str, str]] = {}
    for r in _rows(decoded.rls, "RoleName", "TableName", "FilterExpression"):
        if r.FilterExpression:
            roles.setdefault(str(r.RoleName), {})[str(r.TableName)] = str(r.FilterExpression)
    return SemanticModel(tuple(tables), relationships, tuple(Role(n, f) for n, f in roles.items()))


def _rows(frame: Any, *needed: str) -> list[Any]:
    if frame is None or not len(frame) or not set(needed) <= set(frame.columns):
        return []
    return list(frame.itertuples())
