"""The fleet-wide semaphore on moto's DynamoDB: never more holders than slots, a dead holder's
slot comes back when its lease runs out, the same work re-enters its own slot at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aioboto3
import pytest

from agent.lease import FleetSemaphore, LeaseLost
from sandbox.platform import Platform


@pytest.fixture
async def dynamodb(platform: Platform) -> AsyncIterator[Any]:
    async with aioboto3.Session().client("dynamodb") as client:
        yield client


def semaphore(dynamodb: Any, platform: Platform, slots: int, lease_seconds: float = 30) -> FleetSemaphore:
    return FleetSemaphore(dynamodb, platform.lease_table, "test", slots, lease_seconds, poll_seconds=0.2)


async def test_never_more_holders_than_slots(dynamodb: Any, platform: Platform) -> None:
    # Three "agents", each its own semaphore object over the same item, 30 jobs. A holder keeps
    # its slot until the slots have been full once (not for a fixed time: on a busy machine four
    # 0.2 s holds need not overlap), so the test shows both that all four slots are handed out
    # and that a fifth never is, while the rest contend for the slots as they come free.
    agents = [semaphore(dynamodb, platform, slots=4) for _ in range(3)]
    holding: set[str] = set()
    most = 0
    full = asyncio.Event()

    async def job(n: int) -> None:
        nonlocal most
        async with agents[n % 3].hold(f"job-{n}"):
            holding.add(f"job-{n}")
            most = max(most, len(holding))
            if len(holding) == 4:
                full.set()
            async with asyncio.timeout(20):  # the four slots must fill
                await full.wait()
            await asyncio.sleep(0.05)
            holding.discard(f"job-{n}")

    await asyncio.gather(*(job(n) for n in range(30)))
    assert most == 4
    assert await agents[0].holders() == {}


async def test_a_dead_holders_slot_returns_when_its_lease_expires(dynamodb: Any, platform: Platform) -> None:
    slots = semaphore(dynamodb, platform, slots=1, lease_seconds=3)
    assert await slots.try_acquire("crashed")  # acquired, then never renewed nor released
    assert not await slots.try_acquire("next")
    started = time.monotonic()
    await asyncio.wait_for(slots.acquire("next"), timeout=10)
    assert 2.0 < time.monotonic() - started < 6
    assert set(await slots.holders()) == {"next"}


async def test_the_same_work_reenters_its_own_slot(dynamodb: Any, platform: Platform) -> None:
    first_worker = semaphore(dynamodb, platform, slots=1)
    second_worker = semaphore(dynamodb, platform, slots=1)
    assert await first_worker.try_acquire("snap-1")
    # The job moved to another worker (its first one died): it takes over the slot at once.
    assert await second_worker.try_acquire("snap-1")
    assert not await second_worker.try_acquire("snap-2")


async def test_renewing_a_pruned_lease_says_it_was_lost(dynamodb: Any, platform: Platform) -> None:
    slots = semaphore(dynamodb, platform, slots=1, lease_seconds=3)
    assert await slots.try_acquire("slow")
    await asyncio.sleep(3.2)
    assert await slots.try_acquire("other")  # prunes the expired "slow"
    with pytest.raises(LeaseLost):
        await slots.renew("slow")
    await slots.release("slow")  # giving back what is gone is harmless
    assert set(await slots.holders()) == {"other"}


async def test_a_held_slot_is_renewed_past_its_lease(dynamodb: Any, platform: Platform) -> None:
    slots = semaphore(dynamodb, platform, slots=1, lease_seconds=3)
    async with slots.hold("long"):
        await asyncio.sleep(4.5)
        assert not await semaphore(dynamodb, platform, slots=1).try_acquire("intruder")
    assert await slots.holders() == {}
