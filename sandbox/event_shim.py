"""What EventBridge would do with the sandbox's two function-bound rules, which moto cannot: read
the queues those rules deliver to and invoke the function with each event, as an asynchronous
invoke would (a handler that raises leaves the event to come back and be tried again)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import boto3

from sandbox.lambda_runtime import LambdaContext

log = logging.getLogger(__name__)
POLL_WAIT_SECONDS = 1
RETRY_VISIBILITY_SECONDS = 2  # a failed invoke's event comes back after this (EventBridge retries)

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    queue_url: str
    function_name: str
    handler: Handler


async def _pump(sqs: Any, route: Route) -> None:
    while True:
        response = await asyncio.to_thread(
            sqs.receive_message,
            QueueUrl=route.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=POLL_WAIT_SECONDS,
        )
        for message in response.get("Messages", []):
            await _deliver(sqs, route, message)


async def _deliver(sqs: Any, route: Route, message: dict[str, Any]) -> None:
    try:
        event = json.loads(message["Body"])
        await asyncio.to_thread(route.handler, event, LambdaContext(route.function_name))
    except Exception:
        log.exception(
            "%s failed on event %s; it will be tried again", route.function_name, message["MessageId"]
        )
        await asyncio.to_thread(
            sqs.change_message_visibility,
            QueueUrl=route.queue_url,
            ReceiptHandle=message["ReceiptHandle"],
            VisibilityTimeout=RETRY_VISIBILITY_SECONDS,
        )
        return
    await asyncio.to_thread(
        sqs.delete_message, QueueUrl=route.queue_url, ReceiptHandle=message["ReceiptHandle"]
    )


@contextlib.asynccontextmanager
async def event_shim(*routes: Route) -> AsyncIterator[None]:
    """Runs while the block runs."""
    sqs = boto3.client("sqs")
    async with contextlib.AsyncExitStack() as stack:
        for route in routes:
            task = asyncio.create_task(_pump(sqs, route), name=f"shim-{route.function_name}")
            stack.push_async_callback(_stopped, task)
        yield


async def _stopped(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
