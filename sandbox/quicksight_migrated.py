"""The QuickSight stand-in's files for a dashboard ``migrate reports --deploy`` put in it: each
visual computed from its published definition (calculated fields, field wells, the data set's
table, renames, created columns and row-level tag rules) over the sandbox's database, as
QuickSight would over RDS MySQL. A CSV is one visual's groups; a PDF is the sheet, each visual's
title and its first groups."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from migrate.reports.verify.quicksight_sql import NotComparable
from migrate.reports.verify.visuals import by_identifier, quicksight_rows, written_fields
from migrate.verify.engines import readonly_sqlite
from sandbox.quicksight_assets import Assets

PDF_ROWS = 8


class Unrenderable(Exception):
    """The job fails with this as its error message (GENERIC_SNAPSHOT_ERROR)."""


def render_migrated(
    assets: Assets, dashboard_id: str, file_spec: dict[str, Any], request: dict[str, Any], database: Path
) -> tuple[bytes, str]:
    found = assets.dashboards[dashboard_id]
    definition = found["versions"][found["published"] - 1]["Definition"]
    data_sets = by_identifier(definition, list(assets.data_sets.values()))
    calculated = {f["Name"]: f["Expression"] for f in definition.get("CalculatedFields", [])}
    users = request.get("UserConfiguration", {}).get("AnonymousUsers", [{}])
    tags = {t["Key"]: t["Value"] for t in users[0].get("RowLevelPermissionTags", [])}
    selection = file_spec["SheetSelections"][0]
    sheet = next((s for s in definition["Sheets"] if s["SheetId"] == selection["SheetId"]), None)
    if sheet is None:
        raise Unrenderable(f"sheet {selection['SheetId']} is not in the dashboard")
    visuals = {next(iter(v.values()))["VisualId"]: v for v in sheet.get("Visuals", [])}
    engine = readonly_sqlite(database)
    try:

        def table_of(visual: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
            dims, measures = written_fields(visual)
            try:
                rows = quicksight_rows(data_sets, calculated, dims, measures, engine, None, tags)
            except NotComparable as exc:
                raise Unrenderable(f"the stand-in cannot evaluate it: {exc}") from exc
            header = [d["Column"]["ColumnName"] for d in dims] + [_measure_name(m) for m in measures]
            return header, [[*key, *values] for key, values in sorted(rows.items(), key=repr)]

        if file_spec["FormatType"] == "CSV":
            (visual_id,) = selection.get("VisualIds", [None])[:1] or [None]
            if visual_id not in visuals:
                raise Unrenderable(f"visual {visual_id} is not on sheet {sheet['SheetId']}")
            return _csv(*table_of(visuals[visual_id])), "text/csv"
        if file_spec["FormatType"] == "PDF":
            return _pdf(
                sheet.get("Name", ""), [(_title(v), *table_of(v)) for v in visuals.values()]
            ), "application/pdf"
        raise Unrenderable(f"{file_spec['FormatType']} is not rendered for a migrated dashboard")
    finally:
        engine.dispose()


def _measure_name(field: dict[str, Any]) -> str:
    name = str(field["Column"]["ColumnName"])
    aggregation = field.get("AggregationFunction")
    if aggregation is None:
        return name
    function = aggregation if isinstance(aggregation, str) else aggregation.get("SimpleNumericalAggregation")
    return f"{str(function).lower()}({name})"


def _title(visual: dict[str, Any]) -> str:
    body = next(iter(visual.values()))
    return str(body.get("Title", {}).get("FormatText", {}).get("PlainText", body["VisualId"]))


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _pdf(sheet: str, tables: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    image = Image.new(
        "RGB", (1000, 60 + sum(30 + 16 * min(len(rows), PDF_ROWS) for _, _, rows in tables)), "white"
    )
    draw = ImageDraw.Draw(image)
    draw.text((30, 20), sheet, fill="black")
    y = 50
    for title, header, rows in tables:
        draw.text((30, y), f"{title}: {' | '.join(header)}", fill=(31, 119, 180))
        y += 18
        for row in rows[:PDF_ROWS]:
            draw.text(
                (50, y), " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row), fill="black"
            )
            y += 16
        y += 12
    out = io.BytesIO()
    image.save(out, format="PDF")
    return out.getvalue()
