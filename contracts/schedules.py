"""The catalog's scheduled reports as Terraform reads them (``<catalog dir>/schedules.json``).

Terraform has no TOML decoder, so ``make generate`` writes this file from the catalog and a test
fails when the two disagree. Each entry is what EventBridge Scheduler puts on the bus as a
"Snapshot Requested" event: the report in its schedule format, with its default params.
"""

from __future__ import annotations

import json
from typing import Any

from contracts.catalog import Catalog, parse_catalog
from contracts.catalog_dirs import CatalogDir

FILE = "schedules.json"


class ScheduleError(ValueError):
    pass


def schedules(catalog: Catalog) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for report in sorted(catalog.reports.values(), key=lambda r: r.name):
        if report.schedule is None:
            continue
        if not report.has_all_defaults():
            raise ScheduleError(f"report {report.name!r} has a schedule but params without defaults")
        fmt = report.schedule_format or report.formats[0]
        if fmt not in report.formats:
            raise ScheduleError(f"report {report.name!r}: schedule_format {fmt!r} is not one of its formats")
        found[report.name] = {"expression": report.schedule, "format": fmt}
    return found


def render(directory: CatalogDir) -> str:
    return (
        json.dumps(schedules(parse_catalog(directory.reports.read_bytes())), indent=2, sort_keys=True) + "\n"
    )
