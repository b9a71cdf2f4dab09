"""What a page means by "ready": the browser renderer's ``wait_for`` conditions, checked in order
after the page has loaded, then an optional settle delay for charts that animate.

- ``networkidle`` / ``load``: how the navigation itself ends (``networkidle`` when either is named);
- ``selector:<css>``: an element matching it is visible;
- ``hidden:<css>``: no element matching it is visible any more (a spinner gone);
- ``function:<js expression>``: the expression is truthy in the page (``wait_for_function``).

Each condition has the source's whole timeout, counted from the navigation's start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from playwright.async_api import Page

Navigation = Literal["load", "networkidle"]
KINDS = ("selector:", "hidden:", "function:")


@dataclass(frozen=True)
class Readiness:
    navigation: Navigation
    conditions: tuple[str, ...]
    settle_ms: int

    @classmethod
    def of(cls, wait_for: list[str], settle_ms: int) -> Readiness:
        navigation: Navigation = "networkidle" if "networkidle" in wait_for else "load"
        conditions = tuple(c for c in wait_for if c not in ("networkidle", "load"))
        return cls(navigation, conditions, settle_ms)

    async def wait(self, page: Page, started: float, timeout_ms: float) -> None:
        for condition in self.conditions:
            left = max(1.0, timeout_ms - (time.monotonic() - started) * 1000)
            kind, _, argument = condition.partition(":")
            if kind == "selector":
                await page.wait_for_selector(argument, state="visible", timeout=left)
            elif kind == "hidden":
                await page.wait_for_selector(argument, state="hidden", timeout=left)
            else:
                await page.wait_for_function(argument, timeout=left, polling=100)
        if self.settle_ms:
            await page.wait_for_timeout(self.settle_ms)


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
