"""The scaler Lambda over moto: queue depth and agent metrics in, desired capacity out, its memory
kept on the group as a tag."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest

from lambdas.scaler import MEMORY_TAG, Scaler, ScalerSettings, handler, logger
from sandbox.lambda_runtime import LambdaContext
from sandbox.platform import Platform
from tests.support.autoscaling_group import create_group


@pytest.fixture
def group(platform: Platform) -> str:
    return create_group(platform, desired=0)


def scaler(platform: Platform, group: str) -> Scaler:
    settings = ScalerSettings(queue_url=platform.queue_url, autoscaling_group=group, default_capacity=10)
    return Scaler(settings)


def fill(platform: Platform, count: int) -> None:
    sqs = boto3.client("sqs")
    for start in range(0, count, 10):
        batch = range(start, min(count, start + 10))
        sqs.send_message_batch(
            QueueUrl=platform.queue_url, Entries=[{"Id": str(n), "MessageBody": "{}"} for n in batch]
        )


def described(group: str) -> dict[str, object]:
    return dict(
        boto3.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[group])[
            "AutoScalingGroups"
        ][0]
    )


def memory_tag(group: str) -> dict[str, object]:
    tags = described(group)["Tags"]
    (tag,) = [t for t in tags if t["Key"] == MEMORY_TAG]  # type: ignore[attr-defined]
    return dict(json.loads(tag["Value"]))


def test_jobs_on_an_empty_fleet_start_instances_and_the_memory_is_kept(
    platform: Platform, group: str
) -> None:
    fill(platform, 40)
    decision = scaler(platform, group).run(now=1000.0)
    assert decision.desired == 5  # 40 jobs / (10 slots x 0.8)
    assert described(group)["DesiredCapacity"] == 5
    assert memory_tag(group)["last_scale_out"] == 1000.0


def test_an_idle_fleet_goes_to_zero_only_after_the_idle_time(platform: Platform, group: str) -> None:
    boto3.client("autoscaling").set_desired_capacity(AutoScalingGroupName=group, DesiredCapacity=2)
    run = scaler(platform, group)
    assert run.run(now=0.0).desired == 2
    assert memory_tag(group)["idle_since"] == 0.0
    assert run.run(now=300.0).desired == 2
    assert run.run(now=601.0).desired == 0
    assert described(group)["DesiredCapacity"] == 0


def test_the_agents_reported_capacity_is_used(platform: Platform, group: str) -> None:
    now = datetime.now(UTC)
    boto3.client("cloudwatch").put_metric_data(
        Namespace="SnapshotEngine/Agent",
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": "AutoScalingGroupName", "Value": group}],
                "Timestamp": now,
                "Value": value,
            }
            for name, value in (("snapshot_agent_capacity", 40.0), ("snapshot_agent_busy_ratio", 0.5))
        ],
    )
    fill(platform, 64)
    decision = scaler(platform, group).run(now=now.timestamp())
    assert decision.desired == 2  # 64 / (40 x 0.8), not 64 / (10 x 0.8)


@pytest.mark.usefixtures("fresh_containers")
def test_the_handler_reads_its_settings_from_the_environment(
    platform: Platform, group: str, monkeypatch: pytest.MonkeyPatch, lambda_context: LambdaContext
) -> None:
    monkeypatch.setenv("QUEUE_URL", platform.queue_url)
    monkeypatch.setenv("AUTOSCALING_GROUP", group)
    fill(platform, 3)
    event = {"id": "schedule-1", "source": "aws.events", "detail-type": "Scheduled Event"}
    result = handler(event, lambda_context)  # type: ignore[arg-type]
    assert result["desired"] == 1 and "scale out" in result["reason"]
    assert logger.get_correlation_id() == "schedule-1"
