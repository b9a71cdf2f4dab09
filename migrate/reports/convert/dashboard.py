"""One report to QuickSight: its data sets, and a dashboard whose sheets are its pages, with the
findings and the coverage line (visuals converted of data visuals, measures of measures)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from migrate.reports.convert.datasets import Star, Target, create_data_set, stars
from migrate.reports.convert.ids import object_id
from migrate.reports.convert.images import SheetImages
from migrate.reports.convert.measures import calculated_fields
from migrate.reports.convert.roles import governance
from migrate.reports.convert.visuals import DECORATION, KINDS, Fields, visual_definition
from migrate.reports.findings import Finding
from migrate.reports.model import GROUP, Page, Report, SemanticModel, Source, Visual
from migrate.reports.validate import most_items

SLICERS = {"slicer"}
AUTO_DATE_TABLES = ("LocalDateTable_", "DateTableTemplate_")
TEXT = {"textbox"}
IMAGES = {"image"}
IMAGES_PER_SHEET = most_items("SheetDefinition", "Images") or 10  # QuickSight's API model's limit
# Power BI's canvas is 1280 pixels wide by default, like QuickSight's free-form sheet.


@dataclass
class Converted:
    report: str
    data_sets: list[dict[str, Any]]
    dashboard: dict[str, Any]
    findings: list[Finding]
    data_visuals: int = 0
    visuals_converted: int = 0
    measures: int = 0
    measures_converted: int = 0
    decoration_dropped: int = 0
    targets: dict[str, str] = field(default_factory=dict)  # source object → what it became
    governance: dict[str, Any] = field(default_factory=dict)  # RLS roles as governed tables
    images: SheetImages = field(default_factory=SheetImages)

    @property
    def coverage(self) -> str:
        return (
            f"coverage: {self.visuals_converted} of {self.data_visuals} data visuals,"
            f" {self.measures_converted} of {self.measures} measures;"
            f" {self.decoration_dropped} decorations dropped"
        )


def convert(report: Report, target: Target) -> Converted:
    findings: list[Finding] = []
    if report.model is None:
        raise ValueError("a report with no model of its own cannot be converted")
    model = _without_auto_dates(report.model)
    model = _named_tables(model, findings) if target.tables_by_name else model
    report = replace(report, model=model)
    found = stars(model, findings)
    governed = governance(model, findings)
    by_table = {g["table"]: g["column"] for g in governed["governed"]}
    data_sets = [
        d for s in found if (d := create_data_set(report.name, s, model, target, findings, by_table))
    ]
    built = [s for s in found if s.data_set_id]
    calculated, measures = calculated_fields(model, built, findings)
    dashboard_id = object_id("dashboard", report.name)
    converted = Converted(report.name, data_sets, {}, findings)
    converted.images = SheetImages(target.images_at, target.region)
    converted.governance = governed
    converted.measures = len(model.measures)
    converted.measures_converted = len(measures)
    sheets, filter_groups = [], []
    for page in report.pages:
        sheet, groups = _sheet(report, page, built, measures, converted, target)
        sheets.append(sheet)
        filter_groups += groups
    definition: dict[str, Any] = {
        "DataSetIdentifierDeclarations": [
            {
                "Identifier": s.identifier,
                "DataSetArn": f"arn:aws:quicksight:{target.region}:{target.account}:dataset/{s.data_set_id}",
            }
            for s in built
        ],
        "Sheets": sheets,
    }
    if calculated:
        definition["CalculatedFields"] = calculated
    if filter_groups:
        definition["FilterGroups"] = filter_groups
    if converted.images.static_files:
        definition["StaticFiles"] = converted.images.static_files
    converted.dashboard = {
        "AwsAccountId": target.account,
        "DashboardId": dashboard_id,
        "Name": report.name[:2048],
        "Definition": definition,
    }
    return converted


def _without_auto_dates(model: SemanticModel) -> SemanticModel:
    """Power BI's auto date/time tables (hidden, generated per date column) are not the report's
    data: QuickSight groups dates by its own granularities."""
    auto = {t.name for t in model.tables if t.name.startswith(AUTO_DATE_TABLES)}
    return replace(
        model,
        tables=tuple(t for t in model.tables if t.name not in auto),
        relationships=tuple(
            r for r in model.relationships if r.to_table not in auto and r.from_table not in auto
        ),
    )


def _named_tables(model: SemanticModel, findings: list[Finding]) -> SemanticModel:
    tables = []
    for table in model.tables:
        if table.source is None and table.columns:
            findings.append(
                Finding(
                    "TABLE_SOURCE",
                    f"'{table.name}'",
                    "not read from a database: assumed loaded under its name",
                    table.name,
                )
            )
            table = replace(table, source=Source(None, table.name))
        tables.append(table)
    return replace(model, tables=tuple(tables))


def _sheet(
    report: Report,
    page: Page,
    built: list[Star],
    measures: dict[str, Any],
    converted: Converted,
    target: Target,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    sheet_id = object_id("sheet", report.name, page.name)
    visuals, text_boxes, controls, groups, elements = [], [], [], [], []
    images: list[dict[str, Any]] = []
    for visual in page.visuals:
        where = f"{page.display_name}/{visual.name or '?'}"
        element_id = object_id("visual", report.name, page.name, visual.name)
        kind = visual.visual_type
        if not kind:
            converted.findings.append(Finding("VISUAL_UNREADABLE", where, "its container could not be read"))
            continue
        if kind == GROUP:
            continue
        if kind in DECORATION:
            converted.decoration_dropped += 1
            converted.findings.append(Finding("DECORATION", where, f"decoration ({kind}), dropped"))
            continue
        if kind in IMAGES:
            if len(images) == IMAGES_PER_SHEET:
                converted.findings.append(
                    Finding("IMAGE", where, f"a QuickSight sheet holds at most {IMAGES_PER_SHEET} images")
                )
                continue
            image = converted.images.sheet_image(report, visual, element_id, where, converted.findings)
            if image:
                images.append(image)
                elements.append(_element(element_id, "IMAGE", visual))
            continue
        if kind in TEXT:
            text_boxes.append({"SheetTextBoxId": element_id, "Content": (visual.text or "")[:150000]})
            elements.append(_element(element_id, "TEXT_BOX", visual))
            continue
        if kind in SLICERS:
            made = _slicer(visual, element_id, sheet_id, built, where, converted.findings)
            if made:
                control, group = made
                controls.append(control)
                groups.append(group)
                elements.append(_element(element_id, "FILTER_CONTROL", visual))
            continue
        converted.data_visuals += 1
        if kind not in KINDS:
            converted.findings.append(Finding("VISUAL_TYPE", where, f"{kind} has no QuickSight counterpart"))
            continue
        star = _star_for(visual, built)
        if star is None:
            converted.findings.append(_no_data_set(visual, built, where))
            continue
        assert report.model is not None  # convert() refuses a report with none
        fields = Fields(report.model, star, measures, element_id)
        made_visual = visual_definition(visual, element_id, fields, where, converted.findings)
        if made_visual:
            visuals.append(made_visual)
            elements.append(_element(element_id, "VISUAL", visual))
            converted.visuals_converted += 1
            converted.targets[where] = next(iter(made_visual))
    sheet: dict[str, Any] = {"SheetId": sheet_id, "Name": page.display_name[:2048]}
    if visuals:
        sheet["Visuals"] = visuals
    if text_boxes:
        sheet["TextBoxes"] = text_boxes
    if images:
        sheet["Images"] = images
    if controls:
        sheet["FilterControls"] = controls
    if elements:
        sheet["Layouts"] = [{"Configuration": {"FreeFormLayout": {"Elements": elements}}}]
    return sheet, groups


def _star_for(visual: Visual, built: list[Star]) -> Star | None:
    """The data set holding every column the visual shows and every measure it shows (a measure
    lives where it was converted, whichever table Power BI filed it under)."""
    refs = [ref for refs in visual.wells.values() for ref in refs]
    tables = {ref.table for ref in refs if ref.kind != "measure"}
    measures = {ref.name for ref in refs if ref.kind == "measure"}
    for star in built:
        if tables <= set(star.tables) and measures <= set(star.measure_names):
            return star
    return next((s for s in built if tables <= set(s.tables)), None) if not measures else None


def _no_data_set(visual: Visual, built: list[Star], where: str) -> Finding:
    converted = {name for star in built for name in star.measure_names}
    missing = sorted(
        {r.name for refs in visual.wells.values() for r in refs if r.kind == "measure"} - converted
    )
    if missing:
        return Finding("VISUAL_FIELDS", where, f"the measure(s) {', '.join(missing)} were not converted")
    return Finding("TABLE_UNJOINED", where, "its fields are in no one data set")


def _element(element_id: str, element_type: str, visual: Visual) -> dict[str, Any]:
    x, y, width, height = visual.position
    return {
        "ElementId": element_id,
        "ElementType": element_type,
        "XAxisLocation": f"{max(0, round(x))}px",
        "YAxisLocation": f"{max(0, round(y))}px",
        "Width": f"{max(1, round(width))}px",
        "Height": f"{max(1, round(height))}px",
    }


def _slicer(
    visual: Visual, element_id: str, sheet_id: str, built: list[Star], where: str, findings: list[Finding]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    refs = [r for refs in visual.wells.values() for r in refs]
    star = _star_for(visual, built)
    if len(refs) != 1 or refs[0].kind != "column" or star is None:
        findings.append(
            Finding("VISUAL_FIELDS", where, "a slicer is converted over one column of a data set")
        )
        return None
    column = star.column(refs[0].table, refs[0].name)
    if column is None:
        findings.append(
            Finding("VISUAL_FIELDS", where, f"'{refs[0].table}'[{refs[0].name}] is not in the data set")
        )
        return None
    filter_id = f"{element_id}-filter"
    group = {
        "FilterGroupId": f"{element_id}-group",
        "Filters": [
            {
                "CategoryFilter": {
                    "FilterId": filter_id,
                    "Column": {"DataSetIdentifier": star.identifier, "ColumnName": column},
                    "Configuration": {
                        "FilterListConfiguration": {
                            "MatchOperator": "CONTAINS",
                            "SelectAllOptions": "FILTER_ALL_VALUES",
                        }
                    },
                }
            }
        ],
        "ScopeConfiguration": {
            "SelectedSheets": {
                "SheetVisualScopingConfigurations": [{"SheetId": sheet_id, "Scope": "ALL_VISUALS"}]
            }
        },
        "Status": "ENABLED",
        "CrossDataset": "SINGLE_DATASET",
    }
    control = {
        "Dropdown": {
            "FilterControlId": element_id,
            "Title": (visual.title or refs[0].name)[:2048],
            "SourceFilterId": filter_id,
            "Type": "MULTI_SELECT",
        }
    }
    return control, group
