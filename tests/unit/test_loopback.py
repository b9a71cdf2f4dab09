"""The loopback server's own limits reach every connection: a 20 KiB header (over aiohttp's 8 KiB
default) reaches the app, which then decides, and no connection falls back to aiohttp's
defaults (which it logs as a warning)."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web

from sandbox.loopback import serve_on_loopback


async def test_a_long_header_reaches_the_app(caplog: pytest.LogCaptureFixture) -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(text=str(len(request.headers["X-Long"])))

    app = web.Application()
    app.router.add_get("/", echo)
    runner, port = await serve_on_loopback(app)
    url = f"http://127.0.0.1:{port}/"
    with caplog.at_level(logging.INFO, logger="aiohttp"):
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, headers={"X-Long": "x" * 20_000}) as answer,
        ):
            assert answer.status == 200
            assert await answer.text() == "20000"
    await runner.cleanup()
    assert not [r for r in caplog.records if "falling back" in r.getMessage()]
    assert not [r for r in caplog.records if r.name == "aiohttp.access"], "the access log is off"
