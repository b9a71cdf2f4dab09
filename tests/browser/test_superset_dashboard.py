"""Apache Superset 4.1.2 (``.tools/superset``, from ``tools/superset.txt``), started fresh for this
module over SQLite and seeded through its own API. The renderer captures a dashboard whose chart
Superset queries after the page has loaded, signed in two ways:

- through Superset's login form (its CSRF-protected Flask-AppBuilder form, with the renderer's
  default selectors), the session kept for the next job;
- with a guest token from Superset's API (login, CSRF token, guest token), handed to an
  application page that embeds the dashboard with Superset's Embedded SDK (npm, in
  ``.tools/superset-sdk``), as a product embedding Superset does.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web

from agent.jobs.errors import InvalidRenderError
from agent.renderers.browser.renderer import BrowserRenderer
from sandbox.loopback import serve_on_loopback
from sandbox.moto_server import free_port
from tests.browser.conftest import Collected, browser_report, job, pdf_text, superset_guest_token
from tests.support.services import require_service

ROOT = Path(__file__).resolve().parents[2]
SUPERSET = ROOT / ".tools" / "superset" / "bin" / "superset"
APPS = Path(__file__).parent / "apps"
SEED = APPS / "superset_seed.py"
SDK = (
    ROOT
    / ".tools"
    / "superset-sdk"
    / "node_modules"
    / "@superset-ui"
    / "embedded-sdk"
    / "bundle"
    / "index.js"
)
ADMIN_PASSWORD = "admin-" + uuid.uuid4().hex[:8]
VIEWER_PASSWORD = "viewer-" + uuid.uuid4().hex[:8]
# What a Superset dashboard means by ready: its spinners gone and its charts drawn.
CHARTS_DRAWN = [
    "networkidle",
    "hidden:.loading",
    "selector:.dashboard-chart .superset-legacy-chart-big-number",
]


@dataclass(frozen=True)
class Superset:
    url: str
    embedded: str


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Superset]:
    if not SUPERSET.exists():
        require_service("Apache Superset", "make test installs tools/superset.txt into .tools/superset")
    home = tmp_path_factory.mktemp("superset")
    data = home / "data.db"
    with sqlite3.connect(data) as db:
        db.execute("CREATE TABLE revenue (region TEXT, amount REAL)")
        db.executemany(
            "INSERT INTO revenue VALUES (?, ?)", [("EMEA", 120), ("AMER", 340), ("APAC", 95), ("LATAM", 60)]
        )
    (home / "superset_config.py").write_text(
        f"SECRET_KEY = {uuid.uuid4().hex!r}\n"
        f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{home / 'superset.db'}'\n"
        "PREVENT_UNSAFE_DB_CONNECTIONS = False  # the test's data is a SQLite file\n"
        "TALISMAN_ENABLED = False\n"
        "FEATURE_FLAGS = {'EMBEDDED_SUPERSET': True}\n"
        "GUEST_ROLE_NAME = 'Gamma'  # what an embedded dashboard's viewer may read\n"
    )
    env = {**os.environ, "SUPERSET_CONFIG_PATH": str(home / "superset_config.py"), "SUPERSET_HOME": str(home)}
    env["FLASK_APP"] = "superset"

    python = str(SUPERSET.parent / "python")
    init = [python, str(APPS / "superset_init.py"), ADMIN_PASSWORD, VIEWER_PASSWORD]
    subprocess.run(init, env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(SUPERSET), "run", "-h", "127.0.0.1", "-p", str(port), "--with-threads"]
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        _wait_healthy(url, server)
        seeded = subprocess.run(
            [python, str(SEED), url, ADMIN_PASSWORD, str(data)],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        yield Superset(url, seeded.stdout.strip())
        server.terminate()


def _wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, f"superset exited {server.returncode}"
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("superset did not answer /health within 90 s")


async def capture(renderer: BrowserRenderer, superset: Superset, auth: dict[str, Any], **source: Any) -> str:
    spec = {"url": f"{superset.url}/superset/dashboard/revenue/?standalone=1", "auth": auth}
    sink = Collected()
    report = browser_report({**spec, "wait_for": CHARTS_DRAWN, "timeout_seconds": 60, **source}, ["pdf"])
    await renderer.render(job("pdf"), report, sink)
    return pdf_text(sink.data)


async def test_a_superset_dashboard_through_its_login_form(
    signing_renderer: BrowserRenderer, superset: Superset, make_secret: Any
) -> None:
    login = {"type": "form_login", "secret": make_secret({"username": "viewer", "password": VIEWER_PASSWORD})}
    auth = {**login, "login_url": f"{superset.url}/login/"}
    text = await capture(signing_renderer, superset, auth)
    assert "Revenue total" in text and "615" in text, "the chart's number, queried after the page loaded"
    assert "615" in await capture(signing_renderer, superset, auth)


async def test_a_wrong_superset_password_is_invalid_and_never_told(
    signing_renderer: BrowserRenderer, superset: Superset, make_secret: Any
) -> None:
    wrong = make_secret({"username": "viewer", "password": VIEWER_PASSWORD + "-old"})
    auth = {"type": "form_login", "secret": wrong, "login_url": f"{superset.url}/login/"}
    with pytest.raises(InvalidRenderError, match="wrong username or password") as raised:
        await capture(signing_renderer, superset, auth, timeout_seconds=8)
    assert VIEWER_PASSWORD not in str(raised.value)


@pytest.fixture
async def host_page() -> AsyncIterator[str]:
    """The embedding application: its page and the SDK, on another loopback origin."""
    if not SDK.exists():
        require_service("Superset's Embedded SDK", "make test installs tools/superset-sdk into .tools")
    app = web.Application()
    app.router.add_get("/", _file(APPS / "superset_host.html"))
    app.router.add_get("/sdk.js", _file(SDK))
    runner, port = await serve_on_loopback(app)
    yield f"http://127.0.0.1:{port}/"
    await runner.cleanup()


def _file(path: Path) -> Any:
    async def serve(_: web.Request) -> web.FileResponse:
        return web.FileResponse(path)

    return serve


async def test_an_embedded_superset_dashboard_with_a_guest_token(
    signing_renderer: BrowserRenderer, superset: Superset, make_secret: Any, host_page: str
) -> None:
    secret = make_secret({"username": "admin", "password": ADMIN_PASSWORD})
    auth = superset_guest_token(superset.url, secret, superset.embedded, {"query": "token"})
    page = f"{host_page}?{urlencode({'dashboard': superset.embedded, 'superset': superset.url})}"
    # The dashboard draws in the frame the SDK made, from Superset's origin: the conditions look
    # there, as they would on Superset's own page.
    spec = {
        "url": page,
        "auth": auth,
        "frame": "#dashboard iframe",
        "wait_for": CHARTS_DRAWN,
        "timeout_seconds": 60,
    }
    sink = Collected()
    await signing_renderer.render(job("pdf"), browser_report(spec, ["pdf"]), sink)
    text = pdf_text(sink.data)
    assert "Revenue total" in text and "615" in text, "the embedded chart, drawn with the guest token"
