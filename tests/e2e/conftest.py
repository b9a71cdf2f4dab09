"""End to end: the API, the real ASL on moto's Step Functions, agents in and out of process."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from types import ModuleType
from typing import Any

import aiohttp
import boto3
import pytest

from sandbox.api_gateway import make_app, start_api
from sandbox.client import SnapshotClient
from sandbox.platform import Platform


@pytest.fixture
async def api(handlers: tuple[ModuleType, ModuleType]) -> AsyncIterator[SnapshotClient]:
    runner, port = await start_api(make_app(handlers[0].handler, handlers[1].handler))
    async with aiohttp.ClientSession() as http:
        yield SnapshotClient(f"http://127.0.0.1:{port}", http)
    await runner.cleanup()


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 60.0, every: float = 0.2) -> Any:
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {within}s")
        await asyncio.sleep(every)


async def status_of(api: SnapshotClient, snapshot_id: str) -> str:
    return str((await api.get(snapshot_id)).body.get("status"))


def notifications(platform: Platform) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    found: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(
            QueueUrl=platform.events_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        )
        if not got.get("Messages"):
            return found
        for m in got["Messages"]:
            found.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=platform.events_queue_url, ReceiptHandle=m["ReceiptHandle"])


def queue_depth(url: str) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


# About 0.2 µs a row here: 30M rows keep SQLite busy for several seconds.
SLOW = 30_000_000


def slow(tag: str, n: int = SLOW) -> dict[str, object]:
    """A sql job that keeps an agent busy for a while (the catalog's recursive count)."""
    return {"report": "slow_count", "format": "csv", "params": {"n": n, "tag": tag}}


async def receive_one(url: str) -> dict[str, str] | None:
    """One message taken off a queue by the test itself, hidden from agents for 30 s."""
    got = boto3.client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1, VisibilityTimeout=30
    )
    messages = got.get("Messages")
    return {"Body": messages[0]["Body"], "ReceiptHandle": messages[0]["ReceiptHandle"]} if messages else None
