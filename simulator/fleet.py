"""A discrete-time model of the worker fleet under the real scaling decision.

Every ``tick_s``: arrivals join the queue, finished renders free their slots, booted instances
start polling, free slots take jobs in arrival order, and every ``scaler_period_s`` the scaler
runs ``scaling.policy.decide`` on what it could observe and the group reconciles towards the
desired capacity. On scale-in the group removes pending instances first, then only instances
whose agent has released scale-in protection (idle for ``protection_debounce_s``); an
instance removed with a job on it counts as an interrupted job, and its message comes back
after the agent's visibility timeout for another instance to render, one receive more: a
message received more than the agent's ``max_receives`` times fails as poison (``poisoned_jobs``)
instead of being rendered.

The state machine's clocks are modelled with Terraform's values: the job budget (Render's
TimeoutSeconds) runs from the moment a job's message is sent; a job still waiting when it runs
out fails (``expired_jobs``), and the agent that later takes its message drops it unrendered. With
``heartbeat_s`` set, the model runs the old design for comparison: a Render HeartbeatSeconds that
also starts at the send, so a job waiting longer times out, is retried as a second message, and
both messages get rendered (``duplicate_renders``) until the retries run out (``failed_jobs``).

``faults`` injects lost starts and stopped executions, and ``reconciler`` ends them
(``simulator/reconciling.py``); past the trace the model runs on until every injected item has
converged, or the job budget and a sweep have passed.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from scaling.policy import Memory, Observation, Policy, decide
from simulator.costs import EC2_HOUR_USD, AgentPace, cost_per_thousand, snapshot_success_path
from simulator.reconciling import Faults, ReconcilerModel, Repairs
from simulator.traces import Trace


@dataclass(frozen=True)
class FleetModel:
    concurrency: int = 16
    boot_s: float = 150.0
    scaler_period_s: float = 60.0
    protection_debounce_s: float = 60.0
    scale_in_protection: bool = True
    instance_type: str = "m7i.large"
    tick_s: float = 5.0
    job_budget_s: float = 21_600.0
    """Terraform's job_timeout_seconds: Render's TimeoutSeconds, from the send."""
    visibility_s: float = 120.0
    """The agent's visibility: an interrupted job's message comes back after it."""
    heartbeat_s: float | None = None
    """The old design's Render HeartbeatSeconds (None: there is none)."""
    retry_max_attempts: int = 3
    retry_interval_s: float = 30.0
    max_receives: int = 4
    """The agent's SNAPSHOT_MAX_RECEIVES: a message received more often fails as Render.Poison."""
    faults: Faults = field(default_factory=Faults)
    reconciler: ReconcilerModel = field(default_factory=ReconcilerModel)

    @property
    def price_per_hour(self) -> float:
        return EC2_HOUR_USD[self.instance_type]


@dataclass
class Job:
    arrival: float
    duration: float
    attempt: int = 0
    """The message that is the task's current one; older ones are stale."""
    done: bool = False
    failed: bool = False
    expired: bool = False
    renders: int = 0
    unstarted: bool = False
    """Its StartExecution was lost: PENDING, nothing sent."""
    stop_at: float | None = None
    aborted: bool = False
    """Its execution ended without marking the item."""


@dataclass(frozen=True)
class Message:
    job: Job
    attempt: int
    sent_at: float
    receives: int = 1
    """SQS's receive count when the message is next picked up."""


@dataclass
class Instance:
    launched_at: float
    ready_at: float
    running: list[tuple[float, int, Message]] = field(default_factory=list)
    """(end, sequence, message) heap of the renders on this instance."""
    last_busy_at: float = 0.0
    stopped_at: float | None = None

    def ready(self, now: float) -> bool:
        return self.stopped_at is None and now >= self.ready_at

    def protected(self, now: float, debounce: float) -> bool:
        return bool(self.running) or now - self.last_busy_at < debounce


@dataclass
class Result:
    waits: list[float] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)
    interrupted: int = 0
    expired: int = 0
    duplicate_renders: int = 0
    failed: int = 0
    poisoned: int = 0
    timeline: list[dict[str, float]] = field(default_factory=list)
    cold_starts: list[float] = field(default_factory=list)
    last_finish: float = 0.0
    zero_at: float | None = None
    repairs: Repairs = field(default_factory=Repairs)


def peak_static_size(trace: Trace, model: FleetModel) -> int:
    """Instances a fixed fleet needs so that no job ever waits: peak concurrent renders / slots."""
    events = sorted([(t, 1) for t, _ in trace.jobs] + [(t + d, -1) for t, d in trace.jobs])
    running = peak = 0
    for _, change in events:
        running += change
        peak = max(peak, running)
    return max(1, math.ceil(peak / model.concurrency))


