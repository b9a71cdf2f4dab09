"""The sandbox catalog's dashboard reports are ones their renderers accept: every source parses,
and every declared format of a QuickSight report makes a StartDashboardSnapshotJob request."""

from __future__ import annotations

import pytest

from agent.renderers.browser.renderer import BrowserSource
from agent.renderers.quicksight.source import QuickSightSource, start_request
from contracts.catalog import ReportSpec, parse_catalog
from sandbox.platform import DEFAULT_CATALOG

CATALOG = parse_catalog(DEFAULT_CATALOG.read_text().replace("@SANDBOX_SITE@", "http://127.0.0.1:1"))
DASHBOARDS = [r for r in CATALOG.reports.values() if r.renderer in ("quicksight", "browser")]


def test_the_sandbox_catalog_has_each_kind_of_dashboard_report() -> None:
    sources = {(r.renderer, "quicksight" in r.source) for r in DASHBOARDS}
    assert sources == {("quicksight", False), ("browser", False), ("browser", True)}


@pytest.mark.parametrize("report", DASHBOARDS, ids=lambda r: r.name)
def test_every_dashboard_source_is_accepted(report: ReportSpec) -> None:
    params = report.normalise_params({})
    if report.renderer == "browser":
        BrowserSource.model_validate(report.source)
        return
    source = QuickSightSource.model_validate(report.source)
    for fmt in report.formats:
        request = start_request("123456789012", source, report, params, fmt, [])
        assert request["DashboardId"] == source.dashboard_id
