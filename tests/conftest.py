"""Shared fixtures: one moto server per session, a fresh platform per test, agents on demand."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest

from agent.app import serve
from agent.renderers.base import RendererRegistry
from agent.settings import AgentSettings
from sandbox.dataset import ensure_dataset
from sandbox.moto_server import MotoSandbox, start_moto
from sandbox.platform import Platform, PlatformOptions, create_platform
from sandbox.runtime import load_handlers, sqlite_url

TESTS = Path(__file__).resolve().parent
TEST_CATALOG = TESTS / "fixtures" / "catalog.toml"
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoSandbox]:
    sandbox = start_moto()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small copy of the sandbox dataset: same schema and generator, 20,000 rows."""
    return ensure_dataset(tmp_path_factory.mktemp("data") / "demo.db", rows=20_000)


@pytest.fixture
def make_platform(moto_server: MotoSandbox) -> Any:
    def make(options: PlatformOptions | None = None, catalog: Path = TEST_CATALOG) -> Platform:
        return create_platform(f"t{uuid.uuid4().hex[:10]}", catalog, options)

    return make


@pytest.fixture
def platform(make_platform: Any, request: pytest.FixtureRequest) -> Platform:
    """A fresh platform; ``@pytest.mark.parametrize("platform", [PlatformOptions(...)], indirect=True)``
    gives it other options."""
    platform: Platform = make_platform(getattr(request, "param", None))
    return platform


@pytest.fixture
def handlers(platform: Platform) -> tuple[ModuleType, ModuleType]:
    return load_handlers(platform)


def agent_settings(platform: Platform, dataset: Path, **overrides: Any) -> AgentSettings:
    values: dict[str, Any] = {
        "queue_url": platform.queue_url,
        "bucket": platform.bucket,
        "table": platform.table,
        "lease_table": platform.lease_table,
        "catalog_uri": platform.catalog_uri,
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


def require_service(name: str, reason: str) -> None:
    """Outside CI a missing local server skips; in CI it is a failure."""
    if IN_CI:
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"{name} not available: {reason}")


def s3_keys(platform: Platform, prefix: str = "snapshots/") -> list[str]:
    listed = boto3.client("s3").list_object_versions(Bucket=platform.bucket, Prefix=prefix)
    return [v["Key"] for v in listed.get("Versions", [])]