def simulate(trace: Trace, model: FleetModel, policy: Policy) -> Result:
    result = Result()
    pending_jobs = deque(Job(arrival, duration) for arrival, duration in trace.jobs)
    sends = {id(job): result.repairs.inject(job, i, model.faults) for i, job in enumerate(pending_jobs)}
    queue: deque[Message] = deque()
    # Messages invisible until a time (retries, interruptions): (visible at, sequence, message).
    returning: list[tuple[float, int, Message]] = []
    memory, desired, next_scale = Memory(), 0, 0.0
    cold_since: float | None = None
    window_wait = 0.0
    sequence = 0
    t = 0.0
    horizon = trace.duration_s
    repairs_end = horizon + model.job_budget_s + model.reconciler.sweep_s + model.tick_s
    # Past the trace's end, run on (up to an hour) until the fleet is back at zero, and while an
    # injected item waits for the reconciler.
    while (
        t <= horizon
        or (t <= horizon + 3600 and any(i.stopped_at is None for i in result.instances))
        or (model.reconciler.enabled and result.repairs.pending() and t <= repairs_end)
    ):
        arrived = []
        while pending_jobs and pending_jobs[0].arrival <= t:
            job = pending_jobs.popleft()
            if sends[id(job)]:
                arrived.append(Message(job, 0, job.arrival))
        arrived += [
            Message(job, 0, t)
            for job in result.repairs.tick(t, model.faults, model.reconciler, model.job_budget_s)
        ]
        for message in arrived:
            queue.append(message)
            if cold_since is None and not any(i.stopped_at is None for i in result.instances):
                cold_since = message.sent_at
        while returning and returning[0][0] <= t:
            queue.append(heapq.heappop(returning)[2])
        for retry in _run_the_clocks(queue, result, model, t):
            sequence += 1
            heapq.heappush(returning, (retry.sent_at, sequence, retry))
        for instance in result.instances:
            while instance.running and instance.running[0][0] <= t:
                end, _, message = heapq.heappop(instance.running)
                instance.last_busy_at = end
                result.last_finish = max(result.last_finish, end)
                _rendered(message, result)
        for instance in result.instances:
            while instance.ready(t) and queue and len(instance.running) < model.concurrency:
                message = queue.popleft()
                if not _renderable(message):
                    continue  # the fence drops it: its job is done or its task no longer waits
                if message.receives > model.max_receives:
                    _poisoned(message, result)  # its workers kept dying: failed, not rendered
                    continue
                result.waits.append(t - message.job.arrival)
                window_wait = max(window_wait, t - message.job.arrival)
                sequence += 1
                heapq.heappush(instance.running, (t + message.job.duration, sequence, message))
                instance.last_busy_at = t
                if cold_since is not None:
                    result.cold_starts.append(t - cold_since)
                    cold_since = None
        alive = [i for i in result.instances if i.stopped_at is None]
        if t >= next_scale:
            ready = [i for i in alive if i.ready(t)]
            in_flight = sum(len(i.running) for i in ready)
            busy = in_flight / (len(ready) * model.concurrency) if ready else None
            observation = Observation(t, len(queue), in_flight, desired, model.concurrency, busy)
            decision = decide(observation, memory, policy)
            desired, memory = decision.desired, decision.memory
            next_scale = t + model.scaler_period_s
            result.timeline.append(
                {
                    "t": t,
                    "backlog": len(queue) + in_flight,
                    "instances": len(alive),
                    "desired": desired,
                    "max_wait_s": window_wait,
                }
            )
            window_wait = 0.0
        for lost in _reconcile(result, alive, desired, t, model):
            sequence += 1
            comes_back = replace(lost, receives=lost.receives + 1)
            heapq.heappush(returning, (t + model.visibility_s, sequence, comes_back))
        everything_done = not pending_jobs and not queue and not returning and t > result.last_finish > 0
        if (
            everything_done
            and result.zero_at is None
            and all(i.stopped_at is not None for i in result.instances)
        ):
            result.zero_at = t
        t += model.tick_s
    for instance in result.instances:
        if instance.stopped_at is None:
            instance.stopped_at = t
    return result


def _run_the_clocks(queue: deque[Message], result: Result, model: FleetModel, t: float) -> list[Message]:
    """The state machine's clocks on the current message of every job still waiting in the queue;
    returns the retries the old design's heartbeat clock sends."""
    retries = []
    for message in queue:
        job = message.job
        if job.done or job.failed or job.aborted or message.attempt != job.attempt:
            continue
        waited = t - message.sent_at
        if waited > model.job_budget_s:
            job.failed = job.expired = True
            result.expired += 1
            result.failed += 1
        elif model.heartbeat_s is not None and waited > model.heartbeat_s:
            # The old design: the heartbeat clock ran out on a job nobody had picked up.
            if job.attempt >= model.retry_max_attempts:
                job.failed = True
                result.failed += 1
                continue
            job.attempt += 1
            retries.append(Message(job, job.attempt, t + model.retry_interval_s * 2 ** (job.attempt - 1)))
    return retries


