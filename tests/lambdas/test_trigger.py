"""Trigger Lambda: the decision table of docs/design.md, and bad requests that write nothing.

No agents run here: executions start, mark the item QUEUED and wait at Render.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from contracts.identity import snapshot_key
from contracts.timeutil import iso, utc_now
from sandbox.platform import Platform
from sandbox.runtime import Functions
from simulator.costs import READS_PER_SNAPSHOT, TRIGGER_WRITES
from tests.lambdas.helpers import executions, items, post, set_item, wait_queued

SUMMARY = {"report": "sales_summary", "format": "csv", "params": {"region": "EMEA"}}
# The test caller (report-builder) holds no entitlement: it sees no row of the governed sales table.
KEY = snapshot_key(
    "sales_summary", "csv", {"region": "EMEA", "since": "2024-01-01"}, None, {"demo.sales": []}
)


def test_first_request_creates_generation_1_and_starts_its_execution(
    platform: Platform, functions: Functions
) -> None:
    with dynamodb_calls(functions.trigger) as calls:
        status, body = post(functions.trigger, SUMMARY)
    writes = [call for call in calls if call in WRITES]
    assert writes == ["PutItem"], "creating is one conditional write"
    # the cost model's figures (simulator/costs.py) are these counts
    assert (len(writes), calls.count("GetItem")) == (TRIGGER_WRITES, READS_PER_SNAPSHOT)
    assert status == 202
    assert body["decision"] == "created"
    assert body["snapshot_id"] == f"{KEY}-g1"
    assert body["params"] == {"region": "EMEA", "since": "2024-01-01"}
    assert names(platform) == [f"{KEY}-g1"]
    assert len(items(platform)) == 1


def test_default_params_spelled_out_give_the_same_snapshot(platform: Platform, functions: Functions) -> None:
    _, first = post(functions.trigger, SUMMARY)
    status, second = post(functions.trigger, {**SUMMARY, "params": {"region": "EMEA", "since": "2024-01-01"}})
    assert (status, second["decision"], second["snapshot_id"]) == (202, "joined", first["snapshot_id"])
    assert len(executions(platform)) == 1


def test_in_progress_is_joined_without_a_write(platform: Platform, functions: Functions) -> None:
    post(functions.trigger, SUMMARY)
    wait_queued(platform, KEY)
    for state in ("QUEUED", "RENDERING"):
        set_item(platform, KEY, status=state)
        before = items(platform)
        with dynamodb_writes(functions.trigger) as writes:
            status, body = post(functions.trigger, SUMMARY)
        assert (status, body["decision"]) == (202, "joined")
        assert writes == [] and items(platform) == before, "a join is a read alone"
    assert len(executions(platform)) == 1


def test_fresh_ready_is_reused_with_200(platform: Platform, functions: Functions) -> None:
    post(functions.trigger, SUMMARY)
    wait_queued(platform, KEY)
    set_item(platform, KEY, status="READY", rendered_at=iso(utc_now()))
    before = items(platform)
    with dynamodb_writes(functions.trigger) as writes:
        status, body = post(functions.trigger, SUMMARY)
    assert (status, body["decision"], body["snapshot_id"]) == (200, "reused", f"{KEY}-g1")
    assert writes == [] and items(platform) == before, "a reuse is a read alone"
    assert len(executions(platform)) == 1


@pytest.mark.parametrize(
    ("fields", "extra"),
    [
        ({"status": "READY", "rendered_at": iso(utc_now() - timedelta(hours=2))}, {}),
        ({"status": "FAILED", "error": "Render.Invalid", "cause": "x"}, {}),
        ({"status": "READY", "rendered_at": iso(utc_now())}, {"force": True}),
        ({"status": "READY", "rendered_at": iso(utc_now() - timedelta(seconds=30))}, {"max_age_seconds": 10}),
    ],
    ids=["stale-ready", "failed", "force", "request-max-age"],
)
def test_new_generation_replaces_the_item(
    platform: Platform, functions: Functions, fields: dict[str, Any], extra: dict[str, Any]
) -> None:
    post(functions.trigger, SUMMARY)
    wait_queued(platform, KEY)
    set_item(platform, KEY, **fields)
    status, body = post(functions.trigger, {**SUMMARY, **extra})
    assert (status, body["decision"], body["snapshot_id"], body["status"]) == (
        202,
        "regenerated",
        f"{KEY}-g2",
        "PENDING",
    )
    item = items(platform)[0]
    assert item["generation"] == {"N": "2"}
    assert "error" not in item and "rendered_at" not in item
    assert names(platform) == [f"{KEY}-g1", f"{KEY}-g2"]


def test_a_pending_item_whose_execution_never_started_is_started_by_the_next_request(
    platform: Platform, functions: Functions, monkeypatch: pytest.MonkeyPatch
) -> None:
    sfn = functions.trigger.sfn

    def unavailable(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "StartExecution")

    monkeypatch.setattr(sfn, "start_execution", unavailable)
    status, body = post(functions.trigger, SUMMARY)
    assert status == 503 and "retry" in body["message"]
    assert executions(platform) == []
    assert items(platform)[0]["status"] == {"S": "PENDING"}
    monkeypatch.undo()
    status, body = post(functions.trigger, SUMMARY)
    assert (status, body["decision"]) == (202, "joined")
    assert names(platform) == [f"{KEY}-g1"]
    wait_queued(platform, KEY)


def names(platform: Platform) -> list[str]:
    """Each execution's name without its attempt: ``<key>-g<generation>``."""
    return sorted(e["name"].rsplit("-", 1)[0] for e in executions(platform))


WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def dynamodb_writes(trigger: Any) -> contextlib.AbstractContextManager[list[str]]:
    """The writes the trigger's DynamoDB client makes meanwhile (PutItem, UpdateItem, ...)."""
    return dynamodb_calls(trigger, WRITES)


@contextlib.contextmanager
def dynamodb_calls(trigger: Any, kept: tuple[str, ...] | None = None) -> Iterator[list[str]]:
    """The calls (of ``kept``, or all) the trigger's DynamoDB client makes meanwhile, by name."""
    made: list[str] = []

    def record(model: Any, **_: Any) -> None:
        if kept is None or model.name in kept:
            made.append(model.name)

    events = trigger.service._ddb.meta.events
    events.register("before-call.dynamodb", record)
    try:
        yield made
    finally:
        events.unregister("before-call.dynamodb", record)


BAD = [
    ('{"report": "sales_summary", "format": ', 400, "not valid JSON"),
    ("[1, 2]", 400, "must be a JSON object"),
    ({"report": "nope", "format": "csv"}, 404, "unknown report 'nope'"),
    (
        {"report": "sales_summary", "format": "csv", "params": {"country": "FR"}},
        422,
        "'country' is not declared",
    ),
    (
        {"report": "daily_sales", "format": "csv", "params": {"region": "EMEA", "year": "2024"}},
        422,
        "must be an integer",
    ),
    ({"report": "daily_sales", "format": "csv"}, 422, "'region' is required"),
    ({"report": "sales_summary", "format": "pdf"}, 422, "does not render 'pdf'"),
    ({"report": "sales_summary", "format": "csv", "colour": "red"}, 422, "colour"),
    ({"report": "sales_summary", "format": "csv", "force": "yes"}, 422, "force"),
    (
        {"report": "sales_summary", "format": "csv", "params": {"region": "x" * 20000}},
        413,
        "larger than 16384",
    ),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD, ids=[f"{b[1]}-{b[2][:20]}" for b in BAD])
def test_bad_requests_get_a_clear_4xx_and_write_nothing(
    platform: Platform, functions: Functions, body: Any, status: int, message: str
) -> None:
    got_status, got = post(functions.trigger, body)
    assert got_status == status
    assert message in got["message"]
    assert items(platform) == []
    assert executions(platform) == []


def test_a_bad_request_leaves_existing_snapshots_untouched(platform: Platform, functions: Functions) -> None:
    post(functions.trigger, SUMMARY)
    wait_queued(platform, KEY)
    before = items(platform)
    post(functions.trigger, {**SUMMARY, "params": {"region": "MARS"}})
    assert items(platform) == before


def test_a_path_that_does_not_fit_its_route_is_a_400(functions: Functions) -> None:
    """API Gateway routes only the document's paths here; one the resolver cannot match is bad input."""
    from sandbox.lambda_runtime import invoke
    from tests.lambdas.helpers import recorded

    event = recorded("http_post_snapshots.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/elsewhere"
    answer = invoke(functions.trigger.handle, "trigger", event)
    assert answer["statusCode"] == 400
    assert "does not fit the route POST /snapshots" in json.loads(answer["body"])["message"]


def test_execution_input_is_what_the_state_machine_expects(platform: Platform, functions: Functions) -> None:

    from contracts.messages import ExecutionInput

    post(functions.trigger, {**SUMMARY, "data_version": "v7"})
    arn = executions(platform)[0]["executionArn"]
    described = boto3.client("stepfunctions").describe_execution(executionArn=arn)
    payload = ExecutionInput.model_validate(json.loads(described["input"]))
    assert payload.data_version == "v7"
    assert payload.bucket == platform.bucket
    assert payload.s3_key.endswith(f"/{payload.key}/g1.csv")
