"""Recorded events, replayed against the real handlers over moto."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import boto3

from lambdas.status import Status
from lambdas.trigger import Trigger
from sandbox.lambda_runtime import Handler, invoke
from sandbox.platform import Platform

EVENTS = Path(__file__).resolve().parents[1] / "events"


def recorded(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def post(trigger: Trigger, body: dict[str, Any] | str) -> tuple[int, dict[str, Any]]:
    event = recorded("http_post_snapshots.json")
    event["body"] = body if isinstance(body, str) else json.dumps(body)
    return _call(trigger.handle, "trigger", event)


def get(status: Status, path: str, query: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    event = copy.deepcopy(recorded("http_get_snapshot.json"))
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["queryStringParameters"] = query
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    return _call(status.handle, "status", event)


def _call(handler: Handler, name: str, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    result = invoke(handler, name, event)
    return int(result["statusCode"]), json.loads(result["body"])


def items(platform: Platform) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = boto3.client("dynamodb").scan(TableName=platform.table)["Items"]
    return found


def executions(platform: Platform) -> list[dict[str, Any]]:
    listed = boto3.client("stepfunctions").list_executions(stateMachineArn=platform.state_machine_arn)
    return [dict(e) for e in listed["executions"]]


def set_item(platform: Platform, key: str, **fields: Any) -> None:
    """Move an item along as the state machine and agent would (for table-driven trigger tests)."""
    from lambdas.dynamo_types import serialize

    names = {f"#f{i}": k for i, k in enumerate(fields)}
    values = {f":v{i}": v for i, v in enumerate(fields.values())}
    boto3.client("dynamodb").update_item(
        TableName=platform.table,
        Key={"key": {"S": key}},
        UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=serialize(values),
    )


def wait_queued(platform: Platform, key: str, within: float = 20.0) -> None:
    """Let the execution's MarkQueued land first, so a test's own writes do not race it."""
    import time

    deadline = time.monotonic() + within
    client = boto3.client("dynamodb")
    while time.monotonic() < deadline:
        item = client.get_item(TableName=platform.table, Key={"key": {"S": key}}, ConsistentRead=True)
        if item.get("Item", {}).get("status", {}).get("S") == "QUEUED":
            return
        time.sleep(0.05)
    raise TimeoutError(f"{key} never reached QUEUED")
