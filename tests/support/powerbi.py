"""Power BI files the tests build: a PBIT (a zip of UTF-16 JSON) from a TMSL model and a legacy
layout, so every reader meets the bytes Power BI Desktop writes without a file of anyone else's."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from migrate.reports.convert.visuals import KINDS
from migrate.reports.model import FieldRef, Page, Report, Visual
from migrate.reports.read.sources import read_source

ROOT = Path(__file__).resolve().parents[2]


def column(table: str, name: str) -> dict[str, Any]:
    return {
        "Column": {"Expression": {"SourceRef": {"Source": table[0].lower()}}, "Property": name},
        "Name": f"{table}.{name}",
    }


def measure(table: str, name: str) -> dict[str, Any]:
    return {
        "Measure": {"Expression": {"SourceRef": {"Source": table[0].lower()}}, "Property": name},
        "Name": f"{table}.{name}",
    }


def summed(table: str, name: str, function: int = 0) -> dict[str, Any]:
    inner = {"Column": {"Expression": {"SourceRef": {"Source": table[0].lower()}}, "Property": name}}
    return {"Aggregation": {"Expression": inner, "Function": function}, "Name": f"Agg({table}.{name})"}


def container(
    name: str, visual_type: str, wells: dict[str, list[dict[str, Any]]], x: int = 0
) -> dict[str, Any]:
    tables = sorted({s["Name"].split("(")[-1].split(".")[0] for items in wells.values() for s in items})
    config = {
        "name": name,
        "singleVisual": {
            "visualType": visual_type,
            "projections": {role: [{"queryRef": s["Name"]} for s in items] for role, items in wells.items()},
            "prototypeQuery": {
                "Version": 2,
                "From": [{"Name": t[0].lower(), "Entity": t, "Type": 0} for t in tables],
                "Select": [s for items in wells.values() for s in items],
            },
            "vcObjects": {
                "title": [{"properties": {"text": {"expr": {"Literal": {"Value": f"'{name} title'"}}}}}]
            },
        },
    }
    return {"x": x, "y": 10, "z": 0, "width": 300, "height": 200, "config": json.dumps(config)}


def layout(*pages: tuple[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "sections": [
            {"name": f"ReportSection{n}", "displayName": name, "ordinal": n, "visualContainers": visuals}
            for n, (name, visuals) in enumerate(pages)
        ]
    }


def m_source(table: str) -> list[str]:
    return [
        "let",
        '    Source = MySQL.Database("db.internal", "shop"),',
        f'    t = Source{{[Schema="shop",Item="{table}"]}}[Data]',
        "in",
        "    t",
    ]


FILTERED = "CALCULATE(SUM(Orders[amount]), FILTER(ALL(Orders), Orders[amount] > 1))"
FROM_A_FILE = 'let Source = Csv.Document(File.Contents("C:\\\\notes.csv")) in Source'


def shop_model() -> dict[str, Any]:
    """A star: Orders (many) to Products and Customers (one); a calculated column through RELATED."""

    def table(name: str, columns: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
        return {
            "name": name,
            "columns": [{"name": c, "dataType": t, "sourceColumn": c} for c, t in columns]
            + extra.pop("calculated", []),
            "partitions": [{"name": name, "source": {"type": "m", "expression": m_source(name.lower())}}],
            **extra,
        }

    return {
        "name": "Shop",
        "compatibilityLevel": 1567,
        "model": {
            "tables": [
                table(
                    "Orders",
                    [
                        ("order_id", "int64"),
                        ("product_id", "int64"),
                        ("customer_id", "int64"),
                        ("amount", "double"),
                        ("day", "dateTime"),
                        ("name", "string"),
                    ],
                    measures=[
                        {"name": "Sales", "expression": "SUM(Orders[amount])"},
                        {"name": "Order Count", "expression": ["COUNTROWS(", "    Orders", ")"]},
                        {"name": "Sales Per Order", "expression": "DIVIDE([Sales], [Order Count])"},
                        {
                            "name": "Filtered",
                            "expression": FILTERED,
                        },
                    ],
                    calculated=[
                        {
                            "type": "calculated",
                            "name": "Category",
                            "dataType": "string",
                            "expression": "RELATED(Products[category])",
                        }
                    ],
                ),
                table("Products", [("product_id", "int64"), ("category", "string"), ("name", "string")]),
                table("Customers", [("customer_id", "int64"), ("country", "string")]),
                {
                    "name": "Notes",
                    "columns": [{"name": "text", "dataType": "string"}],
                    "partitions": [
                        {
                            "source": {
                                "type": "m",
                                "expression": FROM_A_FILE,
                            }
                        }
                    ],
                },
            ],
            "relationships": [
                {
                    "name": "r1",
                    "fromTable": "Orders",
                    "fromColumn": "product_id",
                    "toTable": "Products",
                    "toColumn": "product_id",
                },
                {
                    "name": "r2",
                    "fromTable": "Orders",
                    "fromColumn": "customer_id",
                    "toTable": "Customers",
                    "toColumn": "customer_id",
                    "crossFilteringBehavior": "bothDirections",
                },
                {
                    "name": "r3",
                    "fromTable": "Orders",
                    "fromColumn": "day",
                    "toTable": "Products",
                    "toColumn": "name",
                    "isActive": False,
                },
            ],
            "roles": [
                {
                    "name": "UK",
                    "tablePermissions": [{"name": "Customers", "filterExpression": '[country] = "UK"'}],
                }
            ],
        },
    }


def shop_layout() -> dict[str, Any]:
    return layout(
        (
            "Sales",
            [
                container(
                    "by_category",
                    "clusteredColumnChart",
                    {"Category": [column("Products", "category")], "Y": [measure("Orders", "Sales")]},
                ),
                container(
                    "by_country",
                    "pieChart",
                    {"Category": [column("Customers", "country")], "Y": [summed("Orders", "amount")]},
                    320,
                ),
                container("count", "card", {"Values": [measure("Orders", "Sales Per Order")]}, 640),
                container("notes", "tableEx", {"Values": [column("Notes", "text")]}, 960),
                container("filtered", "card", {"Values": [measure("Orders", "Filtered")]}, 1280),
                {"x": 0, "y": 0, "width": 10, "height": 10, "config": "{not json"},
            ],
        ),
        ("Empty", []),
    )


def utf16(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode("utf-16-le")


def write_pbit(
    path: Path,
    model: dict[str, Any] | None = None,
    report: dict[str, Any] | None = None,
    parts: dict[str, bytes | None] | None = None,
) -> Path:
    """A .pbit as Power BI Desktop writes one: Version, [Content_Types].xml, DataModelSchema and
    Report/Layout as UTF-16 JSON. ``parts`` add or replace members (None drops one)."""
    members: dict[str, bytes | None] = {
        "Version": "1.28".encode("utf-16-le"),
        "[Content_Types].xml": b'<?xml version="1.0" encoding="utf-8"?><Types/>',
        "DataModelSchema": utf16(model if model is not None else shop_model()),
        "Report/Layout": utf16(report if report is not None else shop_layout()),
    }
    members.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            if body is not None:
                archive.writestr(name, body)
    return path


def every_visual_kind(title: str = "a title") -> Report:
    """The sandbox's Sales report with one more page holding a visual of every mapped kind, each
    with one field in the first role of each well (a column, a measure, an aggregated column)."""
    base = read_source(ROOT / "sandbox" / "powerbi" / "Sales.pbip")
    made = {
        "dimension": FieldRef("Sales", "region", "column"),
        "measure": FieldRef("Sales", "Revenue", "measure"),
        "table": FieldRef("Sales", "product", "aggregation", "DistinctCount"),
    }
    visuals = []
    for i, kind in enumerate(sorted(KINDS)):
        refs: dict[str, tuple[FieldRef, ...]] = {
            roles[0]: (made[sort],) for roles, _, sort in KINDS[kind].wells
        }
        if KINDS[kind].wells[0][2] == "table":
            refs["Values"] = (FieldRef("Sales", "region", "column"), made["table"], made["measure"])
        visuals.append(Visual(f"v{i}", kind, refs, title, (10, 10 + i * 210, 300, 200)))
    return Report("Every kind", "pbip", (*base.pages, Page("kinds", "Kinds", tuple(visuals))), base.model)
