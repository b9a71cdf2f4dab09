"""QuickSight embed URLs as the browser renderer's page: anonymous (with row-level-security tags
from the caller's scope of the governed table the report shows) and registered users, against the
stand-in's embed API and dashboard page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aioboto3
import pytest

from agent.jobs.errors import InvalidRenderError
from agent.renderers.browser.renderer import BrowserRenderer
from agent.renderers.quicksight.embed import EmbedUrls
from contracts.catalog import ReportSpec, parse_catalog
from sandbox.moto_server import MotoSandbox
from sandbox.quicksight_double import Dashboard, QuickSightDouble
from tests.browser.conftest import Collected, browser_report, job
from tests.support.governed_catalogs import governed_sales

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


GOVERNED_EMBED = parse_catalog(
    governed_sales()
    + """
[reports.dashboard]
renderer = "browser"
formats = ["png"]
reads = ["demo.sales"]
[reports.dashboard.source]
quicksight = { dashboard_id = "sales" }
wait_for = "selector:#dashboard-ready"
[reports.dashboard.access]
callers = ["*"]
"""
).reports["dashboard"]


@pytest.mark.parametrize(
    ("scope", "tag"),
    [(["APAC"], "APAC"), (["AMER", "APAC"], "AMER,APAC"), ("*", "*")],
    ids=["one", "two", "all"],
)
async def test_an_anonymous_embed_renders_with_the_callers_scope_as_its_rls_tag(
    renderer: BrowserRenderer, quicksight: QuickSightDouble, scope: Any, tag: str
) -> None:
    sink = Collected()
    await renderer.render(
        job("png").model_copy(update={"scope": {"demo.sales": scope}}), GOVERNED_EMBED, sink
    )
    assert bytes(sink.data).startswith(b"\x89PNG") and len(sink.data) > 5000
    assert quicksight.stats.calls["GenerateEmbedUrlForAnonymousUser"] == 1
    # The page the browser opened was issued for an anonymous user restricted to that scope.
    assert quicksight.embed_sessions == [{"region": tag}]


@pytest.mark.parametrize(
    ("scope", "why"),
    [([], "is empty"), (["EMEA,AMER"], "holds the delimiter"), (["*"], "match-all"), (None, "is empty")],
    ids=["none", "delimiter", "match-all", "missing"],
)
async def test_a_scope_that_would_widen_or_empty_the_dashboard_is_refused(
    renderer: BrowserRenderer, quicksight: QuickSightDouble, scope: Any, why: str
) -> None:
    update = {"scope": {} if scope is None else {"demo.sales": scope}}
    with pytest.raises(InvalidRenderError, match=why):
        await renderer.render(job("png").model_copy(update=update), GOVERNED_EMBED, Collected())
    assert quicksight.stats.calls["GenerateEmbedUrlForAnonymousUser"] == 0


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
