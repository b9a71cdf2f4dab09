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

from agent.jobs.errors import InvalidRenderError
from agent.log_setup import quiet_sdk_loggers
from agent.renderers.browser.renderer import BrowserRenderer
from contracts.catalog import ReportSpec
from sandbox.loopback import serve_on_loopback
from sandbox.moto_server import MotoSandbox
from tests.browser.conftest import Collected, browser_report, job, pdf_text

PASSWORD = "s3cret-Pa55-" + uuid.uuid4().hex[:8]
TOKEN = "tok-" + uuid.uuid4().hex
API_KEY = "key-" + uuid.uuid4().hex
SESSION = "sess-" + uuid.uuid4().hex
GUEST = "guest-" + uuid.uuid4().hex
CREDENTIALS = (
    PASSWORD,
    TOKEN,
    API_KEY,
    SESSION,
    GUEST,
    base64.b64encode(f"viewer:{PASSWORD}".encode()).decode(),
)
LOGIN_FORM = """<form method="post"><input name="username"><input name="password" type="password">
<button type="submit">Sign in</button></form>"""


@dataclass
class Sites:
    dashboard: str
    third_party: str
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def headers_at(self, site: str) -> list[str]:
        return [json.dumps(h) for s, _, h in self.seen if s == site]


def authorised(request: web.Request) -> bool:
    return authorised_headers(dict(request.headers)) or request.query.get("token") == GUEST


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    found = Sites("", "")

    def recorder(site: str) -> Any:
        @web.middleware
        async def record(request: web.Request, handler: Any) -> web.StreamResponse:
            found.seen.append((site, request.path_qs, dict(request.headers)))
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
        page = _text(
            f"""<h1>Revenue</h1><img src="{found.third_party}/pixel.svg" width="40" height="40">
<script src="{found.third_party}/lib.js"></script><p id="data">waiting</p>
<script>fetch('/api/data').then(r => r.text())
  .then(t => document.getElementById('data').textContent = t)</script>""",
            "text/html",
        )
        if request.query.get("token") == GUEST:  # an embed link: the token starts a session
            page.set_cookie("session", SESSION)
        return page

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("username") == "viewer" and form.get("password") == PASSWORD:
            signed_in = web.HTTPFound("/dash")
            signed_in.set_cookie("session", SESSION)
            raise signed_in
        return _text(LOGIN_FORM + "<p>wrong username or password</p>", "text/html")

    async def guest_token(request: web.Request) -> web.Response:
        if request.headers.get("X-Api-Key") != API_KEY:
            return web.Response(status=403)
        return web.json_response({"data": {"token": GUEST}})

    async def data(request: web.Request) -> web.Response:
        return _text("42 orders" if authorised(request) else "denied", "text/plain")

    async def away(_: web.Request) -> web.Response:
        raise web.HTTPFound(f"{found.third_party}/landing")

    dashboard = web.Application(middlewares=[recorder("dashboard")])
    dashboard.router.add_get("/dash", dash)
    dashboard.router.add_get("/api/data", data)
    dashboard.router.add_get("/away", away)
    dashboard.router.add_get("/login", fixed(_text(LOGIN_FORM, "text/html")))
    dashboard.router.add_post("/login", login)
    dashboard.router.add_post("/api/token", guest_token)
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


def report(url: str, auth: dict[str, Any] | None) -> ReportSpec:
    source: dict[str, Any] = {"url": url, "wait_for": ["networkidle", "function:window.libLoaded === true"]}
    if auth is not None:
        source["auth"] = auth
    return browser_report({**source, "timeout_seconds": 15}, ["png", "pdf"])


async def render(renderer: BrowserRenderer, url: str, auth: dict[str, Any] | None) -> bytes:
    sink = Collected()
    await renderer.render(job("pdf"), report(url, auth), sink)
    return bytes(sink.data)


KINDS = ["bearer", "bearer-json", "basic", "headers", "cookies", "form_login"]
GUEST_TOKEN_PLACES = ["guest_token-header", "guest_token-cookie", "guest_token-query"]


