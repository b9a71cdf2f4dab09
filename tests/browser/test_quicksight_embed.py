"""QuickSight embed URLs as the browser renderer's page: anonymous (with row-level-security tags
from the params) and registered users, against the stand-in's embed API and dashboard page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aioboto3
import pytest

from agent.errors import InvalidRenderError
from agent.renderers.browser import BrowserRenderer
from agent.renderers.quicksight_embed import EmbedUrls
from contracts.catalog import ReportSpec
from sandbox.moto_server import MotoSandbox
from sandbox.quicksight_double import Dashboard, QuickSightDouble
from tests.browser.conftest import Collected, browser_report, job

pytestmark = pytest.mark.usefixtures("moto_server")  # fake credentials to sign with


@pytest.fixture
async def quicksight(moto_server: MotoSandbox) -> AsyncIterator[QuickSightDouble]:
    double = QuickSightDouble(dashboards={"sales": Dashboard()})
    await double.start()
    yield double
    await double.stop()


@pytest.fixture
async def renderer(chromium: str, quicksight: QuickSightDouble) -> AsyncIterator[BrowserRenderer]:
    async with aioboto3.Session().client("quicksight", endpoint_url=quicksight.url) as client:
        embeds = EmbedUrls(client, quicksight.account_id, "us-east-1", calls_per_second=10)
        made = BrowserRenderer(chromium, concurrency=2, page_budget_mb=150, recycle_after=10, embeds=embeds)
        yield made
        await made.close()


def embed_report(**quicksight: Any) -> ReportSpec:
    source = {"quicksight": {"dashboard_id": "sales", **quicksight}, "wait_for": "selector:#dashboard-ready"}
    return browser_report(source, ["png"], region=True)


async def test_an_anonymous_embed_renders_with_the_requests_rls_tags(
    renderer: BrowserRenderer, quicksight: QuickSightDouble
) -> None:
    sink = Collected()
    await renderer.render(
        job("png", {"region": "APAC"}), embed_report(row_level_tags={"region": "{region}"}), sink
    )
    assert bytes(sink.data).startswith(b"\x89PNG") and len(sink.data) > 5000
    assert quicksight.stats.calls["GenerateEmbedUrlForAnonymousUser"] == 1
    # The page the browser opened was issued for an anonymous user restricted to APAC.
    assert quicksight.embed_sessions == [{"region": "APAC"}]


async def test_a_registered_users_embed_renders_their_view(
    renderer: BrowserRenderer, quicksight: QuickSightDouble
) -> None:
    sink = Collected()
    arn = f"arn:aws:quicksight:us-east-1:{quicksight.account_id}:user/default/ana"
    await renderer.render(job("png"), embed_report(user_arn=arn), sink)
    assert bytes(sink.data).startswith(b"\x89PNG")
    assert quicksight.stats.calls["GenerateEmbedUrlForRegisteredUser"] == 1
    assert quicksight.embed_sessions == [{"user": "ana"}]


async def test_an_unknown_dashboard_is_invalid(renderer: BrowserRenderer) -> None:
    report = embed_report()
    report = report.model_copy(update={"source": {"quicksight": {"dashboard_id": "gone"}}})
    with pytest.raises(InvalidRenderError, match="ResourceNotFoundException"):
        await renderer.render(job("png"), report, Collected())


async def test_an_agent_without_quicksight_says_so(chromium: str) -> None:
    plain = BrowserRenderer(chromium, concurrency=1, page_budget_mb=150, recycle_after=10)
    try:
        with pytest.raises(InvalidRenderError, match="SNAPSHOT_QUICKSIGHT_ACCOUNT_ID"):
            await plain.render(job("png"), embed_report(), Collected())
    finally:
        await plain.close()
