"""The ASL template, its placeholders, and the contracts between it, the trigger and the agent."""

from __future__ import annotations

import json
import re
import typing
from typing import Any

import pytest

from agent.jobs.errors import (
    InvalidLoadError,
    InvalidRenderError,
    PoisonError,
    QueuedLoadError,
    RenderTimeoutError,
    TransientLoadError,
    TransientRenderError,
)
from contracts.asl_template import ASL_PATH, LOAD_ASL_PATH, placeholders, render_asl, render_template
from contracts.messages import ErrorName, ExecutionInput, JobMessage, TaskOutput
from contracts.metadata import ITEM_FIELDS
from lambdas.views import PUBLIC_FIELDS
from sandbox.data_platform import LoadOptions, load_asl_values
from sandbox.platform import PlatformOptions, asl_values

TEMPLATE = ASL_PATH.read_text()
DEFINITION = render_asl(asl_values("tbl", "https://q", "bus", PlatformOptions()))
METADATA_FIELDS = set(ITEM_FIELDS)
SAMPLE_INPUT = ExecutionInput(
    snapshot_id="0123456789abcdef0123456789abcdef-g2",
    key="0123456789abcdef0123456789abcdef",
    generation=2,
    report="sales_summary",
    format="csv",
    params={"region": "EMEA"},
    data_version=None,
    bucket="b",
    s3_key="snapshots/sales_summary/0123456789abcdef0123456789abcdef/g2.csv",
)


def test_placeholders_are_exactly_what_the_sandbox_and_terraform_fill() -> None:
    assert placeholders(TEMPLATE) == set(asl_values("t", "q", "b", PlatformOptions()))
    assert "%{" not in TEMPLATE


def test_template_filling_refuses_missing_and_unknown_names() -> None:
    values = asl_values("t", "q", "b", PlatformOptions())
    with pytest.raises(ValueError, match="no value"):
        render_template(TEMPLATE, {k: v for k, v in values.items() if k != "queue_url"})
    with pytest.raises(ValueError, match="unknown placeholders"):
        render_template(TEMPLATE, {**values, "extra": 1})
    assert render_template("a $${b} ${c}", {"c": 1}) == "a ${b} 1"


def test_every_transition_lands_on_a_state_and_every_state_is_reachable() -> None:
    states = DEFINITION["States"]
    targets = {DEFINITION["StartAt"]}
    for state in states.values():
        targets.update(t for t in [state.get("Next"), state.get("Default")] if t)
        targets.update(c["Next"] for c in state.get("Catch", []) + state.get("Choices", []))
    assert targets == set(states)


def test_flow_follows_design() -> None:
    s = DEFINITION["States"]
    assert DEFINITION["StartAt"] == "MarkQueued"
    assert s["MarkQueued"]["Resource"] == "arn:aws:states:::dynamodb:updateItem"
    assert s["Render"]["Resource"] == "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    assert "HeartbeatSeconds" not in s["Render"], "nobody can heartbeat a job no agent has picked up"
    assert s["Render"]["TimeoutSeconds"] == PlatformOptions().job_timeout_seconds
    assert s["MarkReady"]["Next"] == "NotifyReady"
    assert s["NotifyReady"]["Resource"] == "arn:aws:states:::events:putEvents"
    assert s["NotifyReady"]["Parameters"]["Entries"][0]["DetailType"] == "Snapshot Ready"
    assert s["NotifyFailed"]["Parameters"]["Entries"][0]["DetailType"] == "Snapshot Failed"
    assert s["NotifyFailed"]["Next"] == "Failed" and s["Failed"]["Type"] == "Fail"
    assert not any("lambda" in str(state.get("Resource", "")) for state in s.values())


def test_retry_and_error_names_match_the_agent() -> None:
    agent_errors = {
        TransientRenderError.error,
        InvalidRenderError.error,
        RenderTimeoutError.error,
        PoisonError.error,
        TransientLoadError.error,
        InvalidLoadError.error,
        QueuedLoadError.error,
    }
    assert agent_errors == set(typing.get_args(ErrorName))
    retried = {e for r in DEFINITION["States"]["Render"]["Retry"] for e in r["ErrorEquals"]}
    assert retried == {"Render.Transient", "Render.Timeout"}, "Invalid, Poison and a spent budget end the job"
    load = render_asl(load_asl_values("ledger", "queue", "bus", LoadOptions()), LOAD_ASL_PATH)
    retried = {e for r in load["States"]["Load"]["Retry"] for e in r["ErrorEquals"]}
    assert retried == {TransientLoadError.error, QueuedLoadError.error}, (
        "an invalid file and a spent budget end the load"
    )


