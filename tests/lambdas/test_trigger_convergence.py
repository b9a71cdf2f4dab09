"""The trigger never joins the dead, over AWS's long clocks too: a request after its item expired
starts a new execution (a closed execution keeps its name for 90 days), an in-progress item whose
execution stopped is rendered anew, and whether an execution runs is asked at most once per
``LIVENESS_TTL_SECONDS``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from contracts.timeutil import iso, utc_now
from lambdas.executions import LIVENESS_TTL_SECONDS, Liveness
from lambdas.snapshots import STALE_CHECK_SECONDS
from sandbox.platform import Platform
from sandbox.runtime import Functions
from tests.lambdas.helpers import executions, items, post, set_item, wait_queued
from tests.lambdas.test_trigger import KEY, SUMMARY


def running(platform: Platform) -> list[str]:
    return sorted(e["name"] for e in executions(platform) if e["status"] == "RUNNING")


def stop_all(platform: Platform) -> None:
    sfn = boto3.client("stepfunctions")
    for execution in executions(platform):
        if execution["status"] == "RUNNING":
            sfn.stop_execution(executionArn=execution["executionArn"], cause="an operator")


def test_a_request_after_its_item_expired_starts_a_new_execution(
    platform: Platform, functions: Functions
) -> None:
    """DynamoDB's TTL removes the item after 30 days; Step Functions keeps the closed execution's
    name for 90. The same request must render again, not stick PENDING on a taken name."""
    post(functions.trigger, SUMMARY)
    wait_queued(platform, KEY)
    stop_all(platform)  # it closed long ago
    boto3.client("dynamodb").delete_item(TableName=platform.table, Key={"key": {"S": KEY}})
    status, body = post(functions.trigger, SUMMARY)
    assert (status, body["decision"], body["snapshot_id"]) == (202, "created", f"{KEY}-g1")
    assert len(executions(platform)) == 2 and len(running(platform)) == 1, "a new attempt, a new name"
    wait_queued(platform, KEY)


@pytest.mark.parametrize("force", [False, True], ids=["old-item", "force"])
def test_an_item_whose_execution_stopped_is_rendered_anew(
    platform: Platform, functions: Functions, force: bool
) -> None:
    post(functions.trigger, SUMMARY)
    wait_queued(platform, KEY)
    stop_all(platform)
    if not force:  # a young item is joined on trust; one past the bound has its execution asked
        set_item(platform, KEY, requested_at=iso(utc_now() - timedelta(seconds=STALE_CHECK_SECONDS + 1)))
    status, body = post(functions.trigger, {**SUMMARY, "force": force})
    assert (status, body["decision"], body["snapshot_id"]) == (202, "regenerated", f"{KEY}-g2")
    assert len(running(platform)) == 1


def test_a_young_in_progress_item_is_joined_without_asking(platform: Platform, functions: Functions) -> None:
    post(functions.trigger, SUMMARY)
    wait_queued(platform, KEY)
    calls: list[str] = []
    functions.trigger.sfn.meta.events.register(
        "before-call.states", lambda model, **_: calls.append(model.name)
    )
    status, body = post(functions.trigger, SUMMARY)
    assert (status, body["decision"]) == (202, "joined") and calls == []


def test_a_pending_item_whose_execution_closed_is_rendered_anew(
    platform: Platform, functions: Functions
) -> None:
    """Its start is made again under the same name: ExecutionAlreadyExists counts as started only
    while that execution runs."""
    post(functions.trigger, SUMMARY)
    wait_queued(platform, KEY)
    stop_all(platform)
    set_item(platform, KEY, status="PENDING")
    status, body = post(functions.trigger, SUMMARY)
    assert (status, body["decision"], body["snapshot_id"]) == (202, "regenerated", f"{KEY}-g2")
    assert items(platform)[0]["generation"] == {"N": "2"}


class CountingSfn:
    def __init__(self, status: str | None) -> None:
        self.status = status
        self.calls = 0

    def describe_execution(self, **_: Any) -> dict[str, str]:
        self.calls += 1
        if self.status is None:
            raise ClientError(
                {"Error": {"Code": "ExecutionDoesNotExist", "Message": "no"}}, "DescribeExecution"
            )
        return {"status": self.status}


@pytest.mark.parametrize(
    ("status", "answer"), [("RUNNING", True), ("ABORTED", False), ("FAILED", False), (None, None)]
)
def test_liveness_is_asked_once_per_ttl(status: str | None, answer: bool | None) -> None:
    now = [0.0]
    sfn = CountingSfn(status)
    liveness = Liveness(sfn, clock=lambda: now[0])
    assert liveness.running("arn") is answer and liveness.running("arn") is answer
    assert sfn.calls == (2 if status is None else 1), "an execution never started is not kept"
    now[0] = LIVENESS_TTL_SECONDS
    liveness.running("arn")
    assert sfn.calls == (3 if status is None else 2)
