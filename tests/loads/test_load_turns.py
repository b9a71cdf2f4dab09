"""A load's turn on moto, with ledger items the load state machine's own Register writes: a load
waits (``Load.Queued``) while an earlier file of its dataset is still loading, and only then."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import aioboto3
import boto3
import pytest

from agent.jobs.errors import QueuedLoadError, TransientLoadError
from agent.jobs.load.turns import EarlierLoads
from contracts.loads import LandedObject
from contracts.messages import LoadMessage
from sandbox.data_platform import ledger_item
from sandbox.platform import Platform
from tests.support.waiting import eventually

LANDED = "2026-11-28T10:00:00.000000Z"
EARLIER = "2026-11-28T09:59:59.000000Z"
LATER = "2026-11-28T10:00:01.000000Z"


@pytest.fixture
async def turns(platform: Platform) -> AsyncIterator[EarlierLoads]:
    session = aioboto3.Session()
    async with session.client("dynamodb") as ddb, session.client("stepfunctions") as sfn:
        yield EarlierLoads(ddb, sfn, platform.data.ledger_table)


async def running_load(platform: Platform, key: str, landed_at: str, dataset: str = "sales") -> LandedObject:
    """A load the state machine registered and sent: no agent answers, so it stays RUNNING."""
    landed = LandedObject(
        platform.data.landing_bucket, f"{dataset}/{key}", uuid.uuid4().hex, "", 10, landed_at
    )
    boto3.client("stepfunctions").start_execution(
        stateMachineArn=platform.data.load_state_machine_arn,
        name=landed.load_id,
        input=json.dumps(landed.execution_input()),
    )
    await eventually(lambda: ledger_item(platform.data, landed.load_id).get("status") == "LOADING", within=10)
    return landed


def job(landed_at: str, key: str = "b.csv", dataset: str = "sales") -> LoadMessage:
    return LoadMessage(
        v=1,
        kind="load",
        load_id=f"ld-{uuid.uuid4().hex}",
        dataset=dataset,
        bucket="landing",
        key=f"{dataset}/{key}",
        etag="e",
        landed_at=landed_at,
        task_token="t",
    )


async def test_a_file_waits_for_an_earlier_one_still_loading(platform: Platform, turns: EarlierLoads) -> None:
    await running_load(platform, "a.csv", EARLIER)
    with pytest.raises(QueuedLoadError, match=r"waiting for sales/a\.csv \(landed 2026-11-28T09:59:59"):
        await turns.wait_for_turn(job(LANDED))


async def test_landing_in_the_same_instant_the_key_decides(platform: Platform, turns: EarlierLoads) -> None:
    await running_load(platform, "b.csv", LANDED)
    with pytest.raises(QueuedLoadError, match=r"sales/b\.csv"):
        await turns.wait_for_turn(job(LANDED, key="c.csv"))
    await turns.wait_for_turn(job(LANDED, key="a.csv"))


async def test_later_files_other_datasets_and_itself_never_hold_a_load_back(
    platform: Platform, turns: EarlierLoads
) -> None:
    await running_load(platform, "later.csv", LATER)
    await running_load(platform, "other.csv", EARLIER, dataset="events")
    mine = await running_load(platform, "b.csv", LANDED)
    await turns.wait_for_turn(job(LANDED).model_copy(update={"load_id": mine.load_id, "key": mine.key}))


async def test_an_aborted_load_blocks_nothing(platform: Platform, turns: EarlierLoads) -> None:
    """An operator stopped it: its ledger item stays LOADING, but its execution ended."""
    aborted = await running_load(platform, "a.csv", EARLIER)
    sfn = boto3.client("stepfunctions")
    arn = ledger_item(platform.data, aborted.load_id)["execution_arn"]
    sfn.stop_execution(executionArn=arn)
    # moto's interpreter thread marks it ABORTED when it next looks: seconds on a busy machine
    await eventually(lambda: sfn.describe_execution(executionArn=arn)["status"] == "ABORTED", within=60)
    assert ledger_item(platform.data, aborted.load_id)["status"] == "LOADING"
    await turns.wait_for_turn(job(LANDED))


async def test_a_message_without_a_landing_time_goes_ahead(platform: Platform, turns: EarlierLoads) -> None:
    await running_load(platform, "a.csv", EARLIER)
    await turns.wait_for_turn(job(""))


async def test_an_unreadable_ledger_is_a_transient_failure(platform: Platform) -> None:
    session = aioboto3.Session()
    async with session.client("dynamodb") as ddb, session.client("stepfunctions") as sfn:
        missing = EarlierLoads(ddb, sfn, "no-such-ledger")
        with pytest.raises(TransientLoadError, match="could not read the loads ledger no-such-ledger"):
            await missing.wait_for_turn(job(LANDED))
