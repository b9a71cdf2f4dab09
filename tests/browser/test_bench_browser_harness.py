"""The browser bench's harness, on a few pages: the renderer and the bare Playwright loop both
capture, in pairs, and every figure the README's table names comes out with its spread."""

from __future__ import annotations

import asyncio

from bench.browser import measure, measure_auth


def test_the_renderer_is_paired_with_a_bare_playwright_loop(chromium: str) -> None:
    figures = asyncio.run(measure(pages=4, pairs=2))
    low, high = figures["browser_ratio_spread"]
    assert 0 < low <= figures["browser_ratio"] <= high
    assert figures["browser_pages_per_min"] > 0 and figures["browser_bare_pages_per_min"] > 0
    assert figures["browser_pages"] == 4 * 3  # the memory turn and two pairs' of ours
    assert figures["browser_rss_mb_per_page"] >= 0


def test_header_auth_is_priced_against_anonymous_and_bare_pages(chromium: str) -> None:
    figures = asyncio.run(measure_auth(pages=3, pairs=3))
    for name in ("browser_auth_ratio", "browser_auth_bare_ratio"):
        low, high = figures[f"{name}_spread"]
        assert 0 < low <= figures[name] <= high
    assert figures["browser_auth_assets_per_page"] == 25
