"""Agents in the test's own process and loop, configured for a test platform."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from agent.app import serve
from agent.renderers.base import RendererRegistry
from agent.settings import AgentSettings
from sandbox.agents import AgentProcess
from sandbox.platform import Platform
from sandbox.runtime import sqlite_url

# The agent_processes fixture: spawn(name, env) starts ``python -m agent`` as its own process.
SpawnAgent = Callable[[str, dict[str, str]], AgentProcess]


def agent_settings(platform: Platform, dataset: Path, **overrides: Any) -> AgentSettings:
    values: dict[str, Any] = {
        "queue_url": platform.queue_url,
        "bucket": platform.bucket,
        "table": platform.table,
        "lease_table": platform.lease_table,
        "catalog_uri": platform.catalog_uri,
        "datasets_uri": platform.data.datasets_uri,
        "loads_ledger_table": platform.data.ledger_table,
        "data_sources": {"demo": sqlite_url(dataset)},
        "metrics_port": 0,
        "metrics_host": "127.0.0.1",
        "poll_wait_seconds": 1,
        "visibility_timeout_seconds": platform.options.visibility_timeout_seconds,
        "heartbeat_seconds": max(1, platform.options.visibility_timeout_seconds // 4),
        "catalog_ttl_seconds": 0,
        "worker_id": f"agent-{uuid.uuid4().hex[:6]}",
    }
    values.update(overrides)
    return AgentSettings(**values)


@contextlib.asynccontextmanager
async def running_agent(
    settings: AgentSettings, renderers: RendererRegistry | None = None
) -> AsyncIterator[asyncio.Task[None]]:
    """An agent in this process and loop, stopped (drained) on exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, renderers))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=settings.drain_seconds + 30)
