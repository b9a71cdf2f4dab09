from __future__ import annotations

import asyncio

from agent.batcher import Batcher
from tests.support.waiting import eventually


async def test_full_batches_go_at_once_and_the_rest_after_the_delay() -> None:
    sent: list[list[int]] = []

    async def send(batch: list[int]) -> None:
        sent.append(batch)

    batcher: Batcher[int] = Batcher(send, max_size=10, max_delay=0.05)
    for n in range(23):
        batcher.add(n)
    await asyncio.sleep(0)
    assert [len(b) for b in sent] == [10, 10]
    await eventually(lambda: len(sent) == 3, within=2, every=0.01)  # the rest after max_delay
    assert [len(b) for b in sent] == [10, 10, 3]
    assert [n for b in sent for n in b] == list(range(23))


async def test_close_flushes_and_a_failing_send_does_not_break_the_batcher() -> None:
    sent: list[list[int]] = []

    async def send(batch: list[int]) -> None:
        if batch[0] == 0:
            raise RuntimeError("boom")
        sent.append(batch)

    batcher: Batcher[int] = Batcher(send, max_size=2, max_delay=10)
    for n in range(5):
        batcher.add(n)
    await batcher.close()
    assert sent == [[2, 3], [4]]
