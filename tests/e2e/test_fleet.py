"""The agent's part in autoscaling, through moto's Auto Scaling API and a local IMDSv2: scale-in
protection set while busy and cleared when idle; on the termination lifecycle hook the agent
drains and only then completes the lifecycle action; a Spot notice drains the same way."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from aiohttp import web

from sandbox.client import SnapshotClient
from sandbox.loopback import serve_on_loopback
from sandbox.moto_fixes import COMPLETED_LIFECYCLE_ACTIONS
from sandbox.platform import Platform
from tests.support.agents import agent_settings, running_agent
from tests.support.autoscaling_group import create_group
from tests.support.jobs import SLOW, slow, status_of
from tests.support.waiting import eventually


@dataclass
class Metadata:
    """What IMDS says about the instance; tests change it while the agent runs."""

    instance_id: str
    lifecycle_state: str = "InService"
    spot_action: str | None = None
    tokens: set[str] = field(default_factory=set)


@dataclass
class Fleet:
    group: str
    instance_id: str
    metadata: Metadata
    imds_url: str

    def protected(self) -> bool:
        found = boto3.client("autoscaling").describe_auto_scaling_instances(InstanceIds=[self.instance_id])
        return bool(found["AutoScalingInstances"][0]["ProtectedFromScaleIn"])


async def imds_app(metadata: Metadata) -> web.Application:
    async def token(request: web.Request) -> web.Response:
        if "X-aws-ec2-metadata-token-ttl-seconds" not in request.headers:
            return web.Response(status=400)
        value = uuid.uuid4().hex
        metadata.tokens.add(value)
        return web.Response(text=value)

    async def meta(request: web.Request) -> web.Response:
        if request.headers.get("X-aws-ec2-metadata-token") not in metadata.tokens:
            return web.Response(status=401)
        path = request.match_info["path"]
        values = {
            "instance-id": metadata.instance_id,
            "autoscaling/target-lifecycle-state": metadata.lifecycle_state,
            "spot/instance-action": metadata.spot_action,
        }
        value = values.get(path)
        return web.Response(text=value) if value is not None else web.Response(status=404)

    app = web.Application()
    app.router.add_put("/latest/api/token", token)
    app.router.add_get("/latest/meta-data/{path:.*}", meta)
    return app


@pytest.fixture
async def fleet(platform: Platform) -> AsyncIterator[Fleet]:
    autoscaling = boto3.client("autoscaling")
    group = create_group(platform, desired=1, max_size=2)
    instance_id = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])[
        "AutoScalingGroups"
    ][0]["Instances"][0]["InstanceId"]
    metadata = Metadata(instance_id)
    runner, port = await serve_on_loopback(await imds_app(metadata))
    yield Fleet(group, instance_id, metadata, f"http://127.0.0.1:{port}")
    await runner.cleanup()


def fleet_settings(platform: Platform, dataset: Path, fleet: Fleet, **overrides: Any) -> Any:
    return agent_settings(
        platform,
        dataset,
        autoscaling_group=fleet.group,
        imds_url=fleet.imds_url,
        **({"fleet_poll_seconds": 0.2, "protection_debounce_seconds": 1.0} | overrides),
    )


async def test_busy_agents_protect_their_instance_and_idle_ones_release_it(
    platform: Platform, api: SnapshotClient, dataset: Path, fleet: Fleet
) -> None:
    # The test sees READY up to a status poll (and a busy moment) after the agent went idle, so
    # the debounce is 3 s and at least 2 must be left of it when READY is seen.
    async with running_agent(fleet_settings(platform, dataset, fleet, protection_debounce_seconds=3.0)):
        assert not fleet.protected()
        snapshot = (await api.request(slow("protect", SLOW // 2))).body["snapshot_id"]
        await eventually(lambda: _is(api, snapshot, "RENDERING"), 30)
        await eventually(lambda: asyncio.to_thread(fleet.protected), 30)
        final = await api.wait(snapshot, 120)
        assert final["status"] == "READY"
        released = time.monotonic()
        await eventually(lambda: _not(fleet.protected), 30)
        assert time.monotonic() - released >= 2.0, "protection is cleared only after the debounce"


async def _not(check: Any) -> bool:
    return not await asyncio.to_thread(check)


async def test_the_lifecycle_action_completes_only_after_the_drain(
    platform: Platform, api: SnapshotClient, dataset: Path, fleet: Fleet
) -> None:
    settings = fleet_settings(platform, dataset, fleet, drain_seconds=120)
    async with running_agent(settings) as task:
        snapshot = (await api.request(slow("lifecycle", SLOW // 2))).body["snapshot_id"]
        await eventually(lambda: _is(api, snapshot, "RENDERING"), 30)
        fleet.metadata.lifecycle_state = "Terminated"
        await asyncio.wait_for(task, 120)  # the agent drains and exits by itself
    final = item(platform, snapshot)
    assert final["status"] == "READY" and final["worker_id"] == settings.worker_id
    (completed,) = [a for a in COMPLETED_LIFECYCLE_ACTIONS if a["instance_id"] == fleet.instance_id]
    assert (completed["group"], completed["hook"], completed["result"]) == (fleet.group, "drain", "CONTINUE")
    rendered = datetime.fromisoformat(final["rendered_at"].replace("Z", "+00:00")).timestamp()
    assert completed["wall"] >= rendered, "the instance was let go before its job was done"


async def test_a_spot_notice_drains_and_hands_back_what_cannot_finish(
    platform: Platform, api: SnapshotClient, dataset: Path, fleet: Fleet
) -> None:
    settings = fleet_settings(platform, dataset, fleet, drain_seconds=1)
    async with running_agent(settings) as task:
        snapshot = (await api.request(slow("spot", SLOW))).body["snapshot_id"]
        await eventually(lambda: _is(api, snapshot, "RENDERING"), 30)
        fleet.metadata.spot_action = '{"action": "terminate", "time": "2026-11-25T21:00:00Z"}'
        await asyncio.wait_for(task, 60)
    assert not [a for a in COMPLETED_LIFECYCLE_ACTIONS if a["instance_id"] == fleet.instance_id]
    # Released with visibility 0: the next agent finishes it.
    async with running_agent(agent_settings(platform, dataset, worker_id="next")):
        await api.wait(snapshot, 180)
    final = item(platform, snapshot)
    assert final["status"] == "READY" and final["worker_id"] == "next"


def item(platform: Platform, snapshot_id: str) -> dict[str, str]:
    """The metadata item itself (the API does not show worker_id)."""
    key = snapshot_id.rsplit("-g", 1)[0]
    found = boto3.client("dynamodb").get_item(TableName=platform.table, Key={"key": {"S": key}})["Item"]
    return {name: value.get("S", value.get("N", "")) for name, value in found.items()}


async def _is(api: SnapshotClient, snapshot: str, status: str) -> bool:
    return await status_of(api, snapshot) == status
