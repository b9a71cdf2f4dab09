"""One pure function decides the workers' desired capacity (docs/design.md: backlog per instance).

Inputs are what the scaler Lambda can read every minute: the jobs queue (visible and in flight),
what the agents report (capacity per instance, busy ratio) and the group (desired capacity), plus
the little it remembers between runs (``Memory``, kept on the group as a tag).

- **Out, fast**: as soon as ``ceil(backlog / (capacity x target_utilisation))`` exceeds the
  desired capacity, ask for that many, at once; from zero, one job is enough for one instance.
- **In, slow**: only after the need has stayed below the fleet for ``scale_in_delay_s`` and
  ``scale_in_cooldown_s`` after the last scale-out, and by at most a quarter of the fleet per
  step, each step waiting again (hysteresis: no flapping around a spike).
- **To zero**: only when the queue is empty and no agent is busy for ``idle_to_zero_s``.

Scale-in never kills a job by itself: busy agents protect their instances (the agent's part),
so the group only removes idle ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Policy:
    min_size: int = 0
    max_size: int = 10
    target_utilisation: float = 0.8
    default_capacity: int = 16
    scale_in_delay_s: float = 300
    scale_in_cooldown_s: float = 300
    idle_to_zero_s: float = 600
    max_scale_in_fraction: float = 0.25

    def __post_init__(self) -> None:
        if not 0 <= self.min_size <= self.max_size:
            raise ValueError("need 0 <= min_size <= max_size")
        if not 0 < self.target_utilisation <= 1:
            raise ValueError("target_utilisation must be in (0, 1]")
        if self.default_capacity < 1:
            raise ValueError("default_capacity must be at least 1")


@dataclass(frozen=True)
class Observation:
    now: float
    visible: int
    in_flight: int
    desired: int
    capacity_per_instance: float | None = None
    busy_ratio: float | None = None


@dataclass(frozen=True)
class Memory:
    last_scale_out: float | None = None
    low_since: float | None = None
    idle_since: float | None = None


@dataclass(frozen=True)
class Decision:
    desired: int
    reason: str
    memory: Memory


def needed_instances(observation: Observation, policy: Policy) -> int:
    capacity = observation.capacity_per_instance or policy.default_capacity
    per_instance = max(1.0, capacity * policy.target_utilisation)
    backlog = observation.visible + observation.in_flight
    return min(policy.max_size, max(policy.min_size, math.ceil(backlog / per_instance)))


def decide(observation: Observation, memory: Memory, policy: Policy) -> Decision:
    now, current = observation.now, observation.desired
    needed = needed_instances(observation, policy)
    backlog = observation.visible + observation.in_flight
    busy = observation.in_flight > 0 or (observation.busy_ratio or 0.0) > 0

    if needed > current:
        reason = f"scale out: backlog {backlog} needs {needed}"
        return Decision(needed, reason, Memory(last_scale_out=now))

    if backlog == 0 and not busy:
        idle_since = memory.idle_since if memory.idle_since is not None else now
        settled = replace(memory, idle_since=idle_since, low_since=None)
        if current > policy.min_size and now - idle_since >= policy.idle_to_zero_s:
            return Decision(
                policy.min_size, f"idle for {now - idle_since:.0f}s: to {policy.min_size}", settled
            )
        return Decision(current, "idle, waiting before scaling to the minimum", settled)

    active = replace(memory, idle_since=None)
    if needed >= current:
        return Decision(current, "steady", replace(active, low_since=None))

    low_since = memory.low_since if memory.low_since is not None else now
    waited = now - low_since >= policy.scale_in_delay_s
    cooled = memory.last_scale_out is None or now - memory.last_scale_out >= policy.scale_in_cooldown_s
    if not (waited and cooled):
        waiting = replace(active, low_since=low_since)
        return Decision(current, f"need {needed} < {current}: waiting to scale in", waiting)
    step = max(1, math.floor(current * policy.max_scale_in_fraction))
    desired = max(needed, current - step)
    reason = f"scale in: need {needed}, {current} -> {desired}"
    return Decision(desired, reason, replace(active, low_since=now))
