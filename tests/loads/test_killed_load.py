"""An agent killed in the middle of a merge: the server rolls the transaction back, so the table
is never half-merged, and the load's redelivery then merges it whole, once."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from tests.loads.conftest import HEADER, TARGETS, Target, load_id

ROWS = 400_000
IN_FLIGHT = {
    "mariadb": "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOAD DATA%'",
    "postgres": "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE 'COPY%' AND state = 'active'",
}


def big_csv(path: Path) -> Path:
    with path.open("w") as out:
        out.write(HEADER + "\n")
        for n in range(1000, 1000 + ROWS):
            out.write(f"{n},2024-05-01,EMEA,note {n},{n % 7},{n}.25,0.5,true,2024-05-01T10:00:00Z\n")
    return path


async def seeded(target: Target) -> None:
    first = target.work / "seed.csv"
    first.write_text(HEADER + "\n1,2024-05-01,EMEA,,1,1.00,,,\n2,2024-05-01,EMEA,,2,2.00,,,\n")
    await target.load(first, target.dataset("append"), key="sales/seed.csv")


async def bulk_under_way(target: Target, loader: asyncio.subprocess.Process) -> None:
    """Until the child is inside the merge and, on a server, its bulk statement is running."""
    assert loader.stdout is not None
    line = await loader.stdout.readline()
    assert line.strip() == b"merging", line
    if target.name == "sqlite":
        await asyncio.sleep(0.5)  # executemany of 400,000 rows takes seconds
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        async with target.engine.connect() as conn:
            if (await conn.execute(sa.text(IN_FLIGHT[target.name]))).scalar_one():
                await asyncio.sleep(0.2)
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the bulk statement never showed on the server")


async def test_a_killed_load_leaves_the_table_whole_and_its_redelivery_merges_once(target: Target) -> None:
    await seeded(target)
    source = big_csv(target.work / "big.csv")
    ident = load_id()
    url = TARGETS[target.name].format(work=target.work)
    command = [sys.executable, "-m", "tests.loads.load_in_process", url, target.table, str(source), ident]
    loader = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    await bulk_under_way(target, loader)
    loader.kill()
    assert await loader.wait() == -9, "killed before it could commit"

    async def rolled_back() -> bool:
        async with target.engine.connect() as conn:
            return (
                int((await conn.execute(sa.text(f"SELECT COUNT(*) FROM {target.table}"))).scalar_one()) == 2
            )

    deadline = time.monotonic() + 30
    while not await rolled_back():  # the server notices the dead client and rolls back
        assert time.monotonic() < deadline, "the table holds part of the killed load"
        await asyncio.sleep(0.2)
    assert await target.loads_recorded(ident) == 0

    redelivered = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, errors = await redelivered.communicate()
    assert redelivered.returncode == 0, errors.decode()[-2000:]
    async with target.engine.connect() as conn:
        count = int((await conn.execute(sa.text(f"SELECT COUNT(*) FROM {target.table}"))).scalar_one())
    assert count == 2 + ROWS
    assert await target.loads_recorded(ident) == 1
