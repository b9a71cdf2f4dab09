"""The sandbox's API Gateway served from a thread of its own, for clients that block (requests,
Schemathesis) and so cannot share the test's event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack, ExitStack, contextmanager, suppress

from aiohttp import web

from sandbox.loopback import serve_on_loopback


@contextmanager
def api_in_thread(app: web.Application) -> Iterator[str]:
    """The app's base URL while the block runs; it stops when the block ends."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    ports: list[int] = []

    async def serve() -> None:
        async with AsyncExitStack() as stack:
            runner, port = await serve_on_loopback(app)
            stack.push_async_callback(runner.cleanup)
            ports.append(port)
            started.set()
            await asyncio.Event().wait()

    def stop() -> None:
        for task in asyncio.all_tasks(loop):
            loop.call_soon_threadsafe(task.cancel)

    def run() -> None:
        with suppress(asyncio.CancelledError):
            loop.run_until_complete(serve())

    thread = threading.Thread(target=run, daemon=True)
    with ExitStack() as stack:
        stack.callback(loop.close)
        stack.callback(thread.join, 30)
        thread.start()
        stack.callback(stop)
        if not started.wait(timeout=30):
            raise TimeoutError("the API did not start within 30 s")
        yield f"http://127.0.0.1:{ports[0]}"
