"""One aioboto3 session and one client per service, opened once for the agent's lifetime.

Every API call is counted in ``aws_calls_total`` through botocore's own event hooks.
"""

from __future__ import annotations

import contextlib
import platform
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aioboto3
import aiobotocore
import botocore
from aiobotocore.config import AioConfig

from agent.endpoints import share_endpoint_cache
from agent.metrics import AgentMetrics
from agent.version import agent_version

SERVICES = ("sqs", "s3", "dynamodb", "stepfunctions", "autoscaling")
# Step Functions no longer waits on this token: the answer is moot, the message can go.
STALE_TOKEN_ERRORS = ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken")
USER_AGENT = (
    f"snapshot-agent/{agent_version()} aiobotocore/{aiobotocore.__version__} botocore/{botocore.__version__}"
    f" Python/{platform.python_version()}"
)


@dataclass
class AwsClients:
    sqs: Any
    s3: Any
    dynamodb: Any
    stepfunctions: Any
    autoscaling: Any
    quicksight: Any = None


@dataclass(frozen=True)
class QuickSightEndpoint:
    region: str | None = None
    endpoint_url: str | None = None


@contextlib.asynccontextmanager
async def open_clients(
    metrics: AgentMetrics, max_connections: int, quicksight: QuickSightEndpoint | None = None
) -> AsyncIterator[AwsClients]:
    """``quicksight`` given, a QuickSight client too (its region may not be the agent's)."""
    session = aioboto3.Session()
    config = client_config(max_connections)
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for service in SERVICES:
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
