"""A render whose task has ended stops: the heartbeat learns the task no longer waits (its execution
was stopped), the render is cancelled where it stands and its message dropped, with nothing
stored. And the sandbox's moto answers heartbeats as AWS does: a task still waiting accepts one
(fix 15), a task gone refuses it (fix 14), never with a 500."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from agent.renderers.base import RendererRegistry
from sandbox.client import SnapshotClient
from sandbox.metrics_scrape import jobs, scrape
from sandbox.moto_server import free_port
from sandbox.platform import Platform, PlatformOptions
from tests.e2e.test_timers import PacedRenderer, paced
from tests.support.agents import agent_settings, running_agent
from tests.support.platform_state import queue_depth, receive_one, s3_keys
from tests.support.waiting import eventually

FAST_HEARTBEAT = pytest.mark.parametrize(
    "platform", [PlatformOptions(visibility_timeout_seconds=4)], indirect=True, ids=["heartbeat-1s"]
)
RENDER_SECONDS = 60


def stop_running(platform: Platform) -> None:
    sfn = boto3.client("stepfunctions")
    for execution in sfn.list_executions(stateMachineArn=platform.state_machine_arn)["executions"]:
        if execution["status"] == "RUNNING":
            sfn.stop_execution(executionArn=execution["executionArn"], cause="an operator")


@FAST_HEARTBEAT
async def test_a_render_whose_execution_was_stopped_is_cancelled_and_dropped(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    port = free_port()
    settings = agent_settings(platform, dataset, metrics_port=port)
    async with running_agent(settings, RendererRegistry([PacedRenderer()])):
        created = await api.request(paced(1, RENDER_SECONDS))
        snapshot_id = created.body["snapshot_id"]

        async def rendering() -> bool:
            return bool((await api.get(snapshot_id)).body["status"] == "RENDERING")

        await eventually(rendering, 30)
        started = time.monotonic()
        stop_running(platform)

        async def abandoned() -> bool:
            return jobs(await scrape(port), "abandoned") == 1

        await eventually(abandoned, 20)
        assert time.monotonic() - started < RENDER_SECONDS / 4, "stopped well before the render's end"
        await eventually(lambda: queue_depth(platform.queue_url) == 0, 20)
        assert jobs(await scrape(port), "ready") == 0
    assert s3_keys(platform) == [], "nothing was stored"


async def test_a_heartbeat_for_a_task_in_a_released_execution_is_refused_not_a_500(
    platform: Platform, api: SnapshotClient
) -> None:
    """moto looks for the token in every RUNNING execution; one whose interpreter let go of its
    environment crashed that search (fix 14)."""
    await api.request(paced(1, 1))
    message = await eventually(lambda: receive_one(platform.queue_url), 30)
    token = json.loads(message["Body"])["task_token"]
    backend = stepfunctions_parser_backends[platform.state_machine_arn.split(":")[4]][platform.region]
    (execution,) = [e for e in running(backend) if token in e.exec_worker.env.callback_pool_manager._pool]
    worker = getattr(execution, "exec_worker")  # noqa: B009  (moto's parser adds it)
    setattr(execution, "exec_worker", None)  # noqa: B010  (as an ended interpreter leaves it)
    try:
        with pytest.raises(ClientError) as refused:
            boto3.client("stepfunctions").send_task_heartbeat(taskToken=token)
        assert refused.value.response["Error"]["Code"] in ("InvalidToken", "TaskDoesNotExist", "TaskTimedOut")
    finally:
        setattr(execution, "exec_worker", worker)  # noqa: B010


async def test_a_heartbeat_for_a_task_still_waiting_is_accepted(
    platform: Platform, api: SnapshotClient
) -> None:
    """Our task states set no HeartbeatSeconds (a job may wait hours for capacity); AWS accepts a
    heartbeat for such a task, moto refused it as an unknown token (fix 15)."""
    await api.request(paced(1, 1))
    message = await eventually(lambda: receive_one(platform.queue_url), 30)
    token = json.loads(message["Body"])["task_token"]
    sfn = boto3.client("stepfunctions")
    sfn.send_task_heartbeat(taskToken=token)
    sfn.send_task_failure(taskToken=token, error="Render.Permanent", cause="the test is done with it")


def running(backend: object) -> list[Any]:
    return [
        e
        for sm in getattr(backend, "state_machines")  # noqa: B009
        for e in sm.executions
        if e.status == "RUNNING" and getattr(e, "exec_worker", None) is not None
    ]
