"""Dollars per 1,000 snapshots: what a trace's fleet and requests cost at list prices.

Each rendered snapshot makes a fixed set of paid requests, read from where they are made: the
snapshot state machine's success path (its states are Step Functions transitions; its DynamoDB,
SQS and EventBridge tasks are requests), the trigger's read and write, the agent's mark and its
upload, and the agent's heartbeats (one per ``heartbeat_seconds`` of render). Every item write is
also a write to each of the table's global secondary indexes that holds the item. An instance
costs its seconds (60 at least) and its pollers' long polls and dead-letter checks while it runs.

Left out, each small beside these at this workload: Lambda (the trigger's invocation and the
scaler's minute ticks: about $0.0004 per 1,000 snapshots and $0.004 a day at 128 MB and 0.1 s),
API Gateway (only requests made over HTTP), CloudWatch, EBS, data transfer, storage.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agent.settings import AgentSettings
from contracts.asl_template import ASL_PATH, placeholders, render_template

# us-east-1 list prices in USD (AWS's pricing pages, read 2026-12): on demand, no free tier.
# EC2: Linux on demand per hour, billed per second with 60 s at least; the workers' default types.
EC2_HOUR_USD = {"m7i.large": 0.1008, "m6i.large": 0.096, "m7a.large": 0.11592}
PRICES_USD = {
    "step_functions_transition": 0.025 / 1000,  # Standard workflows
    "sqs_request": 0.40 / 1_000_000,  # Standard queues, per 64 KB request
    "dynamodb_write_unit": 0.625 / 1_000_000,  # on demand, an item of up to 1 KB
    "dynamodb_read_unit": 0.125 / 1_000_000,  # on demand, a strongly consistent read up to 4 KB
    "s3_put": 0.005 / 1000,  # S3 Standard PUT, COPY, POST, LIST
    "s3_get": 0.0004 / 1000,  # S3 Standard GET
    "eventbridge_event": 1.00 / 1_000_000,  # custom events put on a bus
}
BILLED_MINIMUM_S = 60.0
# Global secondary indexes of the snapshots table that hold an item in progress (by-report and
# the sparse in-progress): tests/unit/test_simulator_costs.py holds this to Terraform.
INDEXES_WRITTEN = 2
# Writes made outside the state machine, each held to the code by a test that counts the calls:
TRIGGER_WRITES = 1  # the trigger's PENDING item (tests/lambdas/test_trigger.py)
AGENT_WRITES = 1  # the agent's RENDERING mark (tests/bench/test_bench_harness.py)
WRITES_OUTSIDE_ASL = TRIGGER_WRITES + AGENT_WRITES
READS_PER_SNAPSHOT = 1  # the trigger's GetItem of the snapshot's item (tests/lambdas/test_trigger.py)
S3_GETS_PER_SNAPSHOT = 1  # the requester's download


@dataclass(frozen=True)
class SuccessPath:
    """The snapshot state machine's states from StartAt to the end, as a READY snapshot runs."""

    states: tuple[str, ...]
    dynamodb_tasks: int
    sqs_tasks: int
    event_tasks: int

    @classmethod
    def of_asl(cls, definition: Mapping[str, Any]) -> SuccessPath:
        states: Mapping[str, Mapping[str, Any]] = definition["States"]
        name = str(definition["StartAt"])
        walked: list[str] = []
        while True:
            walked.append(name)
            state = states[name]
            if state.get("End") or "Next" not in state:
                break
            name = str(state["Next"])

        def count(service: str) -> int:
            return sum(f":::{service}:" in str(states[s].get("Resource", "")) for s in walked)

        return cls(tuple(walked), count("dynamodb"), count("sqs"), count("events"))

    def marks_folded(self) -> SuccessPath:
        """The same requests with the state machine reduced to its wait: MarkQueued folded into
        the trigger's write, MarkReady and NotifyReady into the agent's task answer."""
        return SuccessPath(("Render",), self.dynamodb_tasks, self.sqs_tasks, self.event_tasks)


@functools.cache  # the ASL is read once per run, not once per trace
def snapshot_success_path() -> SuccessPath:
    template = ASL_PATH.read_text()
    rendered = render_template(template, dict.fromkeys(placeholders(template), 1))
    return SuccessPath.of_asl(json.loads(rendered))


@dataclass(frozen=True)
class AgentPace:
    """The agent's settings that make requests on their own clock (their defaults)."""

    heartbeat_seconds: float
    pollers: int
    poll_wait_seconds: float
    dead_letter_sweep_seconds: float

    @classmethod
    def defaults(cls) -> AgentPace:
        return cls(**{name: AgentSettings.model_fields[name].default for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Requests:
    """Paid requests by kind (the keys of PRICES_USD but EC2's)."""

    step_functions_transition: float = 0.0
    sqs_request: float = 0.0
    dynamodb_write_unit: float = 0.0
    dynamodb_read_unit: float = 0.0
    s3_put: float = 0.0
    s3_get: float = 0.0
    eventbridge_event: float = 0.0


def per_snapshot(path: SuccessPath, render_s: float, agent: AgentPace) -> Requests:
    heartbeats = math.floor(render_s / agent.heartbeat_seconds)
    return Requests(
        step_functions_transition=len(path.states),
        # The send, its receive and delete (batched under load: at most one each), the heartbeats.
        sqs_request=path.sqs_tasks + 2 + heartbeats,
        dynamodb_write_unit=(path.dynamodb_tasks + WRITES_OUTSIDE_ASL) * (1 + INDEXES_WRITTEN),
        dynamodb_read_unit=READS_PER_SNAPSHOT,
        s3_put=1,
        s3_get=S3_GETS_PER_SNAPSHOT,
        eventbridge_event=path.event_tasks,
    )


def idle_requests_per_instance_second(agent: AgentPace) -> float:
    """SQS requests an agent makes just by running: its pollers' long polls, the dead-letter check."""
    return agent.pollers / agent.poll_wait_seconds + 1 / agent.dead_letter_sweep_seconds


def cost_per_thousand(
    render_seconds: Iterable[float],
    instance_seconds: Iterable[float],
    price_per_hour: float,
    path: SuccessPath,
    agent: AgentPace,
) -> dict[str, float]:
    """USD per 1,000 snapshots by service, and the total."""
    renders = list(render_seconds)
    lives = [max(BILLED_MINIMUM_S, s) for s in instance_seconds]
    totals: dict[str, float] = dict.fromkeys(Requests.__dataclass_fields__, 0.0)
    for seconds in renders:
        for kind, count in per_snapshot(path, seconds, agent).__dict__.items():
            totals[kind] += count
    totals["sqs_request"] += sum(lives) * idle_requests_per_instance_second(agent)
    dollars = {
        "ec2": sum(lives) / 3600 * price_per_hour,
        "step_functions": totals["step_functions_transition"] * PRICES_USD["step_functions_transition"],
        "sqs": totals["sqs_request"] * PRICES_USD["sqs_request"],
        "dynamodb": totals["dynamodb_write_unit"] * PRICES_USD["dynamodb_write_unit"]
        + totals["dynamodb_read_unit"] * PRICES_USD["dynamodb_read_unit"],
        "s3": totals["s3_put"] * PRICES_USD["s3_put"] + totals["s3_get"] * PRICES_USD["s3_get"],
        "eventbridge": totals["eventbridge_event"] * PRICES_USD["eventbridge_event"],
    }
    scale = 1000 / max(1, len(renders))
    per_thousand = {service: round(usd * scale, 4) for service, usd in dollars.items()}
    per_thousand["total"] = round(sum(dollars.values()) * scale, 4)
    return per_thousand
