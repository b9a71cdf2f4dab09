"""Scaler Lambda: every minute (EventBridge schedule), sets the workers' desired capacity.

It reads what ``scaling.policy.decide`` needs (the jobs queue's visible and in-flight counts,
the agents' capacity and busy ratio published through the CloudWatch agent, the group's desired
capacity and bounds), decides, and writes the new desired capacity. What the decision must
remember between runs (last scale-out, how long the need has been low or the fleet idle) lives
on the group as one tag, so the function keeps no state of its own.

Why a Lambda rather than target tracking alone: it can act from zero (there is no agent metric
when no instance runs), it reads the queue directly instead of 5-minute SQS metrics, and it
scales in slowly and in steps, which target tracking cannot be told to do.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Field

from contracts.metrics import AGENT_NAMESPACE
from lambdas.entry import entry_point
from lambdas.settings import LambdaSettings
from scaling.policy import Decision, Memory, Observation, Policy, decide

logger = Logger(service="snapshot-scaler")
tracer = Tracer(service="snapshot-scaler")
CORRELATION_ID_PATH = "id"  # the schedule's event id
MEMORY_TAG = "snapshot-engine:scaler"


def _policy_default(knob: str) -> str:
    """How the docs table shows a knob left unset: Policy's default."""
    value = getattr(Policy(), knob)
    return f"{int(value) if float(value).is_integer() else value} (Policy's)"


class ScalerSettings(LambdaSettings):
    """The scaler's environment. A policy knob left unset takes ``scaling.policy.Policy``'s default
    (the one place those are written); Terraform sets only what an environment chose."""

    queue_url: str = Field(alias="QUEUE_URL", description="the jobs queue")
    autoscaling_group: str = Field(alias="AUTOSCALING_GROUP", description="the workers' Auto Scaling group")
    metrics_namespace: str = Field(
        default=AGENT_NAMESPACE,
        alias="METRICS_NAMESPACE",
        description="where the agents' capacity and busy ratio are read",
    )
    target_utilisation: float | None = Field(
        default=None,
        json_schema_extra={"shown_default": _policy_default("target_utilisation")},
        gt=0,
        le=1,
        alias="TARGET_UTILISATION",
        description="share of each instance's slots the fleet is sized to keep busy",
    )
    default_capacity: int | None = Field(
        default=None,
        json_schema_extra={"shown_default": _policy_default("default_capacity")},
        ge=1,
        alias="DEFAULT_CAPACITY",
        description="slots assumed per instance before any agent has reported its capacity",
    )
    scale_in_delay_s: float | None = Field(
        default=None,
        json_schema_extra={"shown_default": _policy_default("scale_in_delay_s")},
        ge=0,
        alias="SCALE_IN_DELAY_SECONDS",
        description="how long the need must stay below the fleet before a scale-in step",
    )
    scale_in_cooldown_s: float | None = Field(
        default=None,
        json_schema_extra={"shown_default": _policy_default("scale_in_cooldown_s")},
        ge=0,
        alias="SCALE_IN_COOLDOWN_SECONDS",
        description="no scale-in this soon after a scale-out",
    )
    idle_to_zero_s: float | None = Field(
        default=None,
        json_schema_extra={"shown_default": _policy_default("idle_to_zero_s")},
        ge=0,
        alias="IDLE_TO_ZERO_SECONDS",
        description="queue empty and no agent busy this long: the fleet goes to zero",
    )

    @property
    def policy(self) -> dict[str, Any]:
        """The knobs this environment set, by Policy's field names."""
        return {knob: value for knob in POLICY_KNOBS if (value := getattr(self, knob)) is not None}


POLICY_KNOBS = (
    "target_utilisation",
    "default_capacity",
    "scale_in_delay_s",
    "scale_in_cooldown_s",
    "idle_to_zero_s",
)


class Scaler:
    def __init__(self, settings: ScalerSettings) -> None:
        self._settings = settings
        self._sqs = boto3.client("sqs")
        self._autoscaling = boto3.client("autoscaling")
        self._cloudwatch = boto3.client("cloudwatch")
        self.handle = entry_point(logger, tracer, CORRELATION_ID_PATH, self._handle)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        decision = self.run()
        return {"desired": decision.desired, "reason": decision.reason}

    def run(self, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        group = self._autoscaling.describe_auto_scaling_groups(
            AutoScalingGroupNames=[self._settings.autoscaling_group]
        )["AutoScalingGroups"][0]
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self._settings.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        capacity, busy = self._agent_metrics(now)
        observation = Observation(
            now=now,
            visible=int(attributes["ApproximateNumberOfMessages"]),
            in_flight=int(attributes["ApproximateNumberOfMessagesNotVisible"]),
            desired=int(group["DesiredCapacity"]),
            capacity_per_instance=capacity,
            busy_ratio=busy,
        )
        policy = Policy(
            min_size=int(group["MinSize"]), max_size=int(group["MaxSize"]), **self._settings.policy
        )
        memory = _read_memory(group.get("Tags", []))
        decision = decide(observation, memory, policy)
        if decision.desired != observation.desired:
            self._autoscaling.set_desired_capacity(
                AutoScalingGroupName=self._settings.autoscaling_group,
                DesiredCapacity=decision.desired,
                HonorCooldown=False,
            )
        if decision.memory != memory:
            self._autoscaling.create_or_update_tags(
                Tags=[
                    {
                        "ResourceId": self._settings.autoscaling_group,
                        "ResourceType": "auto-scaling-group",
                        "Key": MEMORY_TAG,
                        "Value": json.dumps(dataclasses.asdict(decision.memory), separators=(",", ":")),
                        "PropagateAtLaunch": False,
                    }
                ]
            )
        logger.info(
            "scaling decision",
            extra={
                "observation": dataclasses.asdict(observation),
                "desired": decision.desired,
                "reason": decision.reason,
            },
        )
        return decision

    def _agent_metrics(self, now: float) -> tuple[float | None, float | None]:
        """The agents' latest average capacity and busy ratio; None when no agent reported lately."""
        end = datetime.fromtimestamp(now, UTC)
        queries = [
            {
                "Id": name,
                "MetricStat": {
                    "Metric": {
                        "Namespace": self._settings.metrics_namespace,
                        "MetricName": f"snapshot_agent_{name}",
                        "Dimensions": [
                            {"Name": "AutoScalingGroupName", "Value": self._settings.autoscaling_group}
                        ],
                    },
                    "Period": 60,
                    "Stat": "Average",
                },
            }
            for name in ("capacity", "busy_ratio")
        ]
        found = self._cloudwatch.get_metric_data(
            MetricDataQueries=queries,
            StartTime=end - timedelta(minutes=5),
            EndTime=end + timedelta(minutes=1),
        )
        latest = {
            r["Id"]: max(zip(r["Timestamps"], r["Values"], strict=True))[1] if r.get("Values") else None
            for r in found["MetricDataResults"]
        }
        return latest.get("capacity"), latest.get("busy_ratio")


def _read_memory(tags: list[dict[str, Any]]) -> Memory:
    for tag in tags:
        if tag["Key"] == MEMORY_TAG:
            try:
                return Memory(**json.loads(tag["Value"]))
            except (ValueError, TypeError):
                logger.warning("unreadable scaler memory tag; starting afresh")
    return Memory()


@functools.cache
def default_scaler() -> Scaler:
    """Made once per container, on the first invocation."""
    return Scaler(ScalerSettings.from_env())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return default_scaler().handle(event, context)
