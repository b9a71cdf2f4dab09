"""One aioboto3 session and one client per service, opened once for the agent's lifetime, and the
AWS patterns the agent repeats: SQS batches of ten with per-entry failures, and DynamoDB's
conditional write.

Every API call is counted in ``aws_calls_total`` through botocore's own event hooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import platform
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aioboto3
import aiobotocore
import botocore
from aiobotocore.config import AioConfig

from agent.endpoints import share_endpoint_cache
from agent.inflight import InFlight
from agent.metrics import AgentMetrics
from agent.version import agent_version

if TYPE_CHECKING:  # the stubs are a development dependency only
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_sqs import SQSClient
    from types_aiobotocore_stepfunctions import SFNClient

log = logging.getLogger(__name__)
SERVICES = ("sqs", "s3", "dynamodb", "stepfunctions", "autoscaling")
SQS_BATCH = 10
# Step Functions no longer waits on this token: the answer is moot, the message can go.
STALE_TOKEN_ERRORS = ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken")
USER_AGENT = (
    f"snapshot-agent/{agent_version()} aiobotocore/{aiobotocore.__version__} botocore/{botocore.__version__}"
    f" Python/{platform.python_version()}"
)


@dataclass
class AwsClients:
    sqs: SQSClient
    s3: S3Client
    dynamodb: DynamoDBClient
    stepfunctions: SFNClient
    autoscaling: Any
    quicksight: Any = None
    secretsmanager: Any = None


@dataclass(frozen=True)
class QuickSightEndpoint:
    region: str | None = None
    endpoint_url: str | None = None


@contextlib.asynccontextmanager
async def open_clients(
    metrics: AgentMetrics,
    max_connections: int,
    quicksight: QuickSightEndpoint | None = None,
    secrets: bool = False,
) -> AsyncIterator[AwsClients]:
    """``quicksight`` given, a QuickSight client too (its region may not be the agent's);
    ``secrets``, a Secrets Manager client (only an agent with data source secrets reads any)."""
    session = aioboto3.Session()
    config = client_config(max_connections)
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for service in (*SERVICES, "secretsmanager") if secrets else SERVICES:
            client = await stack.enter_async_context(session.client(service, config=config))
            share_endpoint_cache(client)
            _count_calls(client, service, metrics)
            clients[service] = client
        if quicksight is not None:
            # No botocore retries: the renderer paces and retries itself, so every call is counted
            # against the fleet's share of QuickSight's rate.
            client = await stack.enter_async_context(
                session.client(
                    "quicksight",
                    region_name=quicksight.region,
                    endpoint_url=quicksight.endpoint_url,
                    config=client_config(max_connections).merge(AioConfig(retries={"max_attempts": 1})),
                )
            )
            _count_calls(client, "quicksight", metrics)
            clients["quicksight"] = client
        yield AwsClients(**clients)


def client_config(max_connections: int) -> AioConfig:
    """botocore spends most of a job's CPU; these settings cut what adds nothing here.

    Parameters are built by our own typed code, so client-side validation is skipped; S3
    checksums are computed only where an operation requires them (TLS guards the bytes in
    transit, and the agent records its own SHA-256 of every artifact in the metadata). A fixed
    User-Agent spares botocore rebuilding its metadata string twice per request (15% of a job).
    """
    return AioConfig(
        user_agent=USER_AGENT,
        max_pool_connections=max_connections,
        parameter_validation=False,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"mode": "standard", "max_attempts": 5},
        connect_timeout=10,
        read_timeout=70,
    )


def _count_calls(client: Any, service: str, metrics: AgentMetrics) -> None:
    def after_call(http_response: Any, model: Any, **_: Any) -> None:
        outcome = "ok" if http_response.status_code < 400 else "error"
        metrics.aws_calls.labels(service, model.name, outcome).inc()

    def after_call_error(model: Any, **_: Any) -> None:
        metrics.aws_calls.labels(service, model.name, "error").inc()

    client.meta.events.register("after-call", after_call)
    client.meta.events.register("after-call-error", after_call_error)


def error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code is not None else None
    return None


async def sqs_batch(
    call: Callable[..., Awaitable[Any]],
    queue_url: str,
    messages: Sequence[InFlight],
    entry: Callable[[InFlight], dict[str, Any]],
    what: str,
) -> list[InFlight]:
    """Send ``messages`` through an SQS batch call (``call``: e.g. ``sqs.delete_message_batch``),
    ten to a call, the calls at once. Returns the messages that were not done, logged with why:
    those SQS refused in ``Failed`` and those of a call that failed outright."""
    batches = [messages[i : i + SQS_BATCH] for i in range(0, len(messages), SQS_BATCH)]
    if len(batches) == 1:  # the common case (every delete): no task to gather
        return await _one_batch(call, queue_url, batches[0], entry, what)
    results = await asyncio.gather(*(_one_batch(call, queue_url, b, entry, what) for b in batches))
    return [message for failed in results for message in failed]


async def _one_batch(
    call: Callable[..., Awaitable[Any]],
    queue_url: str,
    batch: Sequence[InFlight],
    entry: Callable[[InFlight], dict[str, Any]],
    what: str,
) -> list[InFlight]:
    entries = [{"Id": str(n), "ReceiptHandle": m.receipt_handle, **entry(m)} for n, m in enumerate(batch)]
    try:
        response = await call(QueueUrl=queue_url, Entries=entries)
    except Exception:
        log.exception("%s failed for a batch of %d messages", what, len(batch))
        return list(batch)
    failed = []
    for refused in response.get("Failed", []):
        message = batch[int(refused["Id"])]
        log.warning("%s failed for %s: %s", what, message.message_id, refused.get("Message"))
        failed.append(message)
    return failed


async def conditional_write(
    call: Callable[..., Awaitable[Any]], **request: Any
) -> tuple[bool, dict[str, Any]]:
    """A DynamoDB write with a ``ConditionExpression``: ``(True, {})`` when written, ``(False, the
    item as it was)`` when the condition failed (the item only if the request asked for it with
    ``ReturnValuesOnConditionCheckFailure``). Any other error raises."""
    try:
        await call(**request)
    except Exception as exc:
        if error_code(exc) != "ConditionalCheckFailedException":
            raise
        item: dict[str, Any] = getattr(exc, "response", {}).get("Item", {})
        return False, item
    return True, {}
