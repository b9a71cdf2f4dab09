"""``make bench`` (browser part): pages per minute and memory per page of the browser renderer, on
a local chart page in the system's Chromium. Memory is the proportional set size (PSS: shared pages
split between the processes sharing them, so Chromium's many processes are not counted several
times over) of every Chromium process under this one, sampled while ``concurrency`` pages render:
(peak - idle browser) / pages in flight.

``measure_auth``: what header auth costs. Every request to the dashboard's origin is then fetched
by the renderer (Playwright, in the agent's process) and fulfilled, so a dashboard of many assets
is rendered with an ``X-Api-Key`` header and without, in turns, and the ratio of the two rates is
the figure."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from aiohttp import web

from agent.renderers.browser.chromium import find_chromium
from agent.renderers.browser.renderer import BrowserRenderer
from agent.renderers.browser.secrets import BrowserSecrets
from bench.processes import chromium_pids, pss_mb
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage
from sandbox.loopback import serve_on_loopback

PAGE = """<!doctype html><html><body style="margin:0;font-family:sans-serif">
<h1>Sales by day</h1><svg width="1200" height="500">{bars}</svg>
<script>setTimeout(() => document.body.insertAdjacentHTML('beforeend', '<p id="ready">ok</p>'), 50)</script>
</body></html>"""


class Discard:
    async def write(self, data: bytes | bytearray | memoryview) -> None:
        return None


ASSETS = 24
API_KEY = "bench-key"
DASHBOARD = """<!doctype html><html><body style="margin:0;font-family:sans-serif">
<h1>Operations</h1>{tiles}
<script>Promise.all([...document.images].map(i => i.decode())).then(() =>
  document.body.insertAdjacentHTML('beforeend', '<p id="ready">ok</p>'))</script></body></html>"""


class SecretsInMemory:
    """The one secret the authenticated run reads (the bench runs offline, without moto)."""

    async def get_secret_value(self, SecretId: str) -> dict[str, str]:
        return {"SecretString": f'{{"X-Api-Key": "{API_KEY}"}}'}


def _chromium_pss_mb(root: int) -> float:
    return pss_mb(chromium_pids(root))


async def measure(pages: int = 120, concurrency: int = 4) -> dict[str, Any]:
    chromium = find_chromium(None)
    if chromium is None:
        return {"skipped": "no Chromium on this machine"}
    bars = "".join(
        f'<rect x="{i * 12}" y="{500 - (i * 37) % 480}" width="10" height="{(i * 37) % 480}"/>'
        for i in range(100)
    )

    async def chart(_: web.Request) -> web.Response:
        return web.Response(text=PAGE.format(bars=bars), content_type="text/html")

    app = web.Application()
    app.router.add_get("/chart", chart)
    runner, port = await serve_on_loopback(app)
    renderer = BrowserRenderer(chromium, concurrency=concurrency, page_budget_mb=150, recycle_after=10_000)
    report = _report({"url": f"http://127.0.0.1:{port}/chart", "wait_for": "selector:#ready"})
    job = _job()
    slots = asyncio.Semaphore(concurrency)
    peak = 0.0

    async def one() -> None:
        async with slots:
            await renderer.render(job, report, Discard())

    try:
        await one()  # warm: the browser is up
        idle = _chromium_pss_mb(os.getpid())

        async def sample() -> None:
            nonlocal peak
            while True:
                peak = max(peak, _chromium_pss_mb(os.getpid()))
                await asyncio.sleep(0.2)

        sampler = asyncio.create_task(sample())
        started = time.monotonic()
        await asyncio.gather(*(one() for _ in range(pages)))
        wall = time.monotonic() - started
        sampler.cancel()
    finally:
        await renderer.close()
        await runner.cleanup()
    return {
        "browser_pages_per_min": round(pages / wall * 60, 1),
        "browser_rss_mb_per_page": round(max(0.0, peak - idle) / concurrency, 1),
        "browser_idle_pss_mb": round(idle, 1),
        "browser_peak_pss_mb": round(peak, 1),
        "browser_pages": pages,
        "browser_concurrency": concurrency,
    }


async def measure_auth(pages: int = 60, concurrency: int = 4, rounds: int = 3) -> dict[str, Any]:
    chromium = find_chromium(None)
    if chromium is None:
        return {"skipped": "no Chromium on this machine"}
    refused = 0
    tile = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60" height="40"/></svg>'
    )

    async def dashboard(request: web.Request) -> web.Response:
        tiles = "".join(f'<img src="tile/{i}.svg" width="60" height="40">' for i in range(ASSETS))
        return web.Response(text=DASHBOARD.format(tiles=tiles), content_type="text/html")

    async def asset(request: web.Request) -> web.Response:
        nonlocal refused
        if request.match_info["door"] == "locked" and request.headers.get("X-Api-Key") != API_KEY:
            refused += 1
            return web.Response(status=401)
        return web.Response(text=tile, content_type="image/svg+xml")

    app = web.Application()
    app.router.add_get("/{door}/dashboard", dashboard)
    app.router.add_get("/{door}/tile/{n}.svg", asset)
    runner, port = await serve_on_loopback(app)
    secrets = BrowserSecrets(SecretsInMemory())
    renderer = BrowserRenderer(chromium, concurrency, 150, recycle_after=10_000, secrets=secrets)
    base = {"wait_for": "selector:#ready", "timeout_seconds": 30}
    anonymous = _report({"url": f"http://127.0.0.1:{port}/open/dashboard", **base})
    keyed = {"type": "headers", "secret": "bench/dashboard-key"}
    authenticated = _report({"url": f"http://127.0.0.1:{port}/locked/dashboard", "auth": keyed, **base})
    job = _job()
    slots = asyncio.Semaphore(concurrency)

    async def rate(report: ReportSpec) -> float:
        async def one() -> None:
            async with slots:
                await renderer.render(job, report, Discard())

        started = time.monotonic()
        await asyncio.gather(*(one() for _ in range(pages)))
        return pages / (time.monotonic() - started) * 60

    best = {"anonymous": 0.0, "authenticated": 0.0}
    try:
        await rate(anonymous)  # warm: the browser is up, the secret read
        await rate(authenticated)
        for _ in range(rounds):
            best["anonymous"] = max(best["anonymous"], await rate(anonymous))
            best["authenticated"] = max(best["authenticated"], await rate(authenticated))
    finally:
        await renderer.close()
        await runner.cleanup()
    if refused:
        raise RuntimeError(f"{refused} asset requests went without the header")
    return {
        "browser_auth_ratio": round(best["authenticated"] / best["anonymous"], 3),
        "browser_auth_pages_per_min": round(best["authenticated"], 1),
        "browser_anonymous_pages_per_min": round(best["anonymous"], 1),
        "browser_auth_assets_per_page": ASSETS + 1,
    }


def _report(source: dict[str, Any]) -> ReportSpec:
    return ReportSpec.model_validate(
        {
            "name": "bench",
            "renderer": "browser",
            "formats": ["png"],
            "source": source,
            "access": {"callers": ["*"]},
        }
    )


def _job() -> JobMessage:
    key = "0" * 32
    return JobMessage.model_validate(
        {
            "v": 1,
            "snapshot_id": f"{key}-g1",
            "key": key,
            "generation": 1,
            "report": "bench",
            "format": "png",
            "params": {},
            "data_version": None,
            "bucket": "b",
            "s3_key": f"snapshots/bench/{key}/g1.png",
            "task_token": "t",
        }
    )
