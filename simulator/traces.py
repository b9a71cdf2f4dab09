"""Job arrival traces, seeded: (arrival second, render seconds) pairs, sorted by arrival."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

HOUR = 3600.0
MINUTE = 60.0


@dataclass(frozen=True)
class Trace:
    name: str
    description: str
    duration_s: float
    jobs: list[tuple[float, float]]
    max_size: int | None = None
    """The group's max_size; None sizes it for the trace's peak."""


def render_seconds(rng: random.Random, median: float = 25.0, sigma: float = 0.9, cap: float = 900.0) -> float:
    """Log-normal render times: most take tens of seconds, a few several minutes."""
    return min(cap, rng.lognormvariate(math.log(median), sigma))


def poisson_arrivals(rng: random.Random, start: float, end: float, per_minute: float) -> list[float]:
    arrivals: list[float] = []
    t = start
    if per_minute <= 0:
        return arrivals
    while True:
        t += rng.expovariate(per_minute / MINUTE)
        if t >= end:
            return arrivals
        arrivals.append(t)


def business_day(seed: int = 1) -> Trace:
    """24 h: quiet night, 08:00-18:00 a steady 4 jobs/min, and at every top of the hour the
    scheduled reports: 300 jobs within two minutes."""
    rng = random.Random(seed)
    arrivals = poisson_arrivals(rng, 0, 24 * HOUR, 0.05)
    arrivals += poisson_arrivals(rng, 8 * HOUR, 18 * HOUR, 4.0)
    for hour in range(8, 19):
        arrivals += [hour * HOUR + rng.uniform(0, 2 * MINUTE) for _ in range(300)]
    return Trace(
        "business_day",
        "24 h: night trickle, 08-18 h 4 jobs/min plus 300 jobs at each top of the hour",
        24 * HOUR,
        sorted((t, render_seconds(rng)) for t in arrivals),
    )


def burst_from_zero(seed: int = 2) -> Trace:
    """A fleet at zero, then ten times the business-hours peak at once: 3,000 jobs in 5 minutes."""
    return _burst(
        "burst_from_zero",
        "idle at zero, then 3,000 jobs within 5 minutes (10x the hourly spike)",
        seed,
        jobs=3000,
        within=5 * MINUTE,
        duration=3 * HOUR,
    )


def quiet_night(seed: int = 3) -> Trace:
    """Eight hours with a job every 20 minutes or so: the fleet should mostly sit at zero."""
    rng = random.Random(seed)
    arrivals = poisson_arrivals(rng, 0, 8 * HOUR, 1 / 20)
    return Trace(
        "quiet_night",
        "8 h, a job about every 20 minutes",
        8 * HOUR,
        sorted((t, render_seconds(rng)) for t in arrivals),
    )


def burst_beyond_max_size(seed: int = 4) -> Trace:
    """150 times the hourly spike with the group capped at 25 instances: jobs wait for an hour and
    more, which the job budget (6 h) must absorb without failing or repeating one."""
    return _burst(
        "burst_beyond_max_size",
        "45,000 jobs within 10 minutes, max_size 25 (400 slots): waits past an hour",
        seed,
        jobs=45_000,
        within=10 * MINUTE,
        duration=4 * HOUR,
        max_size=25,
    )


def _burst(
    name: str,
    description: str,
    seed: int,
    jobs: int,
    within: float,
    duration: float,
    max_size: int | None = None,
) -> Trace:
    """Idle for ten minutes, then ``jobs`` arrivals spread evenly over ``within`` seconds."""
    rng = random.Random(seed)
    start = 10 * MINUTE
    arrivals = [start + rng.uniform(0, within) for _ in range(jobs)]
    return Trace(name, description, duration, sorted((t, render_seconds(rng)) for t in arrivals), max_size)


TRACES = (business_day, burst_from_zero, quiet_night, burst_beyond_max_size)
