"""modules/function_rule planned by the real Terraform against moto: its variables refuse what
EventBridge would refuse (a delivery timer out of range or not whole, a rule with both or neither
of a pattern and a schedule) before anything is created, and a valid rule plans with its retry
policy as given."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sandbox.moto_server import MotoSandbox
from tests.terraform.module_on_moto import ModuleRoot
from tests.terraform.terraform_on_moto import require_terraform

pytestmark = pytest.mark.terraform

FUNCTION = {"arn": "arn:aws:lambda:us-east-1:123456789012:function:fr-target", "function_name": "fr-target"}
PATTERN = json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"]})


def inputs(**changes: Any) -> dict[str, Any]:
    return {
        "name": "fr-landed",
        "description": "landed files to the loader",
        "event_pattern": PATTERN,
        "function": FUNCTION,
        "statement_id": "fr-landed",
        "delivery": {"max_age_seconds": 3600, "max_attempts": 10},
    } | changes


@pytest.fixture(scope="module")
def planned_root(moto_server: MotoSandbox, tmp_path_factory: pytest.TempPathFactory) -> ModuleRoot:
    require_terraform()
    root = ModuleRoot.make("function_rule", inputs(), moto_server, tmp_path_factory.mktemp("function_rule"))
    root.init()
    return root


def _plan_with(root: ModuleRoot, values: dict[str, Any]) -> Any:
    config = json.loads((root.directory / "main.tf.json").read_text())
    config["module"]["this"] = {"source": config["module"]["this"]["source"], **values}
    (root.directory / "main.tf.json").write_text(json.dumps(config, indent=2))
    return root.plan()


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"delivery": {"max_age_seconds": 59, "max_attempts": 10}}, "maximum event age"),
        ({"delivery": {"max_age_seconds": 86401, "max_attempts": 10}}, "maximum event age"),
        ({"delivery": {"max_age_seconds": 3600.5, "max_attempts": 10}}, "whole seconds"),
        ({"delivery": {"max_age_seconds": 3600, "max_attempts": -1}}, "retry attempts"),
        ({"delivery": {"max_age_seconds": 3600, "max_attempts": 186}}, "retry attempts"),
        ({"delivery": {"max_age_seconds": 3600, "max_attempts": 2.5}}, "retry attempts"),
        ({"delivery": {"max_age_seconds": "an hour", "max_attempts": 10}}, "number is required"),
        ({"schedule_expression": "rate(5 minutes)"}, "not both and not neither"),
        ({"event_pattern": None}, "not both and not neither"),
    ],
    ids=["age-59", "age-86401", "age-fraction", "attempts-negative", "attempts-186", "attempts-fraction",
         "age-text", "pattern-and-schedule", "neither"],
)  # fmt: skip
def test_hostile_values_are_refused_at_plan(
    planned_root: ModuleRoot, changes: dict[str, Any], refusal: str
) -> None:
    done = _plan_with(planned_root, inputs(**changes))
    assert done.returncode != 0
    assert refusal in " ".join((done.stdout + done.stderr).split()), done.stderr[-2000:]


def test_a_valid_rule_plans_its_retry_policy_as_given(planned_root: ModuleRoot) -> None:
    done = _plan_with(planned_root, inputs(delivery={"max_age_seconds": 60, "max_attempts": 185}))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    targets = [v for k, v in planned_root.planned().items() if k.endswith("aws_cloudwatch_event_target.this")]
    assert targets and targets[0]["retry_policy"] == [
        {"maximum_event_age_in_seconds": 60, "maximum_retry_attempts": 185}
    ]


def test_the_root_is_left_valid(planned_root: ModuleRoot) -> None:
    assert _plan_with(planned_root, inputs()).returncode == 0