def _evaluate(template: dict[str, Any], data: dict[str, Any], token: str) -> dict[str, Any]:
    """A minimal JSONPath evaluation of a Parameters block: enough for ``$.a.b`` and ``$$.Task.Token``."""
    out: dict[str, Any] = {}
    for name, value in template.items():
        if name.endswith(".$"):
            if value == "$$.Task.Token":
                out[name[:-2]] = token
            else:
                node: Any = data
                for part in value.removeprefix("$.").split("."):
                    node = node[part]
                out[name[:-2]] = node
        elif isinstance(value, dict):
            out[name] = _evaluate(value, data, token)
        else:
            out[name] = value
    return out


def test_the_message_body_the_asl_writes_parses_as_the_agents_job() -> None:
    body = _evaluate(
        DEFINITION["States"]["Render"]["Parameters"]["MessageBody"], SAMPLE_INPUT.model_dump(), "tok"
    )
    job = JobMessage.model_validate_json(json.dumps(body))
    assert job.model_dump(exclude={"v", "task_token"}) == SAMPLE_INPUT.model_dump()
    assert job.task_token == "tok"


def test_mark_ready_reads_exactly_the_task_output() -> None:
    values = DEFINITION["States"]["MarkReady"]["Parameters"]["ExpressionAttributeValues"]
    paths = {m for v in values.values() for x in v.values() for m in re.findall(r"\$\.result\.(\w+)", str(x))}
    assert paths == set(TaskOutput.model_fields)


def test_where_the_artifact_is_comes_from_the_execution_never_from_the_agent() -> None:
    """A worker may only say what it made, not where: MarkReady and NotifyReady take s3_key from
    the execution's input, which the trigger wrote (and the agent checked against the key)."""
    states = DEFINITION["States"]
    assert states["MarkReady"]["Parameters"]["ExpressionAttributeValues"][":s3_key"] == {"S.$": "$.s3_key"}
    assert states["NotifyReady"]["Parameters"]["Entries"][0]["Detail"]["s3_key.$"] == "$.s3_key"
    assert "s3_key" not in TaskOutput.model_fields


def test_state_machine_writes_only_metadata_fields() -> None:
    for name in ("MarkQueued", "MarkReady", "MarkFailed"):
        params = DEFINITION["States"][name]["Parameters"]
        expression = params["UpdateExpression"]
        aliases = params.get("ExpressionAttributeNames", {})
        written = re.findall(r"(#?\w+) = :", expression) + re.findall(r"REMOVE (.*)", expression)
        names = {aliases.get(w.strip(), w.strip()) for part in written for w in part.split(",")}
        assert names <= METADATA_FIELDS, (name, names - METADATA_FIELDS)
        assert params["ConditionExpression"].startswith("generation = :g")
    assert set(PUBLIC_FIELDS) <= METADATA_FIELDS


def test_every_write_of_the_state_machine_retries_dynamodbs_transient_errors() -> None:
    """A throttled MarkReady or MarkFailed would end the execution with its item still in
    progress; a condition that fails is an answer, never retried."""
    states = DEFINITION["States"]
    for name, state in states.items():
        if state.get("Resource") != "arn:aws:states:::dynamodb:updateItem":
            continue
        (retry,) = state["Retry"]
        assert "DynamoDB.ProvisionedThroughputExceededException" in retry["ErrorEquals"], name
        assert "DynamoDB.ThrottlingException" in retry["ErrorEquals"], name
        assert not any("ConditionalCheckFailed" in e or e == "States.ALL" for e in retry["ErrorEquals"]), name
        assert retry["BackoffRate"] > 1 and retry["MaxAttempts"] >= 3, name
    for name in ("NotifyReady", "NotifyFailed"):
        assert states[name]["Retry"][0]["ErrorEquals"] == ["States.ALL"], name
