"""Nothing lost: long jobs kept alive, a killed agent's job redone, SIGTERM drains, poison to the DLQ."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import aiohttp
import boto3
import pytest

from sandbox.client import SnapshotClient
from sandbox.metrics_scrape import jobs, scrape
from sandbox.moto_server import free_port
from sandbox.platform import Platform, PlatformOptions
from sandbox.runtime import sqlite_url
from tests.support.agents import SpawnAgent, agent_settings, running_agent
from tests.support.jobs import SLOW, slow, status_of
from tests.support.platform_state import queue_depth, receive_one, s3_keys
from tests.support.waiting import eventually

# Messages reappear 4 s after an agent stops heartbeating them.
SHORT_VISIBILITY = pytest.mark.parametrize(
    "platform",
    [PlatformOptions(visibility_timeout_seconds=4, max_receive_count=10)],
    indirect=True,
    ids=["visibility-4s"],
)


@pytest.mark.parametrize(
    "platform",
    [PlatformOptions(visibility_timeout_seconds=4)],
    indirect=True,
    ids=["visibility-4s"],
)
async def test_heartbeats_keep_a_job_longer_than_its_visibility(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    metrics_port = free_port()
    settings = agent_settings(platform, dataset, heartbeat_seconds=1, metrics_port=metrics_port)
    async with running_agent(settings):
        started = time.monotonic()
        created = await api.request(slow("heartbeat", SLOW * 2))
        final = await api.wait(created.body["snapshot_id"], 120)
        took = time.monotonic() - started
        samples = await scrape(metrics_port)
    assert final["status"] == "READY", final
    assert took > 6, f"the job took {took:.1f}s: too short to prove the heartbeats"
    assert jobs(samples, "ready") == 1
    assert jobs(samples, "duplicate") == 0
    calls = {k[1]: v for k, v in samples.items() if k[0] == "snapshot_agent_aws_calls_total"}
    heartbeats = sum(v for labels, v in calls.items() if ("operation", "SendTaskHeartbeat") in labels)
    extensions = sum(
        v for labels, v in calls.items() if ("operation", "ChangeMessageVisibilityBatch") in labels
    )
    assert heartbeats >= 3
    assert extensions >= 3


@SHORT_VISIBILITY
async def test_an_agent_killed_mid_job_is_replaced_and_the_job_finishes_once(
    platform: Platform, api: SnapshotClient, dataset: Path, agent_processes: SpawnAgent
) -> None:
    env = platform.agent_env({"demo": sqlite_url(dataset)}, poll_wait_seconds=1, heartbeat_seconds=1)
    doomed = agent_processes("doomed", env)
    created = await api.request(slow("killed"))
    sid = created.body["snapshot_id"]
    await eventually(lambda: _is(api, sid, "RENDERING"), 30)
    doomed.process.send_signal(signal.SIGKILL)
    doomed.process.wait(10)
    async with running_agent(agent_settings(platform, dataset, worker_id="survivor")):
        final = await api.wait(sid, 90)
    assert final["status"] == "READY"
    item = boto3.client("dynamodb").get_item(TableName=platform.table, Key={"key": {"S": final["key"]}})[
        "Item"
    ]
    assert item["worker_id"]["S"] == "survivor"
    assert s3_keys(platform) == [f"snapshots/slow_count/{final['key']}/g1.csv"]
    assert queue_depth(platform.queue_url) == 0


async def _is(api: SnapshotClient, sid: str, status: str) -> bool:
    return await status_of(api, sid) == status


@SHORT_VISIBILITY
async def test_sigterm_releases_unfinished_jobs_for_another_agent(
    platform: Platform, api: SnapshotClient, dataset: Path, agent_processes: SpawnAgent
) -> None:
    env = platform.agent_env(
        {"demo": sqlite_url(dataset)}, poll_wait_seconds=1, heartbeat_seconds=1, drain_seconds=1
    )
    leaving = agent_processes("leaving", env)
    ids = [(await api.request(slow(f"drain-{n}", SLOW))).body["snapshot_id"] for n in range(2)]
    await eventually(lambda: _all(api, ids, "RENDERING"), 30)
    stopped = time.monotonic()
    leaving.process.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(leaving.process.wait, 30)
    exit_seconds = time.monotonic() - stopped
    assert code == 0
    assert exit_seconds < 1 + 5, f"drain took {exit_seconds:.1f}s"
    log = leaving.log_path.read_text()
    assert "released 2 messages" in log
    # Released with visibility 0: the next agent takes them at once, not after the 4 s timeout.
    async with running_agent(agent_settings(platform, dataset, worker_id="next")):
        finals = await asyncio.gather(*(api.wait(i, 120) for i in ids))
    assert [f["status"] for f in finals] == ["READY", "READY"]
    assert queue_depth(platform.queue_url) == 0


async def _all(api: SnapshotClient, ids: list[str], status: str) -> bool:
    return all([await status_of(api, i) == status for i in ids])


async def test_stop_with_short_jobs_in_flight_finishes_them_before_exit(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    settings = agent_settings(platform, dataset, drain_seconds=60, metrics_port=free_port())
    ids = []
    async with running_agent(settings):
        ids = [(await api.request(slow(f"short-{n}", 8_000_000))).body["snapshot_id"] for n in range(3)]
        await eventually(lambda: _all(api, ids, "RENDERING"), 30)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{settings.metrics_port}/readyz") as r,
        ):
            assert r.status == 200
    # running_agent's exit requested the stop and waited: every job was finished by this agent.
    finals = [(await api.get(i)).body for i in ids]
    assert all(f["status"] == "READY" for f in finals)
    assert queue_depth(platform.queue_url) == 0


async def test_draining_agent_reports_not_ready(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    port = free_port()
    stop = asyncio.Event()
    from agent.app import serve

    task = asyncio.create_task(
        serve(agent_settings(platform, dataset, metrics_port=port, drain_seconds=30), stop)
    )
    created = await api.request(slow("readyz", 15_000_000))
    await eventually(lambda: _is(api, created.body["snapshot_id"], "RENDERING"), 30)
    async with aiohttp.ClientSession() as http:
        for path in ("/healthz", "/readyz"):
            async with http.get(f"http://127.0.0.1:{port}{path}") as r:
                assert r.status == 200, path
        stop.set()

        async def readiness() -> tuple[int, bool, int] | None:
            async with http.get(f"http://127.0.0.1:{port}/readyz") as r:
                body = await r.json()
                answer = (r.status, body["draining"], body["in_flight"])
                return answer if body["draining"] else None

        assert await eventually(readiness, within=5, every=0.05) == (503, True, 1)
        async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
            text = await r.text()
    assert "snapshot_agent_draining 1.0" in text
    for name, kind in [
        ("jobs_in_flight", "gauge"),
        ("capacity", "gauge"),
        ("busy_ratio", "gauge"),
        ("jobs_total", "counter"),
        ("render_seconds", "histogram"),
        ("queue_lag_seconds", "histogram"),
        ("aws_calls_total", "counter"),
    ]:
        assert f"# TYPE snapshot_agent_{name} {kind}" in text, name
    assert "snapshot_agent_busy_ratio 0.015625" in text  # 1 job of 64
    assert "_created" not in text
    await asyncio.wait_for(task, 60)
    assert (await api.get(created.body["snapshot_id"])).body["status"] == "READY"


@pytest.mark.parametrize("platform", [PlatformOptions(max_receive_count=2)], indirect=True, ids=["max-2"])
async def test_a_poison_message_goes_to_the_dlq_and_the_agent_keeps_working(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=platform.queue_url, MessageBody="this is not a job")
    sqs.send_message(QueueUrl=platform.queue_url, MessageBody=json.dumps({"v": 1, "snapshot_id": "x"}))
    metrics_port = free_port()
    async with running_agent(agent_settings(platform, dataset, metrics_port=metrics_port)):
        await eventually(lambda: _depth_is(platform.dlq_url, 2), 60)
        created = await api.request({"report": "daily_sales", "format": "csv", "params": {"region": "APAC"}})
        final = await api.wait(created.body["snapshot_id"], 60)
        samples = await scrape(metrics_port)
    assert final["status"] == "READY"
    assert jobs(samples, "poison") >= 4  # two messages, each received max_receive_count times
    dead = sqs.receive_message(QueueUrl=platform.dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in dead) == sorted(
        ["this is not a job", json.dumps({"v": 1, "snapshot_id": "x"})]
    )


async def _depth_is(url: str, depth: int) -> bool:
    return queue_depth(url) == depth


async def test_a_message_with_a_token_but_a_bad_shape_fails_its_task_with_a_reason(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    sqs = boto3.client("sqs")
    created = await api.request({"report": "daily_sales", "format": "csv", "params": {"region": "AMER"}})
    received = await eventually(lambda: receive_one(platform.queue_url), 30)
    body = json.loads(received["Body"])
    del body["report"]
    sqs.delete_message(QueueUrl=platform.queue_url, ReceiptHandle=received["ReceiptHandle"])
    sqs.send_message(QueueUrl=platform.queue_url, MessageBody=json.dumps(body))
    async with running_agent(agent_settings(platform, dataset)):
        final = await api.wait(created.body["snapshot_id"], 60)
    assert (final["status"], final["error"]) == ("FAILED", "Render.Invalid")
    assert "job message is not v1: report" in final["cause"]


async def test_prefetched_messages_wait_for_a_slot_and_go_straight_back_on_stop(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    # Capacity 4 with a prefetch of 1 (a quarter of the capacity): the agent holds five messages,
    # renders four, and on stop hands the fifth back untouched while the four finish.
    settings = agent_settings(platform, dataset, concurrency=4, prefetch=10, drain_seconds=120)
    ids = [(await api.request(slow(f"prefetch-{n}", SLOW // 2))).body["snapshot_id"] for n in range(6)]
    async with running_agent(settings):
        await eventually(lambda: _count(api, ids, "RENDERING", 4), 30)
        await eventually(lambda: asyncio.to_thread(_visible_and_held, platform.queue_url, (1, 5)), 10)
        assert [await status_of(api, i) for i in ids].count("RENDERING") == 4
    statuses = [await status_of(api, i) for i in ids]
    assert sorted(statuses) == ["QUEUED", "QUEUED", "READY", "READY", "READY", "READY"]
    assert _visible_and_held(platform.queue_url, (2, 0)), "the prefetched message went straight back"
    async with running_agent(agent_settings(platform, dataset, worker_id="next")):
        finals = await asyncio.gather(*(api.wait(i, 120) for i in ids))
    assert {f["status"] for f in finals} == {"READY"}


async def _count(api: SnapshotClient, ids: list[str], status: str, n: int) -> bool:
    return [await status_of(api, i) for i in ids].count(status) == n


def _visible_and_held(url: str, expected: tuple[int, int]) -> bool:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return (
        int(attrs["ApproximateNumberOfMessages"]),
        int(attrs["ApproximateNumberOfMessagesNotVisible"]),
    ) == expected
