"""A fresh page for one job (or one login), in a context of its own that is closed with it: no
cookie or storage reaches the next job except a login session handed over on purpose
(``storage_state``). The context refuses downloads, blocks service workers and grants no
permission; a popup is closed as it opens and a dialog is dismissed (Playwright's default)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from playwright.async_api import Browser, Page, StorageState
from playwright.async_api import Error as PlaywrightError

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def fresh_page(
    browser: Browser, width: int, height: int, storage_state: StorageState | None = None
) -> AsyncIterator[Page]:
    context = await browser.new_context(
        viewport={"width": width, "height": height},
        accept_downloads=False,
        service_workers="block",
        storage_state=storage_state,
    )
    async with contextlib.AsyncExitStack() as closing:
        closing.push_async_callback(_close_quietly, context)
        page = await context.new_page()
        context.on("page", _close_popup)
        yield page


async def _close_quietly(closeable: Any) -> None:
    with contextlib.suppress(PlaywrightError):
        await closeable.close()


async def _close_popup(popup: Page) -> None:
    """A page the dashboard opened (window.open, target=_blank): not the capture, closed at once."""
    log.info("closed a popup the page opened: %s", popup.url)
    await _close_quietly(popup)
