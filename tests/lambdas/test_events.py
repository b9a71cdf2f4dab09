"""The trigger's EventBridge side: schedules and "Data Landed" start snapshots with no HTTP call."""

from __future__ import annotations

import pytest

from lambdas.events import InvalidEvent
from sandbox.lambda_runtime import invoke
from sandbox.platform import Platform
from sandbox.runtime import Functions
from tests.lambdas.helpers import executions, items, recorded


def test_a_schedule_firing_requests_its_report(platform: Platform, functions: Functions) -> None:
    result = invoke(functions.trigger.handle, "trigger", recorded("eventbridge_snapshot_requested.json"))
    assert [r["decision"] for r in result["requested"]] == ["created"]
    assert len(executions(platform)) == 1


def test_data_landed_refreshes_every_report_of_the_dataset_for_that_version(
    platform: Platform, functions: Functions
) -> None:
    event = recorded("eventbridge_data_landed.json")
    result = invoke(functions.trigger.handle, "trigger", event)
    assert len(result["requested"]) == 2
    stored = {i["report"]["S"]: i for i in items(platform)}
    assert set(stored) == {"sales_summary", "sales_ledger"}
    assert stored["sales_summary"]["format"] == {"S": "xlsx"}
    assert stored["sales_ledger"]["format"] == {"S": "parquet"}
    assert {i["data_version"]["S"] for i in stored.values()} == {"2024-11-25T04:12:00Z"}
    again = invoke(functions.trigger.handle, "trigger", event)
    assert [r["decision"] for r in again["requested"]] == ["joined", "joined"]
    event["detail"]["data_version"] = "2024-11-26T04:12:00Z"
    newer = invoke(functions.trigger.handle, "trigger", event)
    assert [r["decision"] for r in newer["requested"]] == ["created", "created"]


@pytest.mark.parametrize(
    ("detail_type", "detail", "message"),
    [
        ("Data Landed", {"dataset": "sales"}, "data_version"),
        ("Snapshot Requested", {"report": "sales_summary"}, "format"),
        ("Something Else", {}, "unsupported detail-type"),
    ],
)
def test_malformed_events_raise_so_the_async_invoke_retries_and_dead_letters(
    platform: Platform,
    functions: Functions,
    detail_type: str,
    detail: dict[str, object],
    message: str,
) -> None:
    event = {**recorded("eventbridge_data_landed.json"), "detail-type": detail_type, "detail": detail}
    with pytest.raises(InvalidEvent, match=message):
        invoke(functions.trigger.handle, "trigger", event)
    assert items(platform) == []
