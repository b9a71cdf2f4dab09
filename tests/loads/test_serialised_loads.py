"""Two files of one dataset landing at once: the fleet loads them one after the other (the
dataset's lease has one slot), never both into the table at the same time, in the order they
landed (the later file waits, ``Load.Queued``, while the earlier one loads), and both land."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import boto3
import pytest

from sandbox.data_platform import land, load_settled
from sandbox.event_shim import event_shim
from sandbox.platform import Platform
from sandbox.runtime import Functions
from sandbox.waiting import eventually
from tests.loads.test_load_chain import sales_csv, settled
from tests.support.agents import agent_settings, running_agent

ROWS = 60_000


@pytest.fixture
def shared_dataset(dataset: Path, tmp_path: Path) -> Path:
    shared = tmp_path / "demo.db"
    shutil.copy(dataset, shared)
    return shared


@pytest.fixture
async def two_agents(platform: Platform, functions: Functions, shared_dataset: Path) -> AsyncIterator[Path]:
    """Two agents on one copy of the dataset: a fleet of two."""
    shared = shared_dataset
    async with (
        event_shim(*functions.event_routes(platform)),
        running_agent(agent_settings(platform, shared)),
        running_agent(agent_settings(platform, shared)),
    ):
        yield shared


def lease_holders(platform: Platform) -> int:
    item = boto3.client("dynamodb").get_item(
        TableName=platform.lease_table, Key={"name": {"S": "load#sales"}}
    )
    return len(item.get("Item", {}).get("holders", {}).get("M", {}))


async def test_two_files_of_one_dataset_load_one_at_a_time_in_the_order_they_landed(
    platform: Platform, two_agents: Path
) -> None:
    """The earlier file is big, the later one small and upserts a row of the earlier one: loaded
    out of order, the small file would finish first and the big one would undo its change."""
    first = land(platform.data, "sales/at-once/a.csv", sales_csv(30_000_001, ROWS))
    second = land(platform.data, "sales/at-once/b.csv", sales_csv(30_000_001, 5, units=7))
    most = 0
    seen_held = False

    def both_settled() -> bool:
        nonlocal most, seen_held
        holders = lease_holders(platform)
        most, seen_held = max(most, holders), seen_held or holders == 1
        return all(load_settled(platform.data, f.load_id) is not None for f in (first, second))

    await eventually(both_settled, within=120, every=0.02)
    assert seen_held, "the loads took the dataset's lease"
    assert most == 1, "never two loads of one dataset at once"
    earlier, later = [await settled(platform, landed.load_id) for landed in (first, second)]
    assert (earlier["status"], earlier["rows"], later["status"], later["rows"]) == (
        "LOADED",
        str(ROWS),
        "LOADED",
        "5",
    )
    assert (earlier["landed_at"], earlier["key"]) < (later["landed_at"], later["key"])
    assert earlier["loaded_at"] < later["loaded_at"], "merged in the order they landed"
    with sqlite3.connect(two_agents) as db:
        assert db.execute("SELECT units FROM sales WHERE id = 30000001").fetchone() == (7,), (
            "the later file's row is the one kept"
        )


async def test_a_later_file_waits_while_an_earlier_one_is_held_up(
    platform: Platform, functions: Functions, shared_dataset: Path
) -> None:
    """The earlier file's job was taken by a worker that vanished: it comes back only when its
    visibility runs out. The later file, free to go at once, waits for it (``Load.Queued``)."""
    sqs = boto3.client("sqs")
    async with event_shim(*functions.event_routes(platform)):
        first = land(platform.data, "sales/held-up/a.csv", sales_csv(30_500_001, 20))

        def taken() -> bool:
            got = sqs.receive_message(QueueUrl=platform.queue_url, VisibilityTimeout=4, WaitTimeSeconds=1)
            return bool(got.get("Messages"))

        await eventually(taken, within=30)
        second = land(platform.data, "sales/held-up/b.csv", sales_csv(30_500_001, 5, units=7))
        async with (
            running_agent(agent_settings(platform, shared_dataset)),
            running_agent(agent_settings(platform, shared_dataset)),
        ):
            earlier, later = [await settled(platform, landed.load_id) for landed in (first, second)]
    assert (earlier["status"], later["status"]) == ("LOADED", "LOADED")
    assert earlier["loaded_at"] < later["loaded_at"], "merged in the order they landed"
    queued = [
        e["taskFailedEventDetails"]["error"]
        for e in boto3.client("stepfunctions").get_execution_history(executionArn=later["execution_arn"])[
            "events"
        ]
        if e["type"] == "TaskFailed"
    ]
    assert queued and set(queued) == {"Load.Queued"}, queued
    with sqlite3.connect(shared_dataset) as db:
        assert db.execute("SELECT units FROM sales WHERE id = 30500001").fetchone() == (7,)
