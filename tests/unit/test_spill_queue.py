"""The fast reader's queue: order kept across memory and disk, memory bounded, disk given back."""

from __future__ import annotations

import threading

from agent.renderers.sql.extract.spill_queue import SpillQueue


def item(n: int, size: int = 100) -> memoryview:
    return memoryview(n.to_bytes(4, "big") * (size // 4))


def test_items_come_out_in_order_whether_kept_in_memory_or_spilled() -> None:
    queue = SpillQueue(memory_bytes=1_000)
    for n in range(50):
        queue.put(item(n))
    queue.close()
    assert queue.spilled_bytes == 40 * 100  # ten fit in memory, the rest went to disk
    out = []
    while (got := queue.get()) is not None:
        out.append(bytes(got))
    assert out == [bytes(item(n)) for n in range(50)]


def test_once_something_is_on_disk_later_items_follow_it_there() -> None:
    queue = SpillQueue(memory_bytes=250)
    queue.put(item(0))
    queue.put(item(1))
    queue.put(item(2))  # spills
    assert bytes(queue.get() or b"") == bytes(item(0))  # room in memory again...
    queue.put(item(3))  # ...but 3 must not overtake 2
    queue.close()
    assert [bytes(queue.get() or b"") for _ in range(3)] == [bytes(item(n)) for n in (1, 2, 3)]
    assert queue.get() is None


def test_a_drained_spill_file_is_given_back_and_used_afresh() -> None:
    queue = SpillQueue(memory_bytes=0)
    queue.put(item(1))
    assert queue._spill is not None
    assert bytes(queue.get() or b"") == bytes(item(1))
    assert queue._spill is None and queue._spill_end == 0
    queue.put(item(2))
    queue.close()
    assert bytes(queue.get() or b"") == bytes(item(2))


def test_a_consumer_waits_for_items_and_ends_at_close() -> None:
    queue = SpillQueue(memory_bytes=300)
    got: list[bytes] = []

    def consume() -> None:
        while (entry := queue.get()) is not None:
            got.append(bytes(entry))

    consumer = threading.Thread(target=consume)
    consumer.start()
    for n in range(200):
        queue.put(item(n, size=64))
    queue.close()
    consumer.join(10)
    assert not consumer.is_alive()
    assert got == [bytes(item(n, size=64)) for n in range(200)]
