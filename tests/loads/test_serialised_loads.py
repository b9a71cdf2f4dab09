"""Two files of one dataset landing at once: the fleet loads them one after the other (the
dataset's lease has one slot), never both into the table at the same time, and both land."""

from __future__ import annotations

import shutil
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
async def two_agents(
    platform: Platform, functions: Functions, dataset: Path, tmp_path: Path
) -> AsyncIterator[Path]:
    """Two agents on one copy of the dataset: a fleet of two."""
    shared = tmp_path / "demo.db"
    shutil.copy(dataset, shared)
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


async def test_two_files_of_one_dataset_load_one_at_a_time(platform: Platform, two_agents: Path) -> None:
    first = land(platform.data, "sales/at-once/a.csv", sales_csv(30_000_001, ROWS))
    second = land(platform.data, "sales/at-once/b.csv", sales_csv(31_000_001, ROWS))
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
    for landed in (first, second):
        item = await settled(platform, landed.load_id)
        assert (item["status"], item["rows"]) == ("LOADED", str(ROWS))
