"""``/metrics`` (Prometheus text), ``/healthz`` (the loop answers) and ``/readyz`` (polling)."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from agent.worker import Agent


class MetricsServer:
    def __init__(self, agent: Agent, host: str, port: int) -> None:
        self._agent = agent
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.port = port

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        if self._runner.addresses:
            self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _metrics(self, _: web.Request) -> web.Response:
        body = generate_latest(self._agent.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, _: web.Request) -> web.Response:
        healthy = self._agent.polling or self._agent.draining or not self._agent.ready
        return web.json_response({"ok": healthy}, status=200 if healthy else 503)

    async def _readyz(self, _: web.Request) -> web.Response:
        ready = self._agent.ready and not self._agent.draining
        body = {"ready": ready, "draining": self._agent.draining, "in_flight": len(self._agent.jobs)}
        return web.json_response(body, status=200 if ready else 503)
