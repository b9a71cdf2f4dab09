"""One Chromium per agent, shared by the browser renderer's jobs (a context each).

The browser is replaced after ``recycle_after`` jobs (Chromium's memory only grows) and whenever it
is found disconnected (crashed, killed). A replaced browser keeps serving the jobs already on it
and closes when the last of them is done, so recycling never cuts a render short.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Browser, Playwright, async_playwright

log = logging.getLogger(__name__)
# Chromium's own sandbox needs user namespaces, which the agent's systemd unit denies
# (RestrictNamespaces, NoNewPrivileges); the unit's sandbox contains the browser instead.
# Local Network Access checks off: a response the renderer fetched itself (an authenticated
# request, browser_auth) reaches Chromium with no address, so Chromium would treat the dashboard
# as a public site and refuse every asset it loads from the agent's private network.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--hide-scrollbars",
    "--disable-features=LocalNetworkAccessChecks",
]


@dataclass
class Lease:
    browser: Browser
    started: int = 0
    active: int = 0
    retired: bool = False


class BrowserPool:
    def __init__(self, executable: str, recycle_after: int) -> None:
        self._executable = executable
        self._recycle_after = recycle_after
        self._playwright: Playwright | None = None
        self._current: Lease | None = None
        self._lock = asyncio.Lock()
        self.launches = 0

    async def acquire(self) -> Lease:
        async with self._lock:
            current = self._current
            if (
                current is None
                or not current.browser.is_connected()
                or current.started >= self._recycle_after
            ):
                if current is not None:
                    await self._retire(current)
                current = self._current = Lease(await self._launch())
            current.started += 1
            current.active += 1
            return current

    async def release(self, lease: Lease) -> None:
        lease.active -= 1
        if lease.retired and lease.active == 0:
            await _close(lease.browser)

    async def discard(self, lease: Lease) -> None:
        """A browser that stopped answering: no new job goes to it, and it is closed now."""
        async with self._lock:
            if self._current is lease:
                self._current = None
        lease.retired = True
        await _close(lease.browser)

    async def _launch(self) -> Browser:
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        browser = await self._playwright.chromium.launch(
            executable_path=self._executable, headless=True, args=LAUNCH_ARGS
        )
        self.launches += 1
        log.info("chromium %s launched (%d so far)", browser.version, self.launches)
        return browser

    async def _retire(self, lease: Lease) -> None:
        lease.retired = True
        if lease.active == 0 or not lease.browser.is_connected():
            await _close(lease.browser)

    async def close(self) -> None:
        async with self._lock:
            if self._current is not None:
                await _close(self._current.browser)
                self._current = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None


async def _close(browser: Any) -> None:
    with contextlib.suppress(Exception):
        await browser.close()
