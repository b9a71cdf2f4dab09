"""A load in a process of its own, for a test to kill halfway:
``python -m tests.loads.load_in_process <url> <table> <csv> <load id>``. Prints "merging" just
before the load starts (checking and merging overlap), and "merged" when it committed."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from agent.jobs.load.databases import LoadDatabases
from agent.jobs.load.merge import LoadRecord
from agent.jobs.load.pipeline import check_and_merge
from tests.loads.conftest import sales_dataset


async def main(url: str, table: str, source: Path, load_id: str) -> None:
    databases = LoadDatabases({"db": url})
    engine = await databases.get("db")
    dataset = sales_dataset(table, "append")
    with tempfile.TemporaryDirectory() as work:
        record = LoadRecord(load_id, "sales", f"file://{source}", "e", "")
        print("merging", flush=True)
        await check_and_merge(source, "csv", dataset, engine, record, Path(work))
    print("merged", flush=True)
    await databases.close()


if __name__ == "__main__":
    url, table, source, load_id = sys.argv[1:5]
    asyncio.run(main(url, table, Path(source), load_id))
