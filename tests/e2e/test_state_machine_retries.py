"""The state machine's own DynamoDB writes survive throttling: MarkReady and MarkFailed retry
DynamoDB's transient errors with backoff, so a throttled table delays an outcome, never loses it
(the item would otherwise stay QUEUED until its TTL). Faults come from the sandbox's moto
(``sandbox/moto_faults.py``); the task is answered by the test, as an agent would."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from sandbox import moto_faults
from sandbox.client import SnapshotClient
from sandbox.platform import Platform
from tests.support.platform_state import receive_one
from tests.support.waiting import eventually

REQUEST = {"report": "daily_sales", "format": "csv", "params": {"region": "AMER"}}
THROTTLED = 3  # the retries wait 1 + 2 + 4 s


async def answered_when_throttled(
    platform: Platform, api: SnapshotClient, answer: dict[str, str]
) -> dict[str, Any]:
    created = await api.request(REQUEST)
    message = await eventually(lambda: receive_one(platform.queue_url), 30)
    token = json.loads(message["Body"])["task_token"]
    moto_faults.throttle(platform.table, "update_item", THROTTLED)
    try:
        sfn = boto3.client("stepfunctions")
        if "output" in answer:
            sfn.send_task_success(taskToken=token, output=answer["output"])
        else:
            sfn.send_task_failure(taskToken=token, error=answer["error"], cause=answer["cause"])

        async def settled() -> dict[str, Any] | None:
            found = (await api.get(created.body["snapshot_id"])).body
            return found if found.get("status") in ("READY", "FAILED") else None

        final: dict[str, Any] = await eventually(settled, 60)
        assert moto_faults.remaining(platform.table, "update_item") == 0, "every fault was met"
        return final
    finally:
        moto_faults.disarm()


async def test_mark_failed_survives_a_throttled_table(platform: Platform, api: SnapshotClient) -> None:
    final = await answered_when_throttled(
        platform, api, {"error": "Render.Invalid", "cause": "query failed: no such column"}
    )
    assert (final["status"], final["error"], final["cause"]) == (
        "FAILED",
        "Render.Invalid",
        "query failed: no such column",
    )


async def test_mark_ready_survives_a_throttled_table(platform: Platform, api: SnapshotClient) -> None:
    output = {
        "size_bytes": 12,
        "sha256": "0" * 64,
        "content_type": "text/csv; charset=utf-8",
        "rendered_at": "2026-12-06T00:00:00.000000Z",
        "worker_id": "agent-test",
        "render_ms": 5,
    }
    final = await answered_when_throttled(platform, api, {"output": json.dumps(output)})
    assert (final["status"], final["size_bytes"], final["sha256"]) == ("READY", 12, "0" * 64)


@pytest.fixture(autouse=True)
def no_fault_outlives_its_test() -> None:
    moto_faults.disarm()
