"""``make bench`` (browser part): pages per minute and memory per page of the browser renderer, on
a local chart page in the system's Chromium. Memory is the proportional set size (PSS: shared pages
split between the processes sharing them, so Chromium's many processes are not counted several
times over) of every Chromium process under this one, sampled while ``concurrency`` pages render:
(peak - idle browser) / pages in flight."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from aiohttp import web

from agent.renderers.browser import BrowserRenderer
from agent.renderers.chromium import find_chromium
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
    report = ReportSpec.model_validate(
        {
            "name": "bench",
            "renderer": "browser",
            "formats": ["png"],
            "source": {"url": f"http://127.0.0.1:{port}/chart", "wait_for": "selector:#ready"},
            "access": {"callers": ["*"]},
        }
    )
    key = "0" * 32
    job = JobMessage.model_validate(
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
