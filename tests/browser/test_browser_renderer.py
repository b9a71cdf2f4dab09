"""The browser renderer in the system's Chromium, on pages served locally by aiohttp: a chart as
PNG and PDF (checked like every artifact), a page that never settles, a blank page, an HTTP 404,
Chromium killed mid-job (the job fails as transient, the pool recovers, nothing left behind)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from agent.artifacts import ArtifactInspector
from agent.jobs.errors import InvalidRenderError, RenderTimeoutError, TransientRenderError
from agent.renderers.browser.renderer import BrowserRenderer
from bench.processes import chromium_pids, zombie_children
from contracts.catalog import ReportSpec
from sandbox.loopback import serve_on_loopback
from tests.browser.conftest import Collected, browser_report, job
from tests.support.waiting import eventually

CHART = """<!doctype html><html><body style="margin:0;background:#fff">
<h1 id="title">Sales by region: {region}</h1>
<svg width="600" height="300"><rect x="20" y="100" width="80" height="200" fill="#1f77b4"/>
<rect x="140" y="40" width="80" height="260" fill="#ff7f0e"/><rect x="260" y="160" width="80" height="140"
fill="#2ca02c"/></svg>
<script>
setTimeout(() => document.body.insertAdjacentHTML('beforeend', '<p id="ready">ready</p>'), 200)
</script>
</body></html>"""
NEVER_SETTLES = """<!doctype html><html><body><p>loading forever</p>
<script>setInterval(() => fetch('/slow?' + Math.random()), 100)</script></body></html>"""
BLANK = "<!doctype html><html><body style='background:#fff'></body></html>"
SEEN = {"never": 0}


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async def chart(request: web.Request) -> web.Response:
        return web.Response(
            text=CHART.format(region=request.query.get("region", "?")), content_type="text/html"
        )

    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response(text="still here")

    app = web.Application()
    app.router.add_get("/chart", chart)
    app.router.add_get("/never", page(NEVER_SETTLES))
    app.router.add_get("/blank", page(BLANK))
    app.router.add_get("/slow", slow)
    runner, port = await serve_on_loopback(app)
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def page(text: str) -> Any:
    async def serve(request: web.Request) -> web.Response:
        if request.path == "/never":
            SEEN["never"] += 1
        return web.Response(text=text, content_type="text/html")

    return serve


@pytest.fixture
async def renderer(chromium: str) -> AsyncIterator[BrowserRenderer]:
    made = BrowserRenderer(chromium, concurrency=4, page_budget_mb=150, recycle_after=3)
    yield made
    await made.close()


def report(url: str, **source: Any) -> ReportSpec:
    return browser_report({"url": url, **source}, ["pdf", "png"], region=True)


async def render(
    renderer: BrowserRenderer, spec: ReportSpec, fmt: str, params: dict[str, Any] | None = None
) -> bytes:
    sink = Collected()
    await renderer.render(job(fmt, params), spec, sink)
    inspector = ArtifactInspector(fmt)
    inspector.feed(sink.data)
    inspector.verdict()  # what the agent checks before storing
    return bytes(sink.data)


@pytest.mark.parametrize("fmt", ["png", "pdf"])
async def test_a_chart_page_renders_and_passes_the_artifact_check(
    renderer: BrowserRenderer, site: str, fmt: str
) -> None:
    spec = report(f"{site}/chart?region={{region}}", wait_for="selector:#ready", timeout_seconds=20)
    data = await render(renderer, spec, fmt, {"region": "A&B"})
    assert data[:4] in (b"\x89PNG", b"%PDF")


async def test_a_page_that_never_settles_times_out(renderer: BrowserRenderer, site: str) -> None:
    spec = report(f"{site}/never", wait_for="networkidle", timeout_seconds=2)
    with pytest.raises(RenderTimeoutError, match="did not settle"):
        await render(renderer, spec, "png")


async def test_a_blank_page_is_rejected(renderer: BrowserRenderer, site: str) -> None:
    with pytest.raises(TransientRenderError, match="blank"):
        await render(renderer, report(f"{site}/blank", wait_for="load"), "png")


async def test_a_missing_page_is_invalid_and_bad_sources_are_refused(
    renderer: BrowserRenderer, site: str
) -> None:
    with pytest.raises(InvalidRenderError, match="HTTP 404") as missing:
        await render(renderer, report(f"{site}/nothing-here?embed=s3cr3t-code", wait_for="load"), "png")
    assert missing.value.cause == "http://<host>/nothing-here answered HTTP 404", "no host, no query"
    with pytest.raises(InvalidRenderError, match="url must be http"):
        await render(renderer, report("file:///etc/passwd"), "png")
    with pytest.raises(InvalidRenderError, match="placeholders"):
        await render(renderer, report(f"{site}/chart?x={{undeclared}}"), "png")


def chromium_children() -> list[int]:
    """Chromium processes under this test process, and any zombie child."""
    return chromium_pids(os.getpid()) + zombie_children(os.getpid())


async def test_chromium_killed_mid_job_fails_it_as_transient_and_the_pool_recovers(
    renderer: BrowserRenderer, site: str
) -> None:
    slow = report(f"{site}/never?crash", wait_for="networkidle", timeout_seconds=30)
    SEEN["never"] = 0
    running = asyncio.create_task(render(renderer, slow, "png"))
    await eventually(lambda: SEEN["never"], within=10, every=0.05)  # the page is loading: browser fully up
    for pid in chromium_children():
        os.kill(pid, signal.SIGKILL)
    with pytest.raises(TransientRenderError, match=r"crashed|failed|closed|stopped answering"):
        await asyncio.wait_for(running, 90)
    # The next job gets a new browser and works; recycling (every 3 jobs here) replaces it again.
    chart = report(f"{site}/chart", wait_for="load", timeout_seconds=20)
    for _ in range(4):
        await render(renderer, chart, "png")
    assert renderer.pool.launches >= 3
    await renderer.close()
    await eventually(lambda: chromium_children() == [], within=10, every=0.1)  # no Chromium or zombie left


async def test_a_hundred_jobs_with_recycling_leave_no_process_behind(chromium: str, site: str) -> None:
    renderer = BrowserRenderer(chromium, concurrency=4, page_budget_mb=150, recycle_after=12)
    chart = report(f"{site}/chart", wait_for="load", timeout_seconds=30)
    slots = asyncio.Semaphore(4)

    async def one() -> None:
        async with slots:
            sink = Collected()
            await renderer.render(job("png"), chart, sink)
            assert sink.data[:4] == b"\x89PNG"

    try:
        await asyncio.gather(*(one() for _ in range(100)))
        assert renderer.pool.launches >= 8  # replaced every 12 jobs, retired ones closed when idle
        assert len(chromium_children()) < 20, "retired browsers were closed, not left running"
    finally:
        await renderer.close()
    await eventually(lambda: chromium_children() == [], within=10, every=0.1)  # none outlives 100 jobs
