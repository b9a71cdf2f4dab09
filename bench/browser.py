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
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from playwright.async_api import Browser, Playwright, async_playwright

from agent.renderers.browser.chromium import find_chromium
from agent.renderers.browser.pool import LAUNCH_ARGS
from agent.renderers.browser.renderer import BrowserRenderer
from agent.renderers.browser.secrets import BrowserSecrets
from bench.pairs import PAIRS, Spread, paired
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


class BarePlaywright:
    """The baseline: the least a Playwright program does to capture a page, at the same
    concurrency in the same Chromium (launched with the renderer's arguments): a context and a
    page, ``goto`` until load, the ready selector, a full-page PNG, the context closed."""

    def __init__(self, chromium: str, concurrency: int) -> None:
        self._chromium = chromium
        self._slots = asyncio.Semaphore(concurrency)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def start(self) -> None:
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self._chromium, headless=True, args=LAUNCH_ARGS
        )

    async def capture(self, url: str) -> None:
        assert self._browser is not None
        async with self._slots:
            context = await self._browser.new_context(viewport={"width": 1280, "height": 800})
            try:
                page = await context.new_page()
                await page.goto(url, wait_until="load")
                await page.wait_for_selector("#ready")
                await page.screenshot(full_page=True, type="png")
            finally:
                await context.close()

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()


async def pages_per_min(pages: int, one: Callable[[], Awaitable[None]]) -> float:
    started = time.monotonic()
    await asyncio.gather(*(one() for _ in range(pages)))
    return pages / (time.monotonic() - started) * 60


async def measure(pages: int = 40, concurrency: int = 4, pairs: int = PAIRS) -> dict[str, Any]:
    """The renderer's pages/min ÷ the bare loop's, in ``pairs`` interleaved pairs of ``pages``
    each; memory sampled over the renderer's turns."""
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
    url = f"http://127.0.0.1:{port}/chart"
    renderer = BrowserRenderer(chromium, concurrency=concurrency, page_budget_mb=150, recycle_after=10_000)
    bare = BarePlaywright(chromium, concurrency)
    report = _report({"url": url, "wait_for": "selector:#ready"})
    job = _job()
    slots = asyncio.Semaphore(concurrency)
    peak = 0.0

    async def one() -> None:
        async with slots:
            await renderer.render(job, report, Discard())

    async def ours() -> float:
        return await pages_per_min(pages, one)

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, _chromium_pss_mb(os.getpid()))
            await asyncio.sleep(0.2)

    try:
        await one()  # warm: the renderer's browser is up
        idle = _chromium_pss_mb(os.getpid())
        sampler = asyncio.create_task(sample())  # memory: a turn of ours before the bare browser exists
        await ours()
        sampler.cancel()
        await bare.start()
        await bare.capture(url)
        spread, mine, theirs = await paired(
            ours, lambda: pages_per_min(pages, lambda: bare.capture(url)), pairs
        )
    finally:
        await bare.close()
        await renderer.close()
        await runner.cleanup()
    return {
        **spread.figures("browser_ratio"),
        "browser_pages_per_min": round(statistics.median(mine), 1),
        "browser_bare_pages_per_min": round(statistics.median(theirs), 1),
        "browser_rss_mb_per_page": round(max(0.0, peak - idle) / concurrency, 1),
        "browser_idle_pss_mb": round(idle, 1),
        "browser_peak_pss_mb": round(peak, 1),
        "browser_pages": pages * (pairs + 1),
        "browser_concurrency": concurrency,
    }


async def measure_auth(pages: int = 30, concurrency: int = 4, pairs: int = PAIRS) -> dict[str, Any]:
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

    bare = BarePlaywright(chromium, concurrency)
    open_url = f"http://127.0.0.1:{port}/open/dashboard"

    async def bare_rate() -> float:
        return await pages_per_min(pages, lambda: bare.capture(open_url))

    sides = {
        "anonymous": lambda: rate(anonymous),
        "authenticated": lambda: rate(authenticated),
        "bare": bare_rate,
    }
    rates: dict[str, list[float]] = {side: [] for side in sides}
    try:
        await bare.start()
        for warm in sides.values():  # the browsers up, the secret read
            await warm()
        for turn in range(pairs):
            order = list(sides)[turn % 3 :] + list(sides)[: turn % 3]  # each side first in turn
            for side in order:
                rates[side].append(await sides[side]())
    finally:
        await bare.close()
        await renderer.close()
        await runner.cleanup()
    if refused:
        raise RuntimeError(f"{refused} asset requests went without the header")
    with_key, plain, least = rates["authenticated"], rates["anonymous"], rates["bare"]
    return {
        **Spread(tuple(k / a for k, a in zip(with_key, plain, strict=True))).figures("browser_auth_ratio"),
        **Spread(tuple(k / b for k, b in zip(with_key, least, strict=True))).figures(
            "browser_auth_bare_ratio"
        ),
        "browser_auth_pages_per_min": round(statistics.median(with_key), 1),
        "browser_anonymous_pages_per_min": round(statistics.median(plain), 1),
        "browser_auth_bare_pages_per_min": round(statistics.median(least), 1),
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
