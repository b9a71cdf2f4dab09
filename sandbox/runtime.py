"""The whole platform on one machine: moto, resources, the API and its Lambdas, agents, and what
AWS would add: a QuickSight stand-in and a local dashboard page for the browser renderer."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from aiohttp import web

from sandbox.agents import AgentProcess, spawn_agent
from sandbox.api_gateway import make_app, start_api
from sandbox.dashboard_site import start_site
from sandbox.dataset import ensure_dataset
from sandbox.moto_server import MotoSandbox, free_port, start_moto
from sandbox.platform import DEFAULT_CATALOG, ROOT, Platform, PlatformOptions, create_platform
from sandbox.quicksight_double import Dashboard, QuickSightDouble

DATA_DIR = ROOT / "data"
# The stand-in's dashboards the sandbox catalog's QuickSight reports name.
SANDBOX_DASHBOARDS = {"sales-overview": Dashboard(seconds=2.0)}


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


def load_handlers(platform: Platform) -> tuple[ModuleType, ModuleType]:
    """Import the Lambda modules with this platform's environment, as a cold start would."""
    os.environ.update(platform.lambda_env())
    modules = []
    for name in ("lambdas.clients", "lambdas.trigger", "lambdas.status"):
        loaded = sys.modules.get(name)
        modules.append(importlib.reload(loaded) if loaded else importlib.import_module(name))
    return modules[1], modules[2]


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
    quicksight = QuickSightDouble(dashboards=SANDBOX_DASHBOARDS)
    await quicksight.start()
    site_runner, site_url = await start_site(dataset)
    platform = create_platform(name, catalog, options, {"SANDBOX_SITE": site_url})
    trigger, status = load_handlers(platform)
    runner, port = await start_api(make_app(trigger.handler, status.handler), api_port)
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
    )