@pytest.mark.parametrize("kind", KINDS + GUEST_TOKEN_PLACES)
async def test_each_kind_reaches_the_dashboard_and_nothing_else(
    kind: str,
    signing_renderer: BrowserRenderer,
    sites: Sites,
    secrets: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_sdk_loggers(logging.DEBUG)  # as the agent's logging setup does at SNAPSHOT_LOG_LEVEL=DEBUG
    pdf = await render(signing_renderer, f"{sites.dashboard}/dash", auth_for(kind, sites, secrets))
    assert "42 orders" in pdf_text(pdf), "the page's own data call was authorised"
    dashboard = {path.partition("?")[0] for site, path, headers in sites.seen if site == "dashboard"}
    assert {"/dash", "/api/data"} <= dashboard
    for site, path, headers in sites.seen:
        if site == "dashboard" and path.startswith(("/dash", "/api/data")):
            token_in_url = path == f"/dash?token={GUEST}"
            assert token_in_url or authorised_headers(headers), f"{path} went without the credential"
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
        or headers.get("X-Guest-Token") == GUEST
        or f"session={SESSION}" in headers.get("Cookie", "")
        or f"guest={GUEST}" in headers.get("Cookie", "")
    )


def auth_for(kind: str, sites: Sites, secrets: dict[str, str]) -> dict[str, Any]:
    if kind == "form_login":
        return {"type": kind, "secret": secrets["basic"], "login_url": f"{sites.dashboard}/login"}
    if kind.startswith("guest_token-"):
        place = kind.removeprefix("guest_token-")
        return {
            "type": "guest_token",
            "secret": secrets["headers"],
            "token_url": f"{sites.dashboard}/api/token",
            "token_path": "data.token",
            "inject": {place: {"header": "X-Guest-Token", "cookie": "guest", "query": "token"}[place]},
        }
    return {"type": kind.removesuffix("-json"), "secret": secrets[kind]}


async def test_a_redirect_off_the_origin_carries_no_header(
    signing_renderer: BrowserRenderer, sites: Sites, secrets: dict[str, str]
) -> None:
    spec = report(f"{sites.dashboard}/away", {"type": "headers", "secret": secrets["headers"]})
    spec.source["wait_for"] = "load"
    sink = Collected()
    await signing_renderer.render(job("pdf"), spec, sink)
    landing = [h for s, p, h in sites.seen if s == "third" and p == "/landing"]
    assert landing and all(API_KEY not in json.dumps(h) for h in landing)
    away = [h for s, p, h in sites.seen if s == "dashboard" and p == "/away"]
    assert away and away[0].get("X-Api-Key") == API_KEY


async def test_a_wrong_password_is_invalid_and_never_told(
    signing_renderer: BrowserRenderer, sites: Sites, secrets: dict[str, str]
) -> None:
    with pytest.raises(InvalidRenderError, match="HTTP 401") as raised:
        await render(
            signing_renderer, f"{sites.dashboard}/dash", {"type": "basic", "secret": secrets["basic-wrong"]}
        )
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
    signing_renderer: BrowserRenderer, sites: Sites, secrets: dict[str, str], auth: dict[str, Any], cause: str
) -> None:
    auth = {**auth, "secret": secrets.get(auth["secret"], auth["secret"])}
    with pytest.raises(InvalidRenderError, match=cause) as raised:
        await render(signing_renderer, f"{sites.dashboard}/dash", auth)
    assert not any(secret in str(raised.value) for secret in CREDENTIALS)


async def test_a_refused_credential_is_read_afresh_by_the_next_job(
    signing_renderer: BrowserRenderer, sites: Sites, secrets: dict[str, str]
) -> None:
    """A rotated password: the cached old one is refused once, and the next job reads the new."""
    auth = {"type": "basic", "secret": secrets["basic-wrong"]}
    with pytest.raises(InvalidRenderError, match="HTTP 401"):
        await render(signing_renderer, f"{sites.dashboard}/dash", auth)
    boto3.client("secretsmanager").put_secret_value(
        SecretId=secrets["basic-wrong"], SecretString=json.dumps({"username": "viewer", "password": PASSWORD})
    )
    assert (await render(signing_renderer, f"{sites.dashboard}/dash", auth)).startswith(b"%PDF")
