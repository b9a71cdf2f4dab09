"""Bench-only renderers, plugged into the real agent through ``serve(renderers=...)``."""

from __future__ import annotations

import asyncio

from agent.renderers.base import Sink
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage


class NoopRenderer:
    """Writes three bytes: the job costs exactly the agent's own work and one S3 put."""

    name = "noop"
    formats = frozenset({"csv"})
    max_concurrency = 100_000

    async def render(self, job: JobMessage, report: ReportSpec, sink: Sink) -> None:
        await sink.write(b"ok\n")

    async def close(self) -> None:
        return None


class SleepRenderer(NoopRenderer):
    """Simulated I/O: waits ``params.seconds`` then writes three bytes."""

    name = "sleep"

    async def render(self, job: JobMessage, report: ReportSpec, sink: Sink) -> None:
        await asyncio.sleep(float(job.params["seconds"]))
        await sink.write(b"ok\n")
