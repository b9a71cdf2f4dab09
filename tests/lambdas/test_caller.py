"""Who is asking, as API Gateway's authorizers and EventBridge tell it: both authorizer shapes
from recorded events, the system principal of an event, a request with no identity refused,
and the caller in the trigger's structured log of every decision."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lambdas.caller import Caller, event_caller, http_caller
from lambdas.requests import RequestRejected
from sandbox.lambda_runtime import invoke
from sandbox.platform import Platform
from sandbox.runtime import Functions
from tests.lambdas.helpers import executions, items, recorded


def test_an_iam_authorized_request_is_its_principal() -> None:
    caller = http_caller(recorded("http_post_snapshots.json"))
    assert caller == Caller(
        "iam", "arn:aws:sts::123456789012:assumed-role/report-builder/session", "123456789012", None
    )


def test_a_jwt_authorized_request_is_its_subject_and_groups() -> None:
    caller = http_caller(recorded("http_get_snapshot.json"))
    assert (caller.kind, caller.principal, caller.groups) == ("jwt", "7d3f0c1e-analyst", ("analysts", "emea"))


def jwt(claims: dict[str, Any]) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"jwt": {"claims": {"sub": "u", **claims}, "scopes": None}}}}


@pytest.mark.parametrize(
    ("claims", "groups"),
    [
        ({"groups": ["a", "b"]}, ("a", "b")),
        ({"cognito:groups": "[solo]"}, ("solo",)),
        ({"cognito:groups": "[analysts emea]"}, ("analysts", "emea")),
        ({"cognito:groups": "[a,b c]"}, ("a,b", "c")),  # Cognito names hold commas, never spaces
        ({"groups": "[analysts]"}, ("analysts",)),
        ({"groups": "[]"}, ()),
        ({"groups_json": '["finance admins", "emea,apac"]'}, ("finance admins", "emea,apac")),
        ({"groups_json": '["x"]', "groups": "[a b]"}, ("x",)),
        ({}, ()),
    ],
)
def test_group_claims_in_every_unambiguous_shape(claims: dict[str, Any], groups: tuple[str, ...]) -> None:
    assert http_caller(jwt(claims)).groups == groups


@pytest.mark.parametrize(
    "claims",
    [
        {"groups": "[finance admins]"},  # one group "finance admins", or "finance" and "admins"?
        {"groups": "a,b"},
        {"groups": "[analysts\temea]"},
        {"groups_json": "[analysts emea]"},
        {"groups_json": '["ok", 3]'},
        {"groups_json": '[""]'},
        {"groups_json": '{"a": 1}'},
    ],
)
def test_an_ambiguous_or_malformed_group_claim_fails_closed(claims: dict[str, Any]) -> None:
    with pytest.raises(RequestRejected) as refused:
        http_caller(jwt(claims))
    assert refused.value.status_code == 403 and "groups" in refused.value.message


def test_an_ambiguous_group_claim_is_refused_by_the_api_and_writes_nothing(
    platform: Platform, functions: Functions
) -> None:
    event = copy.deepcopy(recorded("http_post_snapshots.json"))
    event["requestContext"]["authorizer"] = jwt({"groups": "[finance admins]"})["requestContext"][
        "authorizer"
    ]
    answer = invoke(functions.trigger.handle, "trigger", event)
    assert answer["statusCode"] == 403 and "groups_json" in json.loads(answer["body"])["message"]
    assert items(platform) == [] and executions(platform) == []


def test_every_answered_request_is_counted_without_a_write(
    functions: Functions, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    for _ in range(2):
        invoke(functions.trigger.handle, "trigger", recorded("http_post_snapshots.json"))
    emitted = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"SnapshotRequests"' in line
    ]
    assert [(m["report"], m["decision"]) for m in emitted] == [
        ("sales_summary", "created"),
        ("sales_summary", "joined"),
    ]
    assert {"report", "decision"} <= set(emitted[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0])


def test_an_event_runs_as_the_system_that_sent_it() -> None:
    caller = event_caller(recorded("eventbridge_snapshot_requested.json"))
    assert caller.kind == "system" and caller.principal.startswith("system:")


def test_a_request_with_no_identity_is_a_403_and_writes_nothing(
    platform: Platform, functions: Functions
) -> None:
    post = copy.deepcopy(recorded("http_post_snapshots.json"))
    del post["requestContext"]["authorizer"]
    answer = invoke(functions.trigger.handle, "trigger", post)
    assert answer["statusCode"] == 403 and "no caller identity" in json.loads(answer["body"])["message"]
    get = copy.deepcopy(recorded("http_get_snapshot.json"))
    del get["requestContext"]["authorizer"]
    assert invoke(functions.status.handle, "status", get)["statusCode"] == 403
    assert items(platform) == [] and executions(platform) == []


def test_each_decision_is_logged_with_its_caller(
    functions: Functions, caplog: pytest.LogCaptureFixture
) -> None:
    invoke(functions.trigger.handle, "trigger", recorded("http_post_snapshots.json"))
    (decision,) = [r for r in caplog.records if r.getMessage() == "snapshot request"]
    assert vars(decision)["caller"] == "arn:aws:sts::123456789012:assumed-role/report-builder/session"
    assert vars(decision)["caller_kind"] == "iam" and vars(decision)["decision"] == "created"


def test_a_denial_is_counted_in_the_entitlement_denials_metric(
    platform: Platform,
    functions: Functions,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # the sandbox turns them off
    """The test catalog's qs_sales entitles region; the recorded caller holds no entitlement."""
    event = copy.deepcopy(recorded("http_post_snapshots.json"))
    event["body"] = json.dumps({"report": "qs_sales", "format": "pdf"})
    answer = invoke(functions.trigger.handle, "trigger", event)
    assert answer["statusCode"] == 403
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (metric,) = [m for m in emitted if "EntitlementDenials" in m]
    assert metric["EntitlementDenials"] in ([1.0], 1.0)
    assert metric["report"] == "qs_sales"
    directive = metric["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "SnapshotEngine" and "report" in directive["Dimensions"][0]
    assert items(platform) == [] and executions(platform) == []
