"""The cost model: its counts come from the ASL, the agent's settings and Terraform, and its
arithmetic is checked against hand sums."""

from __future__ import annotations

import pytest

from agent.settings import AgentSettings
from simulator.costs import (
    BILLED_MINIMUM_S,
    EC2_HOUR_USD,
    INDEXES_WRITTEN,
    PRICES_USD,
    AgentPace,
    SuccessPath,
    cost_per_thousand,
    per_snapshot,
    snapshot_success_path,
)
from simulator.fleet import FleetModel
from tests.terraform.hcl_model import TERRAFORM, load_module, unquote

PACE = AgentPace(heartbeat_seconds=30, pollers=2, poll_wait_seconds=20, dead_letter_sweep_seconds=60)


def test_the_success_path_is_the_state_machines() -> None:
    path = snapshot_success_path()
    assert path.states == ("MarkQueued", "Render", "MarkReady", "NotifyReady")
    assert (path.dynamodb_tasks, path.sqs_tasks, path.event_tasks) == (2, 1, 1)


def test_a_catch_or_choice_is_not_walked_as_success() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Next": "B",
                "Catch": [{"Next": "F"}],
            },
            "B": {"Type": "Succeed"},
            "F": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem", "End": True},
        },
    }
    path = SuccessPath.of_asl(definition)
    assert path.states == ("A", "B") and (path.sqs_tasks, path.dynamodb_tasks) == (1, 0)


def test_every_index_written_is_one_of_the_snapshots_tables() -> None:
    table = load_module(TERRAFORM / "modules" / "metadata").resources[("aws_dynamodb_table", "snapshots")]
    indexes = table["global_secondary_index"]
    assert len(indexes) == INDEXES_WRITTEN, [unquote(i["name"]) for i in indexes]


def test_the_agents_pace_is_its_settings_defaults() -> None:
    pace = AgentPace.defaults()
    for name in ("heartbeat_seconds", "pollers", "poll_wait_seconds", "dead_letter_sweep_seconds"):
        assert getattr(pace, name) == AgentSettings.model_fields[name].default


def test_every_default_instance_type_has_a_price_and_the_model_runs_the_first() -> None:
    types = load_module(TERRAFORM / "platform").variables["instance_types"]["default"]
    assert [unquote(t) for t in types] == list(EC2_HOUR_USD)
    assert FleetModel().instance_type == next(iter(EC2_HOUR_USD))
    assert FleetModel().price_per_hour == EC2_HOUR_USD["m7i.large"]


def test_one_snapshots_requests() -> None:
    requests = per_snapshot(snapshot_success_path(), render_s=65.0, agent=PACE)
    assert requests.step_functions_transition == 4
    assert requests.sqs_request == 1 + 2 + 2  # send; receive and delete; heartbeats at 30 s and 60 s
    assert requests.dynamodb_write_unit == 4 * 3  # trigger, MarkQueued, agent, MarkReady; each + 2 indexes
    assert (requests.dynamodb_read_unit, requests.s3_put, requests.s3_get, requests.eventbridge_event) == (
        1,
        1,
        1,
        1,
    )


def test_dollars_per_thousand_by_hand() -> None:
    # 2,000 snapshots of 10 s renders on one instance that lived an hour.
    figures = cost_per_thousand([10.0] * 2000, [3600.0], 0.1, snapshot_success_path(), PACE)
    idle = 3600 * (2 / 20 + 1 / 60)
    assert figures["ec2"] == pytest.approx(0.1 / 2, abs=1e-4)
    assert figures["step_functions"] == pytest.approx(4 * 0.025, abs=1e-4)
    assert figures["sqs"] == pytest.approx((2000 * 3 + idle) * 0.40e-6 / 2, abs=1e-4)
    assert figures["dynamodb"] == pytest.approx(1000 * (12 * 0.625e-6 + 0.125e-6), abs=1e-4)
    assert figures["s3"] == pytest.approx(1000 * (0.005 + 0.0004) / 1000, abs=1e-4)
    assert figures["total"] == pytest.approx(sum(v for k, v in figures.items() if k != "total"), abs=1e-3)


def test_a_short_lived_instance_is_billed_its_minute_and_no_snapshots_divide_by_one() -> None:
    figures = cost_per_thousand([], [5.0], 3600.0, snapshot_success_path(), PACE)
    assert figures["ec2"] == pytest.approx(BILLED_MINIMUM_S * 1000)
    assert figures["step_functions"] == 0


def test_folding_the_marks_leaves_only_the_wait_as_a_transition() -> None:
    path = snapshot_success_path()
    folded = path.marks_folded()
    assert folded.states == ("Render",) and folded.states[0] in path.states
    normal = cost_per_thousand([30.0] * 1000, [3600.0], 0.1, path, PACE)
    less = cost_per_thousand([30.0] * 1000, [3600.0], 0.1, folded, PACE)
    assert normal["step_functions"] - less["step_functions"] == pytest.approx(
        3 * PRICES_USD["step_functions_transition"] * 1000
    )
    assert {k: v for k, v in normal.items() if k not in ("step_functions", "total")} == {
        k: v for k, v in less.items() if k not in ("step_functions", "total")
    }
