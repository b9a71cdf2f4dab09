"""Shared fixtures: one moto server per session, a fresh platform per test, agents on demand."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sandbox.agents import AgentProcess, spawn_agent
from sandbox.api_gateway import make_app
from sandbox.client import SnapshotClient
from sandbox.data_platform import remove_event_streams
from sandbox.dataset import ensure_dataset
from sandbox.lambda_runtime import LambdaContext
from sandbox.loopback import serve_on_loopback
from sandbox.moto_server import MotoSandbox, free_port, start_moto
from sandbox.platform import Platform, PlatformOptions, create_platform
from sandbox.runtime import Functions, make_functions
from tests.support.agents import SpawnAgent

pytest_plugins = ["tests.support.suite_timing", "tests.support.markers"]

TESTS = Path(__file__).resolve().parent
TEST_CATALOG = TESTS / "fixtures" / "catalog.toml"


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
def make_platform(moto_server: MotoSandbox) -> Iterator[Any]:
    """Platforms on the session's moto. Their Firehose streams go when the test ends: AWS (and
    moto) allow 50 per region, fewer than the tests make."""
    made: list[Platform] = []

    def make(options: PlatformOptions | None = None, catalog: Path = TEST_CATALOG) -> Platform:
        made.append(create_platform(f"t{uuid.uuid4().hex[:10]}", catalog, options))
        return made[-1]

    yield make
    for platform in made:
        remove_event_streams(platform.data)


@pytest.fixture
def platform(make_platform: Any, request: pytest.FixtureRequest) -> Platform:
    """A fresh platform; ``@pytest.mark.parametrize("platform", [PlatformOptions(...)], indirect=True)``
    gives it other options."""
    platform: Platform = make_platform(getattr(request, "param", None))
    return platform


@pytest.fixture
def functions(platform: Platform) -> Functions:
    """The trigger and status functions, made from this platform's settings."""
    return make_functions(platform)


@pytest.fixture
def lambda_context() -> LambdaContext:
    """A Lambda context as the runtime passes it (Powertools' testing pattern)."""
    return LambdaContext("test")


@pytest.fixture
async def api(functions: Functions) -> AsyncIterator[SnapshotClient]:
    runner, port = await serve_on_loopback(make_app(functions.trigger.handle, functions.status.handle))
    async with aiohttp.ClientSession() as http:
        yield SnapshotClient(f"http://127.0.0.1:{port}", http)
    await runner.cleanup()


@pytest.fixture
def agent_processes(tmp_path: Path) -> Iterator[SpawnAgent]:
    """Agents as separate processes (``python -m agent``), logging under the test's tmp_path; any
    still running when the test ends, passed or failed, is killed."""
    started: list[AgentProcess] = []

    def spawn(name: str, env: dict[str, str]) -> AgentProcess:
        started.append(spawn_agent(name, env, free_port(), tmp_path))
        return started[-1]

    yield spawn
    for agent in started:
        if agent.process.poll() is None:
            agent.kill()
