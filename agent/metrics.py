"""The agent's Prometheus metrics (prefix ``snapshot_agent_``), one registry per agent."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

# Scrapers here only rate() counters; the *_created series would double the payload.
disable_created_metrics()  # type: ignore[no-untyped-call]

RENDER_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600)


class AgentMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        prefix = "snapshot_agent_"
        r = self.registry
        self.jobs_in_flight = Gauge(f"{prefix}jobs_in_flight", "Jobs being worked on", registry=r)
        self.capacity = Gauge(f"{prefix}capacity", "Jobs this agent takes at once", registry=r)
        self.busy_ratio = Gauge(
            f"{prefix}busy_ratio", "jobs_in_flight / capacity: the autoscaling signal", registry=r
        )
        self.draining = Gauge(f"{prefix}draining", "1 while draining after SIGTERM", registry=r)
        self.dead_letters = Counter(
            f"{prefix}dead_letters",
            "Messages found in the dead-letter queue: task failed, task already ended, or kept (no token)",
            ["outcome"],
            registry=r,
        )
        self.received_again = Counter(
            f"{prefix}received_again",
            "Messages received again while this agent still worked on them (their visibility ran"
            " out before an extension): kept as the one job, with the newest receipt handle",
            registry=r,
        )
        self.jobs = Counter(
            f"{prefix}jobs",
            "Jobs by kind (render, load), renderer (a load's: its file's format) and outcome",
            ["kind", "renderer", "outcome"],
            registry=r,
        )
        self.render_seconds = Histogram(
            f"{prefix}render_seconds",
            "Render time",
            ["renderer", "format"],
            buckets=RENDER_BUCKETS,
            registry=r,
        )
        self.queue_lag_seconds = Histogram(
            f"{prefix}queue_lag_seconds", "SentTimestamp to receipt", buckets=LAG_BUCKETS, registry=r
        )
        self.rows = Counter(
            f"{prefix}rows", "Rows in the tabular artifacts delivered", ["renderer", "format"], registry=r
        )
        self.load_rows = Counter(
            f"{prefix}load_rows",
            "Rows of landed files by dataset: loaded or rejected",
            ["dataset", "outcome"],
            registry=r,
        )
        self.jobs_waiting = Gauge(
            f"{prefix}jobs_waiting",
            "Jobs holding a slot while they wait for their renderer: its own limit, or a fleet-wide"
            " slot (QuickSight's account limit)",
            ["renderer"],
            registry=r,
        )
        self.admission_wait_seconds = Histogram(
            f"{prefix}admission_wait_seconds",
            "Time from taking a slot to the renderer admitting the job",
            ["renderer"],
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self._waiting: dict[str, tuple[Gauge, Histogram]] = {}
        self.aws_calls = Counter(
            f"{prefix}aws_calls", "AWS API calls", ["service", "operation", "outcome"], registry=r
        )

    @contextlib.contextmanager
    def waiting(self, renderer: str) -> Iterator[None]:
        """Counts a job as waiting for its renderer while the body runs (every job passes here)."""
        children = self._waiting.get(renderer)
        if children is None:
            children = self._waiting[renderer] = (
                self.jobs_waiting.labels(renderer),
                self.admission_wait_seconds.labels(renderer),
            )
        gauge, histogram = children
        gauge.inc()
        started = time.monotonic()
        try:
            yield
        finally:
            gauge.dec()
            histogram.observe(time.monotonic() - started)

    def set_load(self, in_flight: int, capacity: int) -> None:
        self.jobs_in_flight.set(in_flight)
        self.capacity.set(capacity)
        self.busy_ratio.set(in_flight / capacity if capacity else 0.0)
