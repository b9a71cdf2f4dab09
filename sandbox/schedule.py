"""What EventBridge Scheduler does with a function-bound schedule, which moto cannot: invoke the
function with the schedule's input every ``seconds`` while the block runs (a handler that raises
is logged and the next tick tries again, as the next scheduled invoke would)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sandbox.event_shim import Handler
from sandbox.lambda_runtime import LambdaContext

log = logging.getLogger(__name__)


async def _tick(seconds: float, name: str, handler: Handler, event: dict[str, Any]) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await asyncio.to_thread(handler, dict(event), LambdaContext(name))
        except Exception:
            log.exception("%s failed on its schedule; the next tick tries again", name)


@contextlib.asynccontextmanager
async def every(seconds: float, name: str, handler: Handler, event: dict[str, Any]) -> AsyncIterator[None]:
    task = asyncio.create_task(_tick(seconds, name, handler, event), name=f"schedule-{name}")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
