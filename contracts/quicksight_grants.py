"""The QuickSight dashboards and users a catalog's reports reach, as Terraform reads them
(``<catalog dir>/quicksight-grants.json``): the agents may start snapshot jobs on, and embed, those
dashboards only, and embed as those registered users only.

A dashboard id with a ``{param}`` placeholder becomes a wildcard over that part (``sales-{region}``
grants ``sales-*``): prefer fixed ids, and know that a whole-id placeholder grants every dashboard.
"""

from __future__ import annotations

import json
import re
from typing import Any

from contracts.catalog import Catalog, parse_catalog
from contracts.catalog_dirs import CatalogDir

FILE = "quicksight-grants.json"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
QUICKSIGHT_USER = re.compile(r"^arn:aws[\w-]*:quicksight:[a-z0-9-]+:\d{12}:user/[\w.@+=,/-]+$")


class QuickSightGrantError(ValueError):
    pass


def quicksight_grants(catalog: Catalog) -> dict[str, list[str]]:
    dashboards, users, namespaces = set(), set(), set()
    for report in catalog.reports.values():
        for source in _quicksight_sources(report.renderer, report.source):
            dashboard = source.get("dashboard_id")
            if not isinstance(dashboard, str):
                raise QuickSightGrantError(
                    f"report {report.name!r}: its QuickSight source has no dashboard_id"
                )
            dashboards.add(PLACEHOLDER.sub("*", dashboard))
            user = source.get("user_arn")
            if user is not None:
                if not isinstance(user, str) or not QUICKSIGHT_USER.match(user):
                    raise QuickSightGrantError(
                        f"report {report.name!r}: user_arn {user!r} is not a QuickSight user"
                    )
                users.add(user)
            elif report.renderer == "browser":
                namespaces.add(str(source.get("namespace", "default")))
    return {"dashboards": sorted(dashboards), "users": sorted(users), "namespaces": sorted(namespaces)}


def _quicksight_sources(renderer: str, source: dict[str, Any]) -> list[dict[str, Any]]:
    if renderer == "quicksight":
        return [source]
    embedded = source.get("quicksight") if renderer == "browser" else None
    return [embedded] if isinstance(embedded, dict) else []


def render(directory: CatalogDir) -> str:
    grants = quicksight_grants(parse_catalog(directory.reports.read_bytes()))
    return json.dumps(grants, indent=2, sort_keys=True) + "\n"
