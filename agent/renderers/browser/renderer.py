"""``browser``: any dashboard URL (Grafana, Superset, a QuickSight embed) as PDF or PNG, through
Playwright driving the system's Chromium (``SNAPSHOT_BROWSER_EXECUTABLE``; no browser download).

The catalog's ``source`` gives the URL template (``{param}`` placeholders, filled URL-quoted with
the request's checked params) or a QuickSight dashboard to embed (``quicksight_embed``), the
viewport, what to wait for (``browser_ready``: one condition or a list, and a settle delay) and
the timeout. Each job gets a fresh context (no cookies or storage shared between jobs) in the
agent's one browser (``browser_pool``). The context refuses downloads and grants no permission;
a popup is closed as it opens and a dialog is dismissed, so a hostile page ends in a capture or
a clear error. Concurrency is bounded by memory: the available RAM at start divided
by ``SNAPSHOT_BROWSER_PAGE_BUDGET_MB``, capped by ``SNAPSHOT_BROWSER_CONCURRENCY``.

A page that does not settle in time is ``Render.Timeout``; an HTTP 4xx page ``Render.Invalid``;
a 5xx, a crashed browser or a dropped connection ``Render.Transient`` (the browser is replaced).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Literal
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import StorageState
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agent.jobs.errors import InvalidRenderError, RenderTimeoutError, TransientRenderError
from agent.renderers.base import Sink
from agent.renderers.browser.auth import Auth, Credentials, credentials
from agent.renderers.browser.login import FormLoginAuth, LoginSessions, SessionExpired
from agent.renderers.browser.page import fresh_page
from agent.renderers.browser.page_url import page_url
from agent.renderers.browser.pool import BrowserPool, Lease
from agent.renderers.browser.ready import Readiness, check_condition
from agent.renderers.browser.secrets import BrowserSecrets
from agent.renderers.quicksight.embed import EmbedSource, EmbedUrls
from agent.renderers.spec import parse_source, quicksight_tags, scope_texts
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage

log = logging.getLogger(__name__)
# The watchdog over a job's browser work, past the source's own timeouts (the timers table's).
WATCHDOG_GRACE_SECONDS = 15.0


class Viewport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    width: int = Field(default=1280, ge=200, le=7680)
    height: int = Field(default=800, ge=200, le=4320)


class BrowserSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = None
    quicksight: EmbedSource | None = None
    auth: Auth | None = None
    wait_for: list[str] = Field(default_factory=lambda: ["networkidle"], min_length=1, max_length=16)
    settle_ms: int = Field(default=0, ge=0, le=30_000)
    frame: str | None = Field(default=None, min_length=1, max_length=500)  # an <iframe>'s CSS
    viewport: Viewport = Field(default_factory=Viewport)
    timeout_seconds: float = Field(default=60, gt=0, le=900)
    full_page: bool = True
    pdf_format: Literal["A4", "A3", "Letter", "Legal", "Tabloid"] = "A4"
    landscape: bool = True

    @field_validator("url")
    @classmethod
    def _http(cls, url: str | None) -> str | None:
        if url is not None and urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("url must be http or https")
        return url

    @model_validator(mode="after")
    def _one_page(self) -> BrowserSource:
        if (self.url is None) == (self.quicksight is None):
            raise ValueError("give either url or quicksight (an embedded dashboard)")
        return self

    @field_validator("wait_for", mode="before")
    @classmethod
    def _conditions(cls, wait_for: object) -> object:
        return [wait_for] if isinstance(wait_for, str) else wait_for

    @field_validator("wait_for")
    @classmethod
    def _known_waits(cls, wait_for: list[str]) -> list[str]:
        return [check_condition(condition) for condition in wait_for]

    @property
    def readiness(self) -> Readiness:
        return Readiness.of(self.wait_for, self.settle_ms, self.frame)


def watchdog_seconds(source: BrowserSource) -> float:
    """Twice the source's timeout (a page), four times with ``form_login`` (a sign-in and a page,
    then once more after a renewal), and a grace."""
    pages = 4 if isinstance(source.auth, FormLoginAuth) else 2
    return source.timeout_seconds * pages + WATCHDOG_GRACE_SECONDS


def memory_bounded(concurrency: int, page_budget_mb: int, meminfo: str = "/proc/meminfo") -> int:
    try:
        with open(meminfo) as info:
            available_kb = next(int(line.split()[1]) for line in info if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        return max(1, min(concurrency, 2))
    return max(1, min(concurrency, available_kb // 1024 // page_budget_mb))


class BrowserRenderer:
    name = "browser"
    formats = frozenset({"pdf", "png"})

    def __init__(
        self,
        executable: str,
        concurrency: int,
        page_budget_mb: int,
        recycle_after: int,
        embeds: EmbedUrls | None = None,
        secrets: BrowserSecrets | None = None,
    ) -> None:
        self.max_concurrency = memory_bounded(concurrency, page_budget_mb)
        self.pool = BrowserPool(executable, recycle_after)
        self._embeds = embeds
        self._secrets = secrets or BrowserSecrets(None)
        self._sessions = LoginSessions(self._secrets)

    async def render(self, job: JobMessage, report: ReportSpec, sink: Sink) -> None:
        source, url = await self._target(job, report)
        sent = await credentials(source.auth, url, self._secrets)
        timeout_ms = source.timeout_seconds * 1000
        lease = await self._acquire()
        try:
            # A wedged browser must fail the job, never hold it.
            async with asyncio.timeout(watchdog_seconds(source)):
                data = await self._capture(lease, job.format, source, url, timeout_ms, sent)
        except InvalidRenderError:
            if source.auth is not None:  # refused, perhaps rotated: the next job reads it afresh
                self._secrets.forget(source.auth.secret)
            raise
        except TimeoutError as exc:
            await self.pool.discard(lease)
            raise TransientRenderError(f"the browser stopped answering while rendering {url}") from exc
        except PlaywrightTimeoutError as exc:
            inside = f" in the frame {source.frame!r}" if source.frame else ""
            raise RenderTimeoutError(
                f"{url} did not settle ({', '.join(source.wait_for)}{inside})"
                f" within {source.timeout_seconds:g}s"
            ) from exc
        except PlaywrightError as exc:
            state = "the browser crashed" if not lease.browser.is_connected() else "the page failed"
            raise TransientRenderError(f"{state}: {str(exc).splitlines()[0]}") from exc
        finally:
            await self.pool.release(lease)
        await sink.write(data)

    async def _capture(
        self, lease: Lease, fmt: str, source: BrowserSource, url: str, timeout_ms: float, sent: Credentials
    ) -> bytes:
        login = source.auth if isinstance(source.auth, FormLoginAuth) else None
        if login is None:
            return await self._page(lease, fmt, source, url, timeout_ms, sent, None)
        session = await self._sessions.state(login, lease.browser, timeout_ms)
        try:
            return await self._page(lease, fmt, source, url, timeout_ms, sent, session)
        except SessionExpired:
            log.info("%s sent the job back to %s: signing in again", url, login.login_url)
        session = await self._sessions.renew(login, session, lease.browser, timeout_ms)
        try:
            return await self._page(lease, fmt, source, url, timeout_ms, sent, session)
        except SessionExpired:
            self._sessions.forget(login)
            raise InvalidRenderError(
                f"{url} sent the browser back to {login.login_url} right after signing in again"
                " (does this user have access to the dashboard?)"
            ) from None

    async def _page(
        self,
        lease: Lease,
        fmt: str,
        source: BrowserSource,
        url: str,
        timeout_ms: float,
        sent: Credentials,
        session: StorageState | None,
    ) -> bytes:
        """One page: open ``url`` (in error causes; a guest token may be added to what is opened),
        wait for it to be ready, capture it."""
        viewport = source.viewport
        async with fresh_page(lease.browser, viewport.width, viewport.height, session) as page:
            ready = source.readiness
            started = time.monotonic()
            target = await sent.apply(page.context, url, timeout_ms)
            try:
                response = await page.goto(target, wait_until=ready.navigation, timeout=timeout_ms)
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):
                    raise InvalidRenderError(f"{url} is a file download, not a page") from exc
                raise
            if isinstance(source.auth, FormLoginAuth) and source.auth.sent_back(page.url, response):
                raise SessionExpired
            if response is not None and response.status >= 400:
                error = TransientRenderError if response.status >= 500 else InvalidRenderError
                raise error(f"{url} answered HTTP {response.status}")
            await ready.wait(page, started, timeout_ms)
            if fmt == "pdf":
                return await page.pdf(
                    format=source.pdf_format, landscape=source.landscape, print_background=True
                )
            return await page.screenshot(full_page=source.full_page, type="png")

    async def _acquire(self) -> Lease:
        try:
            return await self.pool.acquire()
        except PlaywrightError as exc:
            raise TransientRenderError(f"cannot start chromium: {str(exc).splitlines()[0]}") from exc

    async def _target(self, job: JobMessage, report: ReportSpec) -> tuple[BrowserSource, str]:
        source = parse_source(BrowserSource, report)
        params = job.params
        if source.url is not None:
            return source, page_url(source.url, params, report.name, scope_texts(job, report))
        assert source.quicksight is not None
        if self._embeds is None:
            raise InvalidRenderError(
                f"report {report.name!r} embeds QuickSight, but this agent has no QuickSight account"
                " (SNAPSHOT_QUICKSIGHT_ACCOUNT_ID)"
            )
        tags = quicksight_tags(job, report)
        return source, await self._embeds.url(source.quicksight, params, report.name, tags)

    async def close(self) -> None:
        await self.pool.close()
