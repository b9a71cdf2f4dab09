"""A quicksight report's source turned into StartDashboardSnapshotJob's arguments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from agent.jobs.errors import InvalidRenderError
from agent.renderers.quicksight.source import QuickSightSource, snapshot_job_id, start_request
from contracts.catalog import ReportSpec

REPORT = ReportSpec.model_validate(
    {
        "name": "dash",
        "renderer": "quicksight",
        "formats": ["pdf", "csv", "xlsx"],
        "params": {
            "region": {"type": "string", "default": "EMEA"},
            "since": {"type": "date", "default": "2024-03-01"},
            "top": {"type": "integer", "default": 5},
            "ratio": {"type": "number", "default": 0.5},
            "net": {"type": "boolean", "default": True},
            "sheet": {"type": "string", "default": "s1"},
        },
        "access": {"callers": ["*"]},
    }
)
PARAMS = REPORT.normalise_params({})


def source(**fields: Any) -> QuickSightSource:
    return QuickSightSource.model_validate({"dashboard_id": "d-1", "sheet_id": "{sheet}", **fields})


def test_pdf_takes_the_whole_sheet_and_typed_parameters() -> None:
    request = start_request(
        "123456789012",
        source(parameters={"since": "From", "top": "TopN", "ratio": "R", "net": "Net", "region": "Region"}),
        REPORT,
        PARAMS,
        "pdf",
        [],
    )
    config = request["SnapshotConfiguration"]
    assert config["FileGroups"] == [
        {
            "Files": [
                {"FormatType": "PDF", "SheetSelections": [{"SheetId": "s1", "SelectionScope": "ALL_VISUALS"}]}
            ]
        }
    ]
    assert config["Parameters"] == {
        "DateTimeParameters": [{"Name": "From", "Values": [datetime(2024, 3, 1, tzinfo=UTC)]}],
        "IntegerParameters": [{"Name": "TopN", "Values": [5]}],
        "DecimalParameters": [{"Name": "R", "Values": [0.5]}],
        "StringParameters": [{"Name": "Net", "Values": ["true"]}, {"Name": "Region", "Values": ["EMEA"]}],
    }
    assert request["UserConfiguration"] == {"AnonymousUsers": [{}]}


def test_csv_is_one_visual_and_rls_tags_are_the_ones_given() -> None:
    request = start_request(
        "123456789012",
        source(visual_ids=["v-{region}"]),
        REPORT,
        PARAMS,
        "csv",
        [{"Key": "region", "Value": "EMEA"}],
    )
    files = request["SnapshotConfiguration"]["FileGroups"][0]["Files"]
    assert files == [
        {
            "FormatType": "CSV",
            "SheetSelections": [
                {"SheetId": "s1", "SelectionScope": "SELECTED_VISUALS", "VisualIds": ["v-EMEA"]}
            ],
        }
    ]
    assert request["UserConfiguration"]["AnonymousUsers"][0]["RowLevelPermissionTags"] == [
        {"Key": "region", "Value": "EMEA"}
    ]


@pytest.mark.parametrize(
    ("fields", "fmt", "message"),
    [
        ({}, "csv", "exactly one visual_id"),
        ({"visual_ids": ["a", "b"]}, "csv", "exactly one visual_id"),
        ({}, "xlsx", "one to five visual_ids"),
        ({"parameters": {"nope": "X"}}, "pdf", "'nope', not a param"),
        ({"dashboard_id": "{missing}"}, "pdf", "are not params"),
    ],
)
def test_impossible_requests_are_invalid(fields: dict[str, Any], fmt: str, message: str) -> None:
    with pytest.raises(InvalidRenderError, match=message):
        start_request("123456789012", source(**fields), REPORT, PARAMS, fmt, [])


def test_a_param_that_makes_no_id_is_invalid() -> None:
    params = REPORT.normalise_params({"sheet": "a b"})
    with pytest.raises(InvalidRenderError, match="not a QuickSight id"):
        start_request("123456789012", source(), REPORT, params, "pdf", [])


def test_row_level_tags_are_no_longer_free_text() -> None:
    with pytest.raises(ValueError, match="row_level_tags"):
        source(row_level_tags={"region": "{region}"})


def test_registered_users_are_pointed_at_the_browser_renderer() -> None:
    with pytest.raises(ValueError, match="browser renderer"):
        source(identity="registered")


def test_job_ids_are_a_fixed_sequence_per_snapshot() -> None:
    assert [snapshot_job_id("abc-g2", n) for n in range(3)] == ["abc-g2", "abc-g2-r1", "abc-g2-r2"]
