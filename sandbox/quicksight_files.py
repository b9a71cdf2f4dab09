"""The files the QuickSight stand-in "renders": a PDF page with a bar chart, a CSV of one table
visual, an Excel workbook with a sheet per visual. Rows follow the request: the anonymous user's
row-level-security tag ``region`` keeps only that region, dashboard parameters become columns."""

from __future__ import annotations

import csv
import io
from typing import Any

from PIL import Image, ImageDraw

REGIONS = ("EMEA", "AMER", "APAC")
PRODUCTS = ("widget", "gadget", "gizmo", "doohickey")
CONTENT_TYPES = {
    "PDF": "application/pdf",
    "CSV": "text/csv",
    "EXCEL": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render_file(file_spec: dict[str, Any], request: dict[str, Any], blank: bool = False) -> tuple[bytes, str]:
    kind = file_spec["FormatType"]
    rows = _rows(request)
    if kind == "PDF":
        data = _pdf(rows, blank)
    elif kind == "CSV":
        data = _csv(rows)
    else:
        visuals = file_spec["SheetSelections"][0].get("VisualIds", ["table"])
        data = _xlsx(rows, visuals)
    return data, CONTENT_TYPES[kind]


def _rows(request: dict[str, Any]) -> list[dict[str, Any]]:
    users = request.get("UserConfiguration", {}).get("AnonymousUsers", [{}])
    tags = {t["Key"]: t["Value"] for t in users[0].get("RowLevelPermissionTags", [])}
    parameters = request["SnapshotConfiguration"].get("Parameters", {})
    extra = {p["Name"]: p["Values"][0] for kind in parameters.values() for p in kind}
    regions = [r for r in REGIONS if _tag_allows(tags.get("region"), r)]
    return [
        {"region": region, "product": product, "revenue": 1000 + 137 * i + 71 * j, **extra}
        for i, region in enumerate(regions)
        for j, product in enumerate(PRODUCTS)
    ]


def _tag_allows(tag: str | None, value: str) -> bool:
    """The data set's tag rule, as the platform's governed tables declare it by default: values
    delimited by ",", and "*" matching every value; no tag at all, no rule."""
    return tag is None or tag == "*" or value in tag.split(",")


def _pdf(rows: list[dict[str, Any]], blank: bool) -> bytes:
    out = io.BytesIO()
    if blank:  # a page with nothing on it, as a dashboard that never loaded would export
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(width=800, height=500)
        writer.write(out)
        return out.getvalue()
    image = Image.new("RGB", (800, 500), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 20), "Revenue per product", fill="black")
    for n, row in enumerate(rows[:12]):
        height = row["revenue"] // 6
        draw.rectangle((40 + n * 60, 460 - height, 80 + n * 60, 460), fill=(31, 119, 180))
    image.save(out, format="PDF")
    return out.getvalue()


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["region", "product", "revenue"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[dict[str, Any]], visuals: list[str]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        for visual in visuals:
            sheet = book.add_worksheet(visual[:31])
            columns = list(rows[0]) if rows else ["region"]
            sheet.write_row(0, 0, columns)
            for n, row in enumerate(rows, start=1):
                sheet.write_row(
                    n, 0, [str(row[c]) if not isinstance(row[c], int) else row[c] for c in columns]
                )
    return out.getvalue()
