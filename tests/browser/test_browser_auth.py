"""Browser reports behind a login: credentials come from Secrets Manager (moto, server mode) and
go only to the dashboard's own origin. Two loopback sites record every request they get: the
dashboard (127.0.0.1) and a third party (localhost, another origin and another host) whose image,
script and redirect target the dashboard's page uses. No credential may reach the third party,
an error cause, or a log line."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from aiohttp import web

from agent.aws import open_clients
from agent.errors import InvalidRenderError
from agent.log_setup import quiet_sdk_loggers
from agent.metrics import AgentMetrics
from agent.renderers.browser import BrowserRenderer
from agent.renderers.browser_secrets import BrowserSecrets
from contracts.catalog import ReportSpec
from sandbox.loopback import serve_on_loopback
from sandbox.moto_server import MotoSandbox
from tests.browser.conftest import Collected, browser_report, job

PASSWORD = "s3cret-Pa55-" + uuid.uuid4().hex[:8]
TOKEN = "tok-" + uuid.uuid4().hex
API_KEY = "key-" + uuid.uuid4().hex
SESSION = "sess-" + uuid.uuid4().hex
CREDENTIALS = (PASSWORD, TOKEN, API_KEY, SESSION, base64.b64encode(f"viewer:{PASSWORD}".encode()).decode())


@dataclass
class Sites:
    dashboard: str
    third_party: str
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def headers_at(self, site: str) -> list[str]:
        return [json.dumps(h) for s, _, h in self.seen if s == site]


def authorised(request: web.Request) -> bool:
    return (
        request.headers.get("Authorization") in (f"Bearer {TOKEN}", f"Basic {CREDENTIALS[-1]}")
        or request.headers.get("X-Api-Key") == API_KEY
        or request.cookies.get("session") == SESSION
    )


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    found = Sites("", "")

    def recorder(site: str) -> Any:
        @web.middleware
        async def record(request: web.Request, handler: Any) -> web.StreamResponse:
            found.seen.append((site, request.path, dict(request.headers)))
            response: web.StreamResponse = await handler(request)
            return response

        return record

    third = web.Application(middlewares=[recorder("third")])
    third.router.add_get("/pixel.svg", fixed(_svg()))
    third.router.add_get("/lib.js", fixed(_text("window.libLoaded = true", "application/javascript")))
    third.router.add_get("/landing", fixed(_text("<p>landed elsewhere</p>", "text/html")))
    third_runner, third_port = await serve_on_loopback(third)
    found.third_party = f"http://localhost:{third_port}"

    async def dash(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.Response(status=401, text="log in first")
        return _text(
            f"""<h1>Revenue</h1><img src="{found.third_party}/pixel.svg" width="40" height="40">
