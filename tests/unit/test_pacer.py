"""The pacer's spacing counts from when a call was let through, even when the loop wakes late."""

from __future__ import annotations

import asyncio
import itertools
import time

from agent.pacer import Pacer


async def test_calls_are_spaced_and_the_first_waits_too() -> None:
    pacer = Pacer(0.1)
    started = time.monotonic()
    released = []
    for _ in range(3):
        await pacer.wait()
        released.append(time.monotonic() - started)
    assert released[0] >= 0.1
    assert all(b - a >= 0.1 for a, b in itertools.pairwise(released))


async def test_a_late_wake_does_not_shorten_the_next_gap() -> None:
    pacer = Pacer(0.2)
    waiter = asyncio.create_task(pacer.wait())
    await asyncio.sleep(0)
    # The loop is blocked past the first call's time, so that call is let through late.
    time.sleep(0.35)  # noqa: ASYNC251
    await waiter
    late = time.monotonic()
    await pacer.wait()
    assert time.monotonic() - late >= 0.2
