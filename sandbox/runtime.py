"""The whole platform on one machine: moto, resources, the API and its Lambdas, agents, and what
AWS would add: a QuickSight stand-in and a local dashboard page for the browser renderer."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from aiohttp import web

from lambdas.settings import SWEEP_EVENT, SWEEP_SECONDS
from sandbox.agents import AgentProcess, spawn_agent
from sandbox.api_gateway import make_app
from sandbox.dashboard_site import start_site, store_token
from sandbox.dataset import ensure_dataset
from sandbox.event_shim import Route, event_shim
from sandbox.execution_events import execution_events
from sandbox.loopback import serve_on_loopback
from sandbox.moto_server import MotoSandbox, free_port, start_moto
from sandbox.people import Person, create_people
from sandbox.platform import DEFAULT_CATALOG, ROOT, Platform, PlatformOptions, create_platform
from sandbox.quicksight_double import Dashboard, QuickSightDouble
from sandbox.schedule import every

if TYPE_CHECKING:  # imported when the functions are made, after logging is set
    from lambdas.landed import Landed
    from lambdas.reconciler import Reconciler
    from lambdas.status import Status
    from lambdas.trigger import Trigger

DATA_DIR = ROOT / "data"
# The stand-in's dashboards the sandbox catalog's QuickSight reports name.
SANDBOX_DASHBOARDS = {"sales-overview": Dashboard(seconds=2.0)}


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


class Functions(NamedTuple):
    trigger: Trigger
    status: Status
    landed: Landed
    reconciler: Reconciler

    def event_routes(self, platform: Platform) -> tuple[Route, ...]:
        """The sandbox's function-bound rules: their queues, and whom each one invokes."""
        return (
            Route(platform.data.landed_queue_url, "landed", self.landed.handle),
            Route(platform.data.requests_queue_url, "trigger", self.trigger.handle),
            Route(platform.execution_status_queue_url, "reconciler", self.reconciler.handle),
        )

    @contextlib.asynccontextmanager
    async def events(self, platform: Platform) -> AsyncIterator[None]:
        """What AWS does around the functions while the block runs: rules deliver to them (the
        shim), Step Functions announces ended executions, and the reconciler's schedule sweeps."""
        async with (
            event_shim(*self.event_routes(platform)),
            execution_events(platform.state_machine_arn, platform.data.load_state_machine_arn),
            every(SWEEP_SECONDS, "reconciler", self.reconciler.handle, SWEEP_EVENT),
        ):
            yield


def make_functions(platform: Platform) -> Functions:
    """The trigger and status functions made from this platform's settings, as a cold start would
    make them; Powertools' logging is quieted first (its loggers read the level once) and its
    metrics are off (no CloudWatch to read the EMF lines)."""
    environment = platform.lambda_env()
    for name in ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_DISABLED"):
        os.environ.setdefault(name, environment[name])
    from lambdas.landed import Landed
    from lambdas.reconciler import Reconciler
    from lambdas.status import Status
    from lambdas.trigger import Trigger

    return Functions(
        Trigger(platform.trigger_settings()),
        Status(platform.status_settings()),
        Landed(platform.landed_settings()),
        Reconciler(platform.reconciler_settings()),
    )


@dataclass
class Sandbox:
    moto: MotoSandbox
    platform: Platform
    api_runner: web.AppRunner
    api_port: int
    data_sources: dict[str, str]
    log_dir: Path
    quicksight: QuickSightDouble
    site_runner: web.AppRunner
    site_url: str
    people: dict[str, Person]
    events: contextlib.AsyncExitStack
    agents: list[AgentProcess] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def add_agent(self, name: str, **settings: object) -> AgentProcess:
        quicksight = {
            "quicksight_account_id": self.quicksight.account_id,
            "quicksight_endpoint_url": self.quicksight.url,
            "quicksight_poll_seconds": 0.5,
        }
        env = self.platform.agent_env(self.data_sources, **{**quicksight, **settings})
        agent = spawn_agent(name, env, free_port(), self.log_dir)
        self.agents.append(agent)
        return agent

    async def close(self) -> None:
        for agent in self.agents:
            if agent.process.poll() is None:
                agent.terminate()
        await self.events.aclose()
        await self.api_runner.cleanup()
        await self.site_runner.cleanup()
        await self.quicksight.stop()
        self.moto.stop()


async def start_sandbox(
    name: str = "sandbox",
    catalog: Path = DEFAULT_CATALOG,
    options: PlatformOptions | None = None,
    dataset: Path = DATA_DIR / "demo.db",
    log_dir: Path = ROOT / "out" / "logs",
    api_port: int = 0,
    moto_port: int | None = None,
) -> Sandbox:
    moto = start_moto(moto_port)
    ensure_dataset(dataset)
    quicksight = QuickSightDouble(dashboards=SANDBOX_DASHBOARDS, database=dataset)
    await quicksight.start()
    site_token = secrets.token_urlsafe(24)
    site_runner, site_url = await start_site(dataset, site_token)
    platform = create_platform(name, catalog, options, {"SANDBOX_SITE": site_url})
    store_token(catalog, site_token)
    functions = make_functions(platform)
    runner, port = await serve_on_loopback(
        make_app(functions.trigger.handle, functions.status.handle), api_port
    )
    events = contextlib.AsyncExitStack()
    await events.enter_async_context(functions.events(platform))
    return Sandbox(
        moto,
        platform,
        runner,
        port,
        {"demo": sqlite_url(dataset)},
        log_dir,
        quicksight,
        site_runner,
        site_url,
        create_people(platform),
        events,
    )