<script src="{found.third_party}/lib.js"></script><p id="data">waiting</p>
<script>fetch('/api/data').then(r => r.text())
  .then(t => document.getElementById('data').textContent = t)</script>""",
            "text/html",
        )

    async def data(request: web.Request) -> web.Response:
        return _text("42 orders" if authorised(request) else "denied", "text/plain")

    async def away(_: web.Request) -> web.Response:
        raise web.HTTPFound(f"{found.third_party}/landing")

    dashboard = web.Application(middlewares=[recorder("dashboard")])
    dashboard.router.add_get("/dash", dash)
    dashboard.router.add_get("/api/data", data)
    dashboard.router.add_get("/away", away)
    runner, port = await serve_on_loopback(dashboard)
    found.dashboard = f"http://127.0.0.1:{port}"
    yield found
    await runner.cleanup()
    await third_runner.cleanup()


def fixed(response: web.Response) -> Any:
    async def serve(_: web.Request) -> web.Response:
        return web.Response(body=response.body, content_type=response.content_type)

    return serve


def _text(text: str, content_type: str) -> web.Response:
    return web.Response(text=text, content_type=content_type)


def _svg() -> web.Response:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>'
    )
    return web.Response(text=svg, content_type="image/svg+xml")


@pytest.fixture
def secrets(moto_server: MotoSandbox) -> dict[str, str]:
    client = boto3.client("secretsmanager")
    values = {
        "bearer": TOKEN,
        "bearer-json": json.dumps({"token": TOKEN}),
        "basic": json.dumps({"username": "viewer", "password": PASSWORD}),
        "basic-wrong": json.dumps({"username": "viewer", "password": PASSWORD + "-old"}),
        "headers": json.dumps({"X-Api-Key": API_KEY}),
        "cookies": json.dumps({"session": SESSION}),
        "no-password": json.dumps({"username": "viewer"}),
    }
    suffix = uuid.uuid4().hex[:8]
    return {
        name: client.create_secret(Name=f"dash/{name}-{suffix}", SecretString=value)["ARN"]
        for name, value in values.items()
    }


@pytest.fixture
async def renderer(chromium: str, moto_server: MotoSandbox) -> AsyncIterator[BrowserRenderer]:
    async with open_clients(AgentMetrics(), 4, secrets=True) as aws:
        made = BrowserRenderer(chromium, 2, 150, 50, secrets=BrowserSecrets(aws.secretsmanager))
        yield made
        await made.close()


def report(url: str, auth: dict[str, Any] | None) -> ReportSpec:
    source: dict[str, Any] = {"url": url, "wait_for": ["networkidle", "function:window.libLoaded === true"]}
    if auth is not None:
        source["auth"] = auth
    return browser_report({**source, "timeout_seconds": 15}, ["png", "pdf"])


async def render(renderer: BrowserRenderer, url: str, auth: dict[str, Any] | None) -> bytes:
    sink = Collected()
    await renderer.render(job("pdf"), report(url, auth), sink)
    return bytes(sink.data)


@pytest.mark.parametrize("kind", ["bearer", "bearer-json", "basic", "headers", "cookies"])
async def test_each_kind_reaches_the_dashboard_and_nothing_else(
    kind: str,
    renderer: BrowserRenderer,
    sites: Sites,
    secrets: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_sdk_loggers(logging.DEBUG)  # as the agent's logging setup does at SNAPSHOT_LOG_LEVEL=DEBUG
    auth = {"type": kind.removesuffix("-json"), "secret": secrets[kind]}
    pdf = await render(renderer, f"{sites.dashboard}/dash", auth)
    assert pdf.startswith(b"%PDF")
    dashboard = {path for site, path, headers in sites.seen if site == "dashboard"}
    assert {"/dash", "/api/data"} <= dashboard
    for site, path, headers in sites.seen:
        if site == "dashboard":
            assert authorised_headers(headers), f"{path} went without the credential"
    third = sites.headers_at("third")
    assert len(third) >= 2, "the page loaded the third party's image and script"
    for seen in third:
        assert not any(secret in seen for secret in CREDENTIALS)
    leaked = [
        f"{r.name}: {r.getMessage()[:200]}"
        for r in caplog.records
        if any(c in r.getMessage() for c in CREDENTIALS)
    ]
    assert not leaked


def authorised_headers(headers: dict[str, str]) -> bool:
    return (
        headers.get("Authorization") in (f"Bearer {TOKEN}", f"Basic {CREDENTIALS[-1]}")
        or headers.get("X-Api-Key") == API_KEY
        or f"session={SESSION}" in headers.get("Cookie", "")
    )


async def test_a_redirect_off_the_origin_carries_no_header(
    renderer: BrowserRenderer, sites: Sites, secrets: dict[str, str]
) -> None:
    spec = report(f"{sites.dashboard}/away", {"type": "headers", "secret": secrets["headers"]})
    spec.source["wait_for"] = "load"
    sink = Collected()
    await renderer.render(job("pdf"), spec, sink)
    landing = [h for s, p, h in sites.seen if s == "third" and p == "/landing"]
    assert landing and all(API_KEY not in json.dumps(h) for h in landing)
    away = [h for s, p, h in sites.seen if s == "dashboard" and p == "/away"]
    assert away and away[0].get("X-Api-Key") == API_KEY


async def test_a_wrong_password_is_invalid_and_never_told(
    renderer: BrowserRenderer, sites: Sites, secrets: dict[str, str]
) -> None:
    with pytest.raises(InvalidRenderError, match="HTTP 401") as raised:
        await render(renderer, f"{sites.dashboard}/dash", {"type": "basic", "secret": secrets["basic-wrong"]})
    assert PASSWORD not in str(raised.value)


@pytest.mark.parametrize(
    ("auth", "cause"),
    [
        ({"type": "basic", "secret": "dash/does-not-exist"}, "cannot be read: ResourceNotFoundException"),
        ({"type": "basic", "secret": "no-password"}, "has no text field password"),
        ({"type": "bearer", "secret": "basic"}, "has no text field token"),
        ({"type": "kerberos", "secret": "x"}, "source.auth"),
    ],
)
async def test_an_unusable_secret_is_invalid_with_its_cause(
    renderer: BrowserRenderer, sites: Sites, secrets: dict[str, str], auth: dict[str, Any], cause: str
) -> None:
    auth = {**auth, "secret": secrets.get(auth["secret"], auth["secret"])}
    with pytest.raises(InvalidRenderError, match=cause) as raised:
        await render(renderer, f"{sites.dashboard}/dash", auth)
    assert not any(secret in str(raised.value) for secret in CREDENTIALS)


async def test_a_refused_credential_is_read_afresh_by_the_next_job(
    renderer: BrowserRenderer, sites: Sites, secrets: dict[str, str]
) -> None:
    """A rotated password: the cached old one is refused once, and the next job reads the new."""
    auth = {"type": "basic", "secret": secrets["basic-wrong"]}
    with pytest.raises(InvalidRenderError, match="HTTP 401"):
        await render(renderer, f"{sites.dashboard}/dash", auth)
    boto3.client("secretsmanager").put_secret_value(
        SecretId=secrets["basic-wrong"], SecretString=json.dumps({"username": "viewer", "password": PASSWORD})
    )
    assert (await render(renderer, f"{sites.dashboard}/dash", auth)).startswith(b"%PDF")
