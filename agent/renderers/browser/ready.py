"""What a page means by "ready": the browser renderer's ``wait_for`` conditions, checked in order
after the page has loaded, then an optional settle delay for charts that animate.

- ``networkidle`` / ``load``: how the navigation itself ends (``networkidle`` when either is named);
- ``selector:<css>``: an element matching it is visible;
- ``hidden:<css>``: no element matching it is visible any more (a spinner gone);
- ``function:<js expression>``: the expression is truthy in the page (``wait_for_function``).

With a ``frame`` (the CSS of an ``<iframe>``), the three conditions look inside that frame instead:
an embedded dashboard draws in its own frame, often from another origin, where the host page's
DOM cannot see. Each condition has the source's whole timeout, counted from the navigation's start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from playwright.async_api import Frame, Page

from agent.jobs.errors import InvalidRenderError

Navigation = Literal["load", "networkidle"]
KINDS = ("selector:", "hidden:", "function:")


@dataclass(frozen=True)
class Readiness:
    navigation: Navigation
    conditions: tuple[str, ...]
    settle_ms: int
    frame: str | None

    @classmethod
    def of(cls, wait_for: list[str], settle_ms: int, frame: str | None = None) -> Readiness:
        navigation: Navigation = "networkidle" if "networkidle" in wait_for else "load"
        conditions = tuple(c for c in wait_for if c not in ("networkidle", "load"))
        return cls(navigation, conditions, settle_ms, frame)

    async def wait(self, page: Page, started: float, timeout_ms: float) -> None:
        def left() -> float:
            return max(1.0, timeout_ms - (time.monotonic() - started) * 1000)

        scope = page.main_frame if self.frame is None else await inner_frame(page, self.frame, left())
        for condition in self.conditions:
            kind, _, argument = condition.partition(":")
            if kind == "selector":
                await scope.wait_for_selector(argument, state="visible", timeout=left())
            elif kind == "hidden":
                await scope.wait_for_selector(argument, state="hidden", timeout=left())
            else:
                await scope.wait_for_function(argument, timeout=left(), polling=100)
        if self.settle_ms:
            await page.wait_for_timeout(self.settle_ms)


async def inner_frame(page: Page, css: str, timeout_ms: float) -> Frame:
    """The frame an ``<iframe>`` matching ``css`` holds, once the host page has made it."""
    element = await page.wait_for_selector(css, state="attached", timeout=timeout_ms)
    frame = await element.content_frame() if element is not None else None
    if frame is None:
        raise InvalidRenderError(f"the frame {css!r} matches an element that is not an iframe")
    return frame


def check_condition(condition: str) -> str:
    """One ``wait_for`` entry as the catalog may give it, else ValueError saying what is allowed."""
    if condition in ("networkidle", "load"):
        return condition
    for kind in KINDS:
        if condition.startswith(kind) and condition[len(kind) :].strip():
            return condition
    raise ValueError(
        "wait_for entries are networkidle, load, selector:<css>, hidden:<css> or function:<js>,"
        f" not {condition!r}"
    )
