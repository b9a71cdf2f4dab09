"""The trigger's EventBridge side: schedules and "Data Landed" start snapshots with no HTTP call."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lambdas import trigger
from lambdas.requests import RequestRejected
from sandbox.lambda_runtime import invoke
from sandbox.platform import DEFAULT_CATALOG, Platform
from sandbox.runtime import Functions, make_functions
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
        ("Snapshot Requested", {"report": "nope", "format": "csv"}, "nope: unknown report 'nope'"),
        ("Snapshot Requested", {"report": "sales_summary", "format": "pdf"}, "does not render 'pdf'"),
        ("Something Else", {}, "unsupported detail-type"),
    ],
)
def test_an_event_that_can_never_be_valid_is_refused_with_its_reason_not_retried(
    platform: Platform,
    functions: Functions,
    detail_type: str,
    detail: dict[str, object],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logged: list[str] = []
    monkeypatch.setattr(trigger.logger, "error", lambda msg, **kw: logged.append(f"{msg} {kw}"))
    event = {**recorded("eventbridge_data_landed.json"), "detail-type": detail_type, "detail": detail}
    result = invoke(functions.trigger.handle, "trigger", event)
    assert result["requested"] == []
    (reason,) = result["rejected"]
    assert message in reason
    assert len(logged) == 1 and "refused, not retried" in logged[0]
    assert message.split(": ")[-1] in logged[0]
    assert items(platform) == [] and executions(platform) == []


def test_a_transient_failure_raises_so_the_async_invoke_retries(
    platform: Platform, functions: Functions, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(**_: object) -> None:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "StartExecution")

    monkeypatch.setattr(functions.trigger.sfn, "start_execution", unavailable)
    with pytest.raises(RequestRejected) as raised:
        invoke(functions.trigger.handle, "trigger", recorded("eventbridge_snapshot_requested.json"))
    assert raised.value.status_code == 503
    assert executions(platform) == []


@pytest.mark.parametrize(
    ("source", "requested"),
    [("snapshot-engine.scheduler", True), ("datalake.ingest", True), ("somebody.else", False)],
)
def test_an_event_is_its_sources_system_principal_which_the_catalog_must_grant(
    make_platform: Any, source: str, requested: bool
) -> None:
    """The sandbox's catalog grants sales_summary to the scheduler and the data lake only; its
    region is entitled, and the seeded system principals may see every region, so the catalog's
    default (EMEA) is filled in."""
    platform = make_platform(catalog=DEFAULT_CATALOG)
    functions = make_functions(platform)
    event = copy.deepcopy(recorded("eventbridge_snapshot_requested.json"))
    event["source"] = source
    result = invoke(functions.trigger.handle, "trigger", event)
    if requested:
        (created,) = result["requested"]
        (item,) = items(platform)
        assert created["decision"] == "created" and item["params"]["M"]["region"] == {"S": "EMEA"}
    else:
        assert result["requested"] == [] and items(platform) == [] and executions(platform) == []
        (reason,) = result["rejected"]
        assert f"system:{source} may not request 'sales_summary'" in reason
