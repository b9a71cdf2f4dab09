"""An aiohttp app served on loopback, as every local stand-in here is (the API, the QuickSight
stand-in, the dashboard site, the tests' and the bench's pages)."""

from __future__ import annotations

from aiohttp import web


async def serve_on_loopback(app: web.Application, port: int = 0) -> tuple[web.AppRunner, int]:
    """The running app and its port (``port`` 0 picks a free one); ``runner.cleanup()`` stops it.
    aiohttp's own limits on the request line and headers (8 KiB) are raised to 64 KiB, so that an
    app that models a stricter limit (the API Gateway's 10 KiB) answers it itself."""
    # AppRunner hands its keywords to each connection's handler (``handler_args`` belongs to
    # run_app: given here, aiohttp dropped every keyword, and the limits and access_log with it).
    runner = web.AppRunner(app, access_log=None, max_line_size=65536, max_field_size=65536)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, int(runner.addresses[0][1])
