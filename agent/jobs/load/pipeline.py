"""Checking a file and merging it, overlapped: the rows are checked in a worker thread (Arrow
releases the GIL, so the agent's other jobs and heartbeats go on) while the merge transaction
loads each finished part of the spool. A load takes about as long as the slower of the two.

Once the file is read, ``checked`` sees what it held (the load job stores the rejects and
holds the file to its reject threshold there): an error from it rolls the whole merge back."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from agent.jobs.errors import JobError
from agent.jobs.load.bulk import spool_for
from agent.jobs.load.merge import Counted, LoadRecord, Merged, Merger
from agent.jobs.load.part_feed import PartFeed
from agent.jobs.load.prepare import LoadCancelled, Prepared, Spool, prepare
from contracts.datasets import DatasetSpec, FileFormat

Checked = Callable[[Prepared], Awaitable[None]]


async def _nothing(_: Prepared) -> None:
    pass


async def check_and_merge(
    source: Path,
    fmt: FileFormat,
    dataset: DatasetSpec,
    engine: AsyncEngine,
    record: LoadRecord,
    work: Path,
    checked: Checked = _nothing,
) -> tuple[Merged, Prepared | None]:
    """The merge's outcome, and what checking found (None when the merge ended before the file was
    read: already loaded, or a newer version merged)."""
    feed = PartFeed()
    spool = spool_for(engine.dialect.name)
    cancelled = threading.Event()

    def make_spool(path: Path, spec: DatasetSpec) -> Spool:
        return spool(path, spec, feed.part_done)

    checking = asyncio.get_running_loop().run_in_executor(
        None, prepare, source, fmt, dataset, make_spool, work, cancelled
    )
    feed.follow(checking)
    found: list[Prepared] = []

    async def settle() -> Counted:
        prepared = await checking
        found.append(prepared)
        await checked(prepared)
        return Counted(prepared.good_rows, prepared.rejected_rows)

    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(_stopped, checking, cancelled)
        merged = await Merger(engine, dataset).merge(record, feed.parts(), settle)
    return merged, (found[0] if found else None)


async def _stopped(checking: asyncio.Future[Prepared], cancelled: threading.Event) -> None:
    """However the merge ended, the checking thread is done before its work directory goes: told
    to stop at its next batch if it still runs (the merge failed, or needed nothing)."""
    if not checking.done():
        cancelled.set()
    with contextlib.suppress(LoadCancelled, JobError):
        await asyncio.shield(checking)
