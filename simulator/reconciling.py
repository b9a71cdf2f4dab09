"""Lost executions, and the reconciler that ends them, in the fleet model's time.

The faults, each on every Nth request: its StartExecution is lost (the item stays PENDING with no
execution and no message), or its execution is stopped ``stop_after_s`` after the request
(ABORTED: the fence drops its message; a render under way is abandoned by the agent at its next
heartbeat, which the model does not free early, so it overstates that slot's cost).

The reconciler runs ``lambdas/reconciler.py``'s bounds: with status-change events delivered, a
stopped execution's item is FAILED at once; its sweep, every ``sweep_s``, starts a PENDING item
older than ``pending_s`` and fails an item older than the job budget whose execution ended (the
event that never came).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lambdas.settings import PENDING_SECONDS, SWEEP_SECONDS

if TYPE_CHECKING:
    from simulator.fleet import Job


@dataclass(frozen=True)
class Faults:
    lost_start_every: int = 0
    """Every Nth request's StartExecution is lost (0: none)."""
    stopped_every: int = 0
    """Every Nth request's execution is stopped (0: none)."""
    stop_after_s: float = 30.0
    status_events: bool = True
    """Whether Step Functions' status-change events reach the reconciler."""


@dataclass(frozen=True)
class ReconcilerModel:
    enabled: bool = True
    sweep_s: float = SWEEP_SECONDS
    pending_s: float = PENDING_SECONDS


@dataclass
class Repairs:
    """The injected items and how long each took to converge."""

    waiting: list[Job] = field(default_factory=list)
    lost_starts: int = 0
    stopped: int = 0
    start_repairs_s: list[float] = field(default_factory=list)
    """A lost start: from the request to the sweep's start."""
    stop_repairs_s: list[float] = field(default_factory=list)
    """A stopped execution: from the stop to the item's FAILED."""
    next_sweep: float = 0.0

    def inject(self, job: Job, index: int, faults: Faults) -> bool:
        """Marks the request's fault; False when its start is lost (nothing is sent)."""
        if faults.lost_start_every and (index + 1) % faults.lost_start_every == 0:
            job.unstarted = True
            self.lost_starts += 1
            self.waiting.append(job)
            return False
        if faults.stopped_every and (index + 1) % faults.stopped_every == 0:
            job.stop_at = job.arrival + faults.stop_after_s
            self.stopped += 1
            self.waiting.append(job)
        return True

    def tick(self, t: float, faults: Faults, reconciler: ReconcilerModel, job_budget_s: float) -> list[Job]:
        """Stops the executions due, delivers their events, sweeps when due; returns the jobs the
        sweep started (their messages are sent now)."""
        started: list[Job] = []
        sweep = reconciler.enabled and t >= self.next_sweep
        if sweep:
            self.next_sweep = t + reconciler.sweep_s
        for job in self.waiting:
            if job.stop_at is not None and not job.aborted and t >= job.stop_at and not job.done:
                job.aborted = True  # ABORTED while the item still says in progress
                if reconciler.enabled and faults.status_events:
                    self._fail(job, t)
            if not sweep or job.done or job.failed:
                continue
            age = t - job.arrival
            if job.unstarted and age >= reconciler.pending_s:
                job.unstarted = False
                self.start_repairs_s.append(age)
                started.append(job)
            elif job.aborted and age >= job_budget_s:
                self._fail(job, t)
        self.waiting = [j for j in self.waiting if not _converged(j)]
        return started

    def _fail(self, job: Job, t: float) -> None:
        job.failed = True
        assert job.stop_at is not None
        self.stop_repairs_s.append(t - job.stop_at)

    def stuck(self) -> int:
        """Items neither READY nor FAILED that nothing will end: started never, or their
        execution ended without marking them."""
        return sum(1 for j in self.waiting if j.unstarted or (j.aborted and not (j.done or j.failed)))

    def pending(self) -> bool:
        return bool(self.waiting)


def _converged(job: Job) -> bool:
    """READY or FAILED, or a started job with no stop to come."""
    return not job.unstarted and (job.done or job.failed or job.stop_at is None)
