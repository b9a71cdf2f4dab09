"""A real dashboard application behind a login: a Plotly Dash app (``apps/dash_dashboard.py``, run
from its own environment ``.tools/dash``) whose chart loads after the page, through a callback
that reads its data slowly behind a spinner. The renderer signs in through the app's form, or
with a guest token from its API (Superset's two-step flow, or a service key), and captures the
chart only once the app has drawn it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.jobs.errors import InvalidRenderError
from agent.renderers.browser.renderer import BrowserRenderer
from tests.browser.conftest import Collected, browser_report, job, pdf_text, superset_guest_token
from tests.support.services import require_service

ROOT = Path(__file__).resolve().parents[2]
DASH_PYTHON = ROOT / ".tools" / "dash" / "bin" / "python"
APP = Path(__file__).parent / "apps" / "dash_dashboard.py"
PASSWORD = "dash-Pa55-" + uuid.uuid4().hex[:8]
SERVICE_KEY = "svc-" + uuid.uuid4().hex
CHART_DRAWN = ["networkidle", "hidden:._dash-loading", "selector:#status.ready", "selector:#chart .main-svg"]


@pytest.fixture
def dash_app(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh app (its sessions and counters are per test) on a loopback port it prints. Its data
    takes 1 s; ``@pytest.mark.parametrize("dash_app", [seconds], indirect=True)`` sets another."""
    if not DASH_PYTHON.exists():
        require_service("the Dash environment", "make test installs tools/dash.txt into .tools/dash")
    delay = str(getattr(request, "param", 1.0))
    env = {**os.environ, "DASH_PASSWORD": PASSWORD, "DASH_SERVICE_KEY": SERVICE_KEY, "DASH_DATA_DELAY": delay}
    with subprocess.Popen(
        [str(DASH_PYTHON), str(APP)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as app:
        assert app.stdout is not None
        port = app.stdout.readline().strip()
        assert port.isdigit(), f"the Dash app did not start (exit {app.poll()})"
        yield f"http://127.0.0.1:{port}"
        app.terminate()


def call(url: str, method: str = "GET") -> dict[str, Any]:
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as answer:
        found: dict[str, Any] = json.loads(answer.read())
        return found


def form_login(app: str, secret: str) -> dict[str, Any]:
    return {"type": "form_login", "secret": secret, "login_url": f"{app}/login", "logged_in": "selector:h1"}


async def capture(renderer: BrowserRenderer, app: str, auth: dict[str, Any], **source: Any) -> str:
    sink = Collected()
    spec = browser_report(
        {"url": f"{app}/", "auth": auth, "timeout_seconds": 20, "wait_for": CHART_DRAWN, **source}, ["pdf"]
    )
    await renderer.render(job("pdf"), spec, sink)
    return pdf_text(sink.data)


async def test_form_login_captures_the_chart_drawn_after_the_page(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any
) -> None:
    auth = form_login(dash_app, make_secret({"username": "viewer", "password": PASSWORD}))
    text = await capture(signing_renderer, dash_app, auth)
    assert "data loaded: 4 regions" in text and "Revenue total 615" in text
    assert "EMEA" in text, "the chart's axis is in the capture"
    text = await capture(signing_renderer, dash_app, auth)
    assert "data loaded" in text
    assert call(f"{dash_app}/_test/state")["logins"] == 1, "the second job reused the agent's session"


# Data slower than any capture (a loaded CI runner once captured a 1 s chart without waiting).
@pytest.mark.parametrize("dash_app", [15.0], indirect=True)
async def test_without_waiting_for_the_data_the_capture_is_too_early(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any
) -> None:
    auth = form_login(dash_app, make_secret({"username": "viewer", "password": PASSWORD}))
    text = await capture(signing_renderer, dash_app, auth, wait_for=["load", "selector:h1"])
    assert "Revenue by region" in text and "data loaded" not in text


async def test_an_expired_session_is_renewed(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any
) -> None:
    auth = form_login(dash_app, make_secret({"username": "viewer", "password": PASSWORD}))
    assert "data loaded" in await capture(signing_renderer, dash_app, auth)
    call(f"{dash_app}/_test/expire", "POST")
    assert "data loaded" in await capture(signing_renderer, dash_app, auth)
    assert call(f"{dash_app}/_test/state")["logins"] == 2


async def test_a_session_that_never_holds_is_renewed_once_then_fails_cleanly(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any
) -> None:
    call(f"{dash_app}/_test/sessions/single", "POST")  # each session is spent on the login's own landing
    auth = form_login(dash_app, make_secret({"username": "viewer", "password": PASSWORD}))
    with pytest.raises(
        InvalidRenderError, match=r"sent the browser back to .*/login right after signing in again"
    ):
        await capture(signing_renderer, dash_app, auth)
    assert call(f"{dash_app}/_test/state")["logins"] == 2, "one login, then one renewal, no more"


async def test_a_wrong_password_is_invalid_and_never_told(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any
) -> None:
    auth = form_login(dash_app, make_secret({"username": "viewer", "password": PASSWORD + "-old"}))
    with pytest.raises(InvalidRenderError, match=r"did not succeed .*wrong username or password") as raised:
        await capture(signing_renderer, dash_app, auth, timeout_seconds=4)
    assert PASSWORD not in str(raised.value)
    assert call(f"{dash_app}/_test/state")["logins"] == 0


async def test_a_missing_login_field_is_named(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any
) -> None:
    auth = {
        **form_login(dash_app, make_secret({"username": "viewer", "password": PASSWORD})),
        "username_selector": "#user",
    }
    with pytest.raises(InvalidRenderError, match=r"login page .*/login has no #user"):
        await capture(signing_renderer, dash_app, auth, timeout_seconds=3)


async def test_a_superset_style_guest_token_in_a_header(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any
) -> None:
    """Superset's flow: sign in to the API for an access token, read a CSRF token with it (its
    session cookie stays in the job's context), ask for a guest token with both, and send the
    guest token as X-GuestToken with every request to the dashboard."""
    secret = make_secret({"username": "viewer", "password": PASSWORD})
    auth = superset_guest_token(dash_app, secret, "revenue", {"header": "X-GuestToken"})
    assert "data loaded: 4 regions" in await capture(signing_renderer, dash_app, auth)
    assert call(f"{dash_app}/_test/state")["sessions"] == 0, "the header alone let every request in"
    without_csrf = {k: v for k, v in auth.items() if k != "csrf"}
    with pytest.raises(InvalidRenderError, match=r"guest_token/ answered HTTP 400"):
        await capture(signing_renderer, dash_app, without_csrf)


@pytest.mark.parametrize("place", [{"cookie": "guest_token"}, {"query": "token"}])
async def test_a_guest_token_from_a_service_key(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any, place: dict[str, str]
) -> None:
    auth = {
        "type": "guest_token",
        "secret": make_secret({"X-Service-Key": SERVICE_KEY}),
        "token_url": f"{dash_app}/api/guest_token",
        "body": {"resources": [{"type": "dashboard", "id": "revenue"}]},
        "token_path": "data.token",
        "inject": place,
    }
    assert "data loaded: 4 regions" in await capture(signing_renderer, dash_app, auth)


async def test_a_refused_token_request_is_invalid_with_its_status(
    signing_renderer: BrowserRenderer, dash_app: str, make_secret: Any
) -> None:
    auth = {
        "type": "guest_token",
        "secret": make_secret({"X-Service-Key": "not-the-key"}),
        "token_url": f"{dash_app}/api/guest_token",
        "inject": {"header": "X-GuestToken"},
    }
    with pytest.raises(InvalidRenderError, match=r"token endpoint .*/api/guest_token answered HTTP 403"):
        await capture(signing_renderer, dash_app, auth)


def test_the_app_runs_outside_the_project_environment() -> None:
    """Dash is not a project dependency: the app runs from its own environment only."""
    if not DASH_PYTHON.exists():
        require_service("the Dash environment", "make test installs tools/dash.txt into .tools/dash")
    found = subprocess.run([sys.executable, "-c", "import dash"], capture_output=True, check=False)
    assert found.returncode != 0
