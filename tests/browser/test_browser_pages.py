"""What a dashboard means by "ready", and pages that fight back, in the system's Chromium on pages
served locally by aiohttp. Captures are PDFs so their text can be read back: the capture must
show the page as it is once ready (spinner gone, charts drawn, animation settled)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from agent.jobs.errors import InvalidRenderError, RenderTimeoutError
from agent.renderers.browser.renderer import BrowserRenderer
from contracts.catalog import ReportSpec
from sandbox.loopback import serve_on_loopback
from tests.browser.conftest import Collected, browser_report, job, pdf_text

PAGES = {
    # A spinner for 1.5 s (longer than any capture takes), then the chart, drawn after the load.
    "spinner": """<div id="spinner">loading data</div><script>
setTimeout(() => { document.getElementById('spinner').remove();
  document.body.insertAdjacentHTML('beforeend', '<p id="chart">Chart drawn</p>') }, 1500)</script>""",
    # Charts that report themselves drawn through a global, as many chart libraries can.
    "function": """<p id="status">charts pending</p><script>
setTimeout(() => { document.getElementById('status').textContent = 'rendered charts: 3';
  window.chartsReady = true }, 500)</script>""",
    # An animation: its final frame 2 s after load.
    "animated": """<p id="frame">first frame</p><script>
setTimeout(() => { document.getElementById('frame').textContent = 'final frame' }, 2000)</script>""",
    # An application embedding a dashboard from another origin (?src=), as Superset's SDK does.
    "host": """<h1>Host application</h1><div id="mount"></div><script>
const frame = document.createElement('iframe'); frame.id = 'dashboard';
frame.src = new URLSearchParams(location.search).get('src');
document.getElementById('mount').appendChild(frame)</script>""",
    "popup": """<p>the dashboard</p><script>window.open('/spinner'); window.open('about:blank')</script>
<a id="l" href="/spinner" target="_blank">x</a><script>document.getElementById('l').click()</script>""",
    "dialogs": """<script>alert('hello'); confirm('sure?'); prompt('name?')</script><p>after dialogs</p>""",
    "geolocation": """<p id="geo">asking</p><script>
navigator.geolocation.getCurrentPosition(
  () => { document.getElementById('geo').textContent = 'geolocation: granted' },
  () => { document.getElementById('geo').textContent = 'geolocation: refused' })</script>""",
    "leaves": """<p>first page</p><script>setTimeout(() => { location.href = '/animated' }, 100)</script>""",
    "cookie": """<p id="c"></p><script>
document.getElementById('c').textContent = 'cookies before: [' + document.cookie + ']';
document.cookie = 'left=behind; max-age=3600'; localStorage.setItem('left', 'behind')</script>""",
}


async def serve_pages() -> tuple[web.AppRunner, str]:
    def html(body: str) -> Any:
        async def serve(_: web.Request) -> web.Response:
            return web.Response(
                text=f"<!doctype html><html><body>{body}</body></html>", content_type="text/html"
            )

        return serve

    async def download(_: web.Request) -> web.Response:
        return web.Response(
            body=b"a,b\n1,2\n",
            content_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="export.csv"'},
        )

    app = web.Application()
    for name, body in PAGES.items():
        app.router.add_get(f"/{name}", html(body))
    app.router.add_get("/download", download)
    runner, port = await serve_on_loopback(app)
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def site() -> AsyncIterator[str]:
    runner, url = await serve_pages()
    yield url
    await runner.cleanup()


@pytest.fixture
async def other_origin() -> AsyncIterator[str]:
    """The same pages on another port: another origin, as an embedded dashboard's server is."""
    runner, url = await serve_pages()
    yield url
    await runner.cleanup()


@pytest.fixture
async def renderer(chromium: str) -> AsyncIterator[BrowserRenderer]:
    made = BrowserRenderer(chromium, concurrency=4, page_budget_mb=150, recycle_after=50)
    yield made
    await made.close()


def report(url: str, **source: Any) -> ReportSpec:
    return browser_report({"url": url, "timeout_seconds": 10, **source}, ["pdf"])


async def text_of(renderer: BrowserRenderer, url: str, **source: Any) -> str:
    sink = Collected()
    await renderer.render(job("pdf"), report(url, **source), sink)
    return pdf_text(sink.data)