def _renderable(message: Message) -> bool:
    """The fence: a job READY or FAILED, or whose task no longer waits, is not rendered. A stale
    message of a job still under way (the old design's retries) passes it, and is rendered twice."""
    return not (message.job.done or message.job.failed or message.job.aborted)


def _poisoned(message: Message, result: Result) -> None:
    message.job.failed = True
    result.poisoned += 1
    result.failed += 1


def _rendered(message: Message, result: Result) -> None:
    job = message.job
    job.renders += 1
    if job.renders > 1:
        result.duplicate_renders += 1
    if not (job.failed or job.aborted):  # an aborted task's render is abandoned, never reported
        job.done = True


def _reconcile(
    result: Result, alive: list[Instance], desired: int, t: float, model: FleetModel
) -> list[Message]:
    """Launch or remove instances; returns the messages of the renders a removal interrupted."""
    if len(alive) < desired:
        for _ in range(desired - len(alive)):
            result.instances.append(Instance(launched_at=t, ready_at=t + model.boot_s, last_busy_at=t))
        return []
    lost: list[Message] = []
    excess = len(alive) - desired
    for instance in sorted(alive, key=lambda i: (i.ready(t), i.launched_at), reverse=False):
        if excess <= 0:
            break
        protected = model.scale_in_protection and instance.protected(t, model.protection_debounce_s)
        if not instance.ready(t) or not protected:
            result.interrupted += len(instance.running)
            lost += [message for _, _, message in instance.running]
            instance.running = []
            instance.stopped_at = t
            excess -= 1
    return lost


def summarise(trace: Trace, result: Result, model: FleetModel, static_size: int) -> dict[str, Any]:
    waits = sorted(result.waits)

    def pct(p: float) -> float:
        return round(waits[min(len(waits) - 1, math.ceil(p * len(waits)) - 1)], 1) if waits else 0.0

    lives = [(i.stopped_at or 0) - i.launched_at for i in result.instances]
    hours = sum(lives) / 3600
    static_cost = static_size * trace.duration_s / 3600 * model.price_per_hour
    cost = hours * model.price_per_hour
    renders = [duration for _, duration in trace.jobs]
    path, agent = snapshot_success_path(), AgentPace.defaults()
    per_thousand = cost_per_thousand(renders, lives, model.price_per_hour, path, agent)
    folded = cost_per_thousand(renders, lives, model.price_per_hour, path.marks_folded(), agent)
    static_lives = [trace.duration_s] * static_size
    return {
        "description": trace.description,
        "jobs": len(trace.jobs),
        "p50_wait_s": pct(0.50),
        "p95_wait_s": pct(0.95),
        "max_wait_s": round(waits[-1], 1) if waits else 0.0,
        "instance_hours": round(hours, 2),
        "cost_usd": round(cost, 2),
        "static_instances": static_size,
        "static_cost_usd": round(static_cost, 2),
        "cost_ratio": round(cost / static_cost, 3),
        "usd_per_1000": per_thousand,
        "static_usd_per_1000": cost_per_thousand(renders, static_lives, model.price_per_hour, path, agent),
        "step_functions_share": round(per_thousand["step_functions"] / per_thousand["total"], 3),
        "usd_per_1000_marks_folded": folded["total"],
        "interrupted_jobs": result.interrupted,
        "expired_jobs": result.expired,
        "duplicate_renders": result.duplicate_renders,
        "failed_jobs": result.failed,
        "poisoned_jobs": result.poisoned,
        "scale_out_from_zero_s": round(max(result.cold_starts), 1) if result.cold_starts else None,
        "back_to_zero_s": round(result.zero_at - result.last_finish, 1)
        if result.zero_at is not None
        else None,
        "peak_instances": max((p["instances"] for p in result.timeline), default=0),
        **repairs(result.repairs),
    }


def repairs(found: Repairs) -> dict[str, Any]:
    return {
        "lost_starts": found.lost_starts,
        "stopped_executions": found.stopped,
        "stuck_items": found.stuck(),
        "max_start_repair_s": round(max(found.start_repairs_s), 1) if found.start_repairs_s else None,
        "max_stop_repair_s": round(max(found.stop_repairs_s), 1) if found.stop_repairs_s else None,
    }
