"""Wires the agent together and runs it until SIGTERM/SIGINT (or ``stop`` is set)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any

from agent.autoscaling import GroupMember
from agent.aws import AwsClients, QuickSightEndpoint, open_clients
from agent.http_server import MetricsServer
from agent.imds import Imds
from agent.lease import FleetSemaphore
from agent.metrics import AgentMetrics
from agent.renderers.base import Renderer, RendererRegistry
from agent.renderers.browser.chromium import find_chromium
from agent.renderers.quicksight.embed import EmbedUrls
from agent.renderers.quicksight.renderer import QuickSightRenderer
from agent.renderers.sql.renderer import SqlRenderer
from agent.secret_passwords import SecretPasswords
from agent.settings import AgentSettings
from agent.worker import Agent

log = logging.getLogger(__name__)


def build_renderers(
    settings: AgentSettings, aws: AwsClients, passwords: SecretPasswords | None = None
) -> RendererRegistry:
    renderers: list[Renderer] = [
        SqlRenderer(
            settings.data_sources,
            settings.sql_concurrency,
            settings.sql_batch_rows,
            settings.sql_fast_batch_rows if settings.sql_fast_path else None,
            passwords,
            settings.sql_copy_client or None,
        )
    ]
    embeds = None
    if aws.quicksight is not None:
        renderers.append(quicksight_renderer(settings, aws))
        embeds = EmbedUrls(
            aws.quicksight,
            str(settings.quicksight_account_id),
            aws.quicksight.meta.region_name,
            settings.quicksight_calls_per_second,
        )
    chromium = find_chromium(settings.browser_executable)
    if chromium is not None:
        from agent.renderers.browser.renderer import BrowserRenderer  # Playwright only where a browser exists
        from agent.renderers.browser.secrets import BrowserSecrets

        renderers.append(
            BrowserRenderer(
                chromium,
                settings.browser_concurrency,
                settings.browser_page_budget_mb,
                settings.browser_recycle_jobs,
                embeds,
                BrowserSecrets(aws.secretsmanager),
            )
        )
    else:
        log.warning("no Chromium found: the browser renderer is off")
    return RendererRegistry(renderers)


def quicksight_renderer(settings: AgentSettings, aws: AwsClients) -> QuickSightRenderer:
    assert settings.quicksight_account_id is not None and settings.lease_table is not None
    slots = FleetSemaphore(
        aws.dynamodb,
        settings.lease_table,
        f"quicksight-snapshot-jobs#{settings.quicksight_account_id}",
        settings.quicksight_max_jobs,
        settings.lease_seconds,
        poll_seconds=settings.quicksight_poll_seconds,
    )
    return QuickSightRenderer(
        aws.quicksight,
        slots,
        settings.quicksight_account_id,
        settings.quicksight_calls_per_second,
        settings.quicksight_poll_seconds,
        settings.quicksight_poll_max_seconds,
        concurrency=settings.quicksight_max_jobs,
    )


async def serve(
    settings: AgentSettings, stop: asyncio.Event | None = None, renderers: RendererRegistry | None = None
) -> None:
    """Run until SIGTERM/SIGINT or ``stop``; ``renderers`` replaces the built-in set (plug-ins).

    Each resource's cleanup is pushed as the resource is made, so a failure while starting one
    tears down exactly what was already up, in reverse order."""
    metrics = AgentMetrics()
    quicksight = (
        QuickSightEndpoint(settings.quicksight_region, settings.quicksight_endpoint_url)
        if settings.quicksight_account_id
        else None
    )
    async with contextlib.AsyncExitStack() as stack:
        aws = await stack.enter_async_context(
            # Secrets Manager for data source passwords and browser credentials alike (a client
            # calls nothing until a secret is read, and IAM grants only the secrets named).
            open_clients(metrics, settings.concurrency + 16, quicksight, secrets=True)
        )
        # One cache of the secrets for renders and loads alike: each secret is read once a refresh.
        passwords = (
            SecretPasswords(aws.secretsmanager, settings.data_source_secrets)
            if settings.data_source_secrets or settings.load_source_secrets
            else None
        )
        renderers = renderers or build_renderers(settings, aws, passwords)
        stack.push_async_callback(renderers.close)
        load_passwords = passwords.with_secrets(settings.load_source_secrets) if passwords else None
        agent = Agent(settings, aws, renderers, metrics, load_passwords)
        server = MetricsServer(agent, settings.metrics_host, settings.metrics_port)
        await server.start()
        stack.push_async_callback(server.stop)
        _stop_on_signals(stack, agent)
        if stop is not None:
            _background(stack, _stop_on(stop, agent), "stop-watcher")
        log.info(
            "agent %s up: capacity %d, metrics on :%d", settings.worker_id, settings.concurrency, server.port
        )
        member = await _join_group(stack, settings, aws, agent)
        await agent.run()
        if member is not None:
            await member.finish()


def _stop_on_signals(stack: contextlib.AsyncExitStack, agent: Agent) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, agent.request_stop)
        stack.callback(loop.remove_signal_handler, sig)


def _background(stack: contextlib.AsyncExitStack, work: Coroutine[Any, Any, None], name: str) -> None:
    task = asyncio.create_task(work, name=name)

    async def cancel() -> None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    stack.push_async_callback(cancel)


async def _join_group(
    stack: contextlib.AsyncExitStack, settings: AgentSettings, aws: AwsClients, agent: Agent
) -> GroupMember | None:
    """On an Auto Scaling instance: protection while busy, and a drain on the lifecycle hook."""
    if not settings.autoscaling_group:
        return None
    imds = Imds(settings.imds_url)
    stack.push_async_callback(imds.close)
    member = GroupMember(settings, aws.autoscaling, agent, imds)
    _background(stack, member.run(), "autoscaling")
    return member


async def _stop_on(stop: asyncio.Event, agent: Agent) -> None:
    await stop.wait()
    agent.request_stop()