async def test_a_spinner_gone_and_a_chart_shown(renderer: BrowserRenderer, site: str) -> None:
    text = await text_of(renderer, f"{site}/spinner", wait_for=["load", "hidden:#spinner", "selector:#chart"])
    assert "Chart drawn" in text and "loading data" not in text
    early = await text_of(renderer, f"{site}/spinner", wait_for="load")
    assert "loading data" in early, "without the conditions the capture is taken too soon"


async def test_a_js_expression_the_app_sets_when_drawn(renderer: BrowserRenderer, site: str) -> None:
    text = await text_of(
        renderer, f"{site}/function", wait_for=["load", "function:window.chartsReady === true"]
    )
    assert "rendered charts: 3" in text


async def test_a_settle_delay_lets_an_animation_finish(renderer: BrowserRenderer, site: str) -> None:
    assert "final frame" in await text_of(renderer, f"{site}/animated", wait_for="load", settle_ms=3000)
    assert "first frame" in await text_of(renderer, f"{site}/animated", wait_for="load")


async def test_a_condition_never_met_times_out_naming_it(renderer: BrowserRenderer, site: str) -> None:
    with pytest.raises(RenderTimeoutError, match=r"function:window.neverSet.*within 2s"):
        await text_of(
            renderer, f"{site}/function", wait_for=["load", "function:window.neverSet"], timeout_seconds=2
        )


async def test_conditions_look_inside_an_embedded_frame(
    renderer: BrowserRenderer, site: str, other_origin: str
) -> None:
    host = f"{site}/host?src={other_origin}/spinner"
    drawn = ["load", "hidden:#spinner", "selector:#chart"]
    text = await text_of(renderer, host, wait_for=drawn, frame="iframe#dashboard")
    assert "Host application" in text and "Chart drawn" in text and "loading data" not in text
    with pytest.raises(RenderTimeoutError, match=r"selector:#chart\) within 3s"):
        await text_of(renderer, host, wait_for=drawn, timeout_seconds=3)  # the host cannot see it


async def test_a_frame_that_is_not_there_is_named(renderer: BrowserRenderer, site: str) -> None:
    with pytest.raises(RenderTimeoutError, match=r"in the frame 'iframe#missing'\) within 2s"):
        await text_of(renderer, f"{site}/spinner", frame="iframe#missing", timeout_seconds=2)
    with pytest.raises(InvalidRenderError, match=r"the frame 'h1' matches an element that is not an iframe"):
        await text_of(renderer, f"{site}/host?src=/spinner", frame="h1", wait_for="selector:#chart")


@pytest.mark.parametrize(
    "bad",
    [
        {"wait_for": "spinner"},
        {"wait_for": ["load", "selector:"]},
        {"wait_for": []},
        {"settle_ms": 60_000},
        {"frame": ""},
    ],
)
async def test_bad_waits_are_refused(renderer: BrowserRenderer, site: str, bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidRenderError, match="source"):
        await text_of(renderer, f"{site}/function", **bad)


async def test_popups_are_closed_and_the_dashboard_captured(
    renderer: BrowserRenderer, site: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agent.renderers.browser.page")
    assert "the dashboard" in await text_of(renderer, f"{site}/popup", wait_for="load", settle_ms=300)
    closed = [r for r in caplog.records if r.getMessage().startswith("closed a popup")]
    assert len(closed) >= 2, "window.open and a target=_blank link each opened a page"


async def test_dialogs_are_dismissed(renderer: BrowserRenderer, site: str) -> None:
    assert "after dialogs" in await text_of(renderer, f"{site}/dialogs", wait_for="load")


async def test_a_permission_prompt_is_refused(renderer: BrowserRenderer, site: str) -> None:
    text = await text_of(
        renderer,
        f"{site}/geolocation",
        wait_for=["load", "function:!document.body.innerText.includes('asking')"],
    )
    assert "geolocation: refused" in text


async def test_a_download_is_a_clear_error(renderer: BrowserRenderer, site: str) -> None:
    with pytest.raises(InvalidRenderError, match="file download, not a page"):
        await text_of(renderer, f"{site}/download", wait_for="load")


async def test_a_page_that_navigates_away_is_captured_where_it_settles(
    renderer: BrowserRenderer, site: str
) -> None:
    text = await text_of(renderer, f"{site}/leaves", wait_for=["load", "selector:#frame"], settle_ms=3000)
    assert "final frame" in text


async def test_nothing_a_page_leaves_reaches_the_next_job(renderer: BrowserRenderer, site: str) -> None:
    for _ in range(2):
        assert "cookies before: []" in await text_of(renderer, f"{site}/cookie", wait_for="load")
