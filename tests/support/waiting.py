"""Waiting for a condition instead of sleeping a fixed time (the sandbox's own, shared), and for a
cancelled task to end."""

import asyncio

from sandbox.waiting import eventually

__all__ = ["cancelled", "eventually"]


async def cancelled(task: asyncio.Task[None]) -> None:
    """Cancel ``task`` and wait until it has ended, whatever it raised."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
