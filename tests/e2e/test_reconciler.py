"""Every item converges, whatever ended its execution: the reconciler, through Step Functions'
status-change events (which the sandbox emulates, moto sending none) and through its sweep.

On the code before the reconciler each of these items stayed QUEUED or PENDING until its TTL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from lambdas.reconciler import Reconciler
from lambdas.settings import SWEEP_EVENT
from sandbox.client import SnapshotClient
from sandbox.data_platform import land, ledger_item
from sandbox.lambda_runtime import LambdaContext
from sandbox.platform import Platform
from sandbox.runtime import Functions
from tests.support.agents import agent_settings, running_agent
from tests.support.waiting import eventually

SUMMARY = {"report": "sales_summary", "format": "csv", "params": {"region": "EMEA"}}
OPERATOR = {"error": "Operator.Redeploy", "cause": "stopped by an operator's redeploy"}


def running_executions(state_machine_arn: str) -> list[str]:
    listed = boto3.client("stepfunctions").list_executions(
        stateMachineArn=state_machine_arn, statusFilter="RUNNING"
    )
    return [e["executionArn"] for e in listed["executions"]]


def stop(state_machine_arn: str) -> None:
    (arn,) = running_executions(state_machine_arn)
    boto3.client("stepfunctions").stop_execution(executionArn=arn, **OPERATOR)


def item(platform: Platform, key: str) -> dict[str, Any]:
    found = boto3.client("dynamodb").get_item(TableName=platform.table, Key={"key": {"S": key}})
    return {k: next(iter(v.values())) for k, v in found.get("Item", {}).items()}


async def queued(api: SnapshotClient, snapshot_id: str) -> None:
    async def is_queued() -> bool:
        return bool((await api.get(snapshot_id)).body["status"] == "QUEUED")

    await eventually(is_queued, 30)


async def settled(api: SnapshotClient, snapshot_id: str) -> dict[str, Any]:
    async def final() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api.get(snapshot_id)).body
        return body if body["status"] in ("READY", "FAILED") else None

    found: dict[str, Any] = await eventually(final, 30)
    return found


def sweeper(platform: Platform, stuck_seconds: int | None = None, pending_seconds: int = 60) -> Reconciler:
    """The reconciler as its schedule invokes it, with bounds short enough to be past at once."""
    settings = platform.reconciler_settings()
    return Reconciler(
        settings.model_copy(
            update={
                "stuck_seconds": settings.stuck_seconds if stuck_seconds is None else stuck_seconds,
                "pending_seconds": pending_seconds,
            }
        )
    )


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
async def test_a_stopped_executions_item_fails_with_its_cause_then_renders_anew(
    platform: Platform, functions: Functions, api: SnapshotClient, dataset: Path, force: bool
) -> None:
    async with functions.events(platform):
        first = (await api.request(SUMMARY)).body["snapshot_id"]
        await queued(api, first)
        stop(platform.state_machine_arn)
        failed = await settled(api, first)
        assert (failed["status"], failed["error"], failed["cause"]) == (
            "FAILED",
            OPERATOR["error"],
            OPERATOR["cause"],
        )
        assert "in_progress" not in item(platform, failed["key"]), "out of the sweep's index"
        async with running_agent(agent_settings(platform, dataset)):
            again = await api.request({**SUMMARY, "force": force})
            assert (again.status, again.body["decision"]) == (202, "regenerated")
            assert again.body["snapshot_id"].endswith("-g2")
            assert (await api.wait(again.body["snapshot_id"], 60))["status"] == "READY"


async def test_the_sweep_fails_an_item_whose_event_never_came(
    platform: Platform, functions: Functions, api: SnapshotClient
) -> None:
    """No status-change event here: the sweep finds the item in progress past the job budget and
    asks Step Functions."""
    snapshot_id = (await api.request(SUMMARY)).body["snapshot_id"]
    await queued(api, snapshot_id)
    reconciler = sweeper(platform)
    assert reconciler.handle(SWEEP_EVENT, LambdaContext("reconciler"))["repaired"] == [], (  # type: ignore[arg-type]
        "young and running: left alone"
    )
    stop(platform.state_machine_arn)
    result = sweeper(platform, stuck_seconds=0).sweep()
    assert result["repaired"] == [f"{snapshot_id}: FAILED {OPERATOR['error']}"]
    body = (await api.get(snapshot_id)).body
    assert (body["status"], body["cause"]) == ("FAILED", OPERATOR["cause"])
    second = sweeper(platform, stuck_seconds=0).sweep()
    assert second["repaired"] == [], "a repaired item leaves the index"


async def test_the_sweep_starts_a_pending_item_whose_start_failed(
    platform: Platform, functions: Functions, api: SnapshotClient
) -> None:
    def throttled(**_: Any) -> None:
        error = {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}
        raise ClientError(error, "StartExecution")  # type: ignore[arg-type]

    hook = functions.trigger.sfn.meta.events.register("before-call.states.StartExecution", throttled)
    refused = await api.request(SUMMARY)
    functions.trigger.sfn.meta.events.unregister("before-call.states.StartExecution", hook)
    assert refused.status == 503, refused.body
    (pending,) = boto3.client("dynamodb").scan(TableName=platform.table)["Items"]
    assert pending["status"]["S"] == "PENDING" and running_executions(platform.state_machine_arn) == []
    assert sweeper(platform).sweep()["repaired"] == [], "not a minute old yet"
    result = sweeper(platform, pending_seconds=0).sweep()
    snapshot_id = pending["snapshot_id"]["S"]
    assert result["repaired"] == [f"{snapshot_id}: started"]
    await queued(api, snapshot_id)
    assert len(running_executions(platform.state_machine_arn)) == 1


async def test_a_request_after_the_item_was_deleted_ends_ready(
    platform: Platform, functions: Functions, api: SnapshotClient, dataset: Path
) -> None:
    """DynamoDB's TTL deletes an item after 30 days; its execution's name is kept 90."""
    async with running_agent(agent_settings(platform, dataset)):
        first = await api.request(SUMMARY)
        assert (await api.wait(first.body["snapshot_id"], 60))["status"] == "READY"
        key = first.body["key"]
        boto3.client("dynamodb").delete_item(TableName=platform.table, Key={"key": {"S": key}})
        again = await api.request(SUMMARY)
        assert (again.status, again.body["decision"], again.body["snapshot_id"]) == (
            202,
            "created",
            first.body["snapshot_id"],
        )
        assert (await api.wait(again.body["snapshot_id"], 60))["status"] == "READY"


async def test_a_stopped_load_fails_its_ledger_item(platform: Platform, functions: Functions) -> None:
    async with functions.events(platform):
        landed = land(platform.data, "sales/stopped.csv", b"id,day,region,product,units,amount\n")
        machine = platform.data.load_state_machine_arn

        def loading() -> bool:
            return ledger_item(platform.data, landed.load_id).get("status") == "LOADING"

        await eventually(loading, 30)
        stop(machine)

        def failed() -> dict[str, str] | None:
            found = ledger_item(platform.data, landed.load_id)
            return found if found.get("status") == "FAILED" else None

        ledger = await eventually(failed, 30)
    assert (ledger["error"], ledger["cause"]) == (OPERATOR["error"], OPERATOR["cause"])


async def test_an_execution_that_is_not_the_items_is_ignored(
    platform: Platform, functions: Functions, api: SnapshotClient
) -> None:
    """A hostile or stale event: another platform's state machine, an older attempt, no JSON."""
    snapshot_id = (await api.request(SUMMARY)).body["snapshot_id"]
    await queued(api, snapshot_id)
    reconciler = functions.reconciler
    (arn,) = running_executions(platform.state_machine_arn)
    given = boto3.client("stepfunctions").describe_execution(executionArn=arn)["input"]
    base = {"status": "ABORTED", "executionArn": arn, "input": given}
    bad_generation = given.replace('"generation":1', '"generation":"1; DROP"')
    assert bad_generation != given
    for detail in (
        {**base, "stateMachineArn": platform.state_machine_arn.replace(platform.name, "someone-else")},
        {**base, "stateMachineArn": platform.state_machine_arn, "executionArn": f"{arn[:-12]}000000000000"},
        {**base, "stateMachineArn": platform.state_machine_arn, "input": "not json"},
        {**base, "stateMachineArn": platform.state_machine_arn, "input": "5"},
        {**base, "stateMachineArn": platform.state_machine_arn, "input": "[]"},
        {**base, "stateMachineArn": platform.state_machine_arn, "input": '{"key": "x", "generation": 1}'},
        {
            **base,
            "stateMachineArn": platform.state_machine_arn,
            "input": bad_generation,
        },
        {**base, "stateMachineArn": platform.data.load_state_machine_arn},
        {**base, "stateMachineArn": platform.data.load_state_machine_arn, "input": '{"load_id": 7}'},
        {**base, "stateMachineArn": platform.state_machine_arn, "status": "SUCCEEDED"},
    ):
        assert reconciler.on_status_change(detail)["repaired"] == [], detail
    assert (await api.get(snapshot_id)).body["status"] == "QUEUED"
    unknown = reconciler.handle({"detail-type": "Something Else"}, LambdaContext("reconciler"))  # type: ignore[arg-type]
    assert unknown["repaired"] == []
