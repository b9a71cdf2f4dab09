"""``form_login``: a dashboard that signs users in through its own login form (Grafana, Superset,
Metabase, an internal app). The agent fills the form with the secret's ``username`` and
``password``, waits for the post-login check, and keeps the session it got (the context's
cookies and local storage, in memory only) for every later job of the same login. A job sent
back to the login page (or answered 401/403) signs in again once; sent back again, it fails
``Render.Invalid``. Concurrent jobs share one login: only one signs in, the others wait for it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Literal
from urllib.parse import urlsplit

from playwright.async_api import Browser, StorageState
from playwright.async_api import Response as PageResponse
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent.jobs.errors import InvalidRenderError
from agent.renderers.browser.page import fresh_page
from agent.renderers.browser.ready import Readiness, check_condition
from agent.renderers.browser.secrets import BrowserSecrets, SecretId
from agent.renderers.spec import WebUrl

LOGIN_VIEWPORT = (1280, 800)


class FormLoginAuth(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["form_login"]
    secret: SecretId
    login_url: WebUrl
    username_selector: str = Field(default="input[name=username]", min_length=1)
    password_selector: str = Field(default="input[type=password]", min_length=1)
    submit_selector: str = Field(default="[type=submit]", min_length=1)
    # selector:/hidden:/function: met once signed in; by default, the browser leaving login_url.
    logged_in: str | None = None

    @field_validator("logged_in")
    @classmethod
    def _condition(cls, condition: str | None) -> str | None:
        if condition is not None and check_condition(condition) in ("networkidle", "load"):
            raise ValueError("logged_in is a selector:, hidden: or function: condition")
        return condition

    def sent_back(self, url: str, response: PageResponse | None) -> bool:
        """The dashboard refused the session: it answered 401/403 or sent the browser to login."""
        if response is not None and response.status in (401, 403):
            return True
        return _place(url) == _place(self.login_url)


class SessionExpired(Exception):
    """The dashboard sent a job back to its login page."""


class LoginSessions:
    def __init__(self, secrets: BrowserSecrets) -> None:
        self._secrets = secrets
        self._states: dict[FormLoginAuth, StorageState] = {}
        self._locks: dict[FormLoginAuth, asyncio.Lock] = {}
        self.logins = 0

    async def state(self, auth: FormLoginAuth, browser: Browser, timeout_ms: float) -> StorageState:
        async with self._locks.setdefault(auth, asyncio.Lock()):
            if auth not in self._states:
                self._states[auth] = await self._log_in(auth, browser, timeout_ms)
            return self._states[auth]

    async def renew(
        self, auth: FormLoginAuth, stale: StorageState, browser: Browser, timeout_ms: float
    ) -> StorageState:
        """A new session, unless another job has already replaced ``stale``."""
        async with self._locks.setdefault(auth, asyncio.Lock()):
            if self._states.get(auth) is stale:
                del self._states[auth]
                self._states[auth] = await self._log_in(auth, browser, timeout_ms)
            return self._states[auth]

    def forget(self, auth: FormLoginAuth) -> None:
        self._states.pop(auth, None)

    async def _log_in(self, auth: FormLoginAuth, browser: Browser, timeout_ms: float) -> StorageState:
        found = await self._secrets.fields(auth.secret, "username", "password")
        self.logins += 1
        async with fresh_page(browser, *LOGIN_VIEWPORT) as page:
            started = time.monotonic()

            def left() -> float:  # the whole login has the source's timeout
                return max(1.0, timeout_ms - (time.monotonic() - started) * 1000)

            response = await page.goto(auth.login_url, wait_until="load", timeout=left())
            if response is not None and response.status >= 400:
                raise InvalidRenderError(f"login page {auth.login_url} answered HTTP {response.status}")
            form = [
                (auth.username_selector, found["username"]),
                (auth.password_selector, found["password"]),
                (auth.submit_selector, None),
            ]
            for selector, value in form:
                try:
                    if value is None:
                        await page.click(selector, timeout=left())
                    else:
                        await page.fill(selector, value, timeout=left())
                except PlaywrightTimeoutError:
                    raise InvalidRenderError(f"login page {auth.login_url} has no {selector}") from None
            try:
                if auth.logged_in is not None:
                    await Readiness.of([auth.logged_in], 0).wait(page, started, timeout_ms)
                else:
                    await page.wait_for_url(lambda url: _place(url) != _place(auth.login_url), timeout=left())
            except PlaywrightTimeoutError:
                raise InvalidRenderError(
                    f"signing in at {auth.login_url} with secret {auth.secret} did not succeed within"
                    f" {timeout_ms / 1000:g}s (wrong username or password?)"
                ) from None
            return await page.context.storage_state()


def _place(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower(), parts.path.rstrip("/") or "/"
