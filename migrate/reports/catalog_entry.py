"""What the report catalog needs for the engine to render a migrated dashboard: one ``quicksight``
report per sheet (pdf of the whole sheet, csv of its first visual), reading the governed tables
the roles became, and those tables' declarations. Written as ``catalog.toml`` beside the
dashboard: append it to the environment's ``reports.toml`` and fill in who may call."""

from __future__ import annotations

import re
from typing import Any

from migrate.reports.convert.dashboard import Converted

CALLERS_TO_FILL = "group:report-readers"


def catalog_entries(converted: Converted, datasource: str) -> str:
    governed = converted.governance.get("governed", [])
    reads = [f"{datasource}.{g['table']}" for g in governed]
    lines = [
        f"# {converted.report}: migrated from Power BI by migrate reports. Append to the catalog's",
        "# reports.toml (less the [datasources] part if the catalog already declares it), then set",
        "# each report's callers (docs/governance.md).",
        "",
    ]
    if governed:
        lines += [f"[datasources.{datasource}]", 'dialect = "mysql"', ""]
    for g in governed:
        lines += [
            f"[datasources.{datasource}.governed.{_key(g['table'])}]",
            f"column = {_string(g['column'])}",
            f"entitlement = {_string(g['entitlement'])}",
            "",
        ]
    sheets = converted.dashboard["Definition"]["Sheets"]
    base = _name(converted.report)
    for sheet in sheets:
        visuals = [_visual_id(v) for v in sheet.get("Visuals", [])]
        if not visuals:
            continue
        name = _name(f"{base}_{sheet['Name']}") if len(sheets) > 1 else base
        lines += [
            f"[reports.{name}]",
            f"title = {_string(sheet['Name'] + ' (' + converted.report + ', migrated from Power BI)')}",
            'renderer = "quicksight"',
            'formats = ["pdf", "csv"]',
            "max_age_seconds = 3600",
            f"reads = [{', '.join(_string(r) for r in reads)}]",
            "",
            f"[reports.{name}.source]",
            f"dashboard_id = {_string(converted.dashboard['DashboardId'])}",
            f"sheet_id = {_string(sheet['SheetId'])}",
            f"visual_ids = [{_string(visuals[0])}]",
            "",
            f"[reports.{name}.access]",
            f"callers = [{_string(CALLERS_TO_FILL)}]",
            "",
        ]
    return "\n".join(lines)


def _visual_id(visual: dict[str, Any]) -> str:
    return str(next(iter(visual.values()))["VisualId"])


def _name(text: str) -> str:
    """A catalog report name (``^[a-z][a-z0-9_]{0,62}$``) from a report's or page's name."""
    cleaned = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return ("r_" + cleaned if not cleaned[:1].isalpha() else cleaned)[:63] or "report"


def _key(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else _string(text)


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
