"""One load measurement in a process of its own, so its peak RSS is its own:
``python -m bench.load_run <path> <server> <format> <file> <table>``.

``agent``: the load job's work on a file already on disk (every row checked and spooled in a
thread while one merge transaction loads the finished parts, with its ``_loads`` row), through
``agent.jobs.load.pipeline``, as the load job runs it; the S3 fetch is left out, as it
is the same bytes for either path. ``cli``: the server's own bulk path on the same CSV
(``mariadb --local-infile`` ``LOAD DATA LOCAL INFILE``, ``psql \\copy``). Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from agent.jobs.load.databases import LoadDatabases
from agent.jobs.load.merge import LoadRecord
from agent.jobs.load.pipeline import check_and_merge
from bench.extract_data import SERVERS
from bench.load_data import dataset_for


async def agent(server: str, source: Path, table: str) -> dict[str, Any]:
    url = next(s.url for s in SERVERS if s.name == server)
    databases = LoadDatabases({"bench": url})
    dataset = dataset_for(table)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as work:
        record = LoadRecord(f"ld-{uuid.uuid4().hex}", "bench", f"file://{source}", "bench", "")
        fmt = dataset.format_of(source.name) or "csv"
        engine = await databases.get("bench")
        merged, prepared = await check_and_merge(source, fmt, dataset, engine, record, Path(work))
        assert prepared is not None
    seconds = time.perf_counter() - started
    await databases.close()
    return {"seconds": seconds, "rows": merged.rows, "rejected": prepared.rejected_rows}


def cli(server_name: str, source: Path, table: str) -> dict[str, Any]:
    server = next(s for s in SERVERS if s.name == server_name)
    if server.name == "mariadb":
        sql = (
            f"LOAD DATA LOCAL INFILE '{source}' INTO TABLE {table} FIELDS TERMINATED BY ','"
            " OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\n' IGNORE 1 LINES"
        )
        command = server.cli(sql, "--local-infile=1")
    else:
        command = server.cli(f"\\copy {table} FROM '{source}' WITH (FORMAT csv, HEADER)")
    started = time.perf_counter()
    done = subprocess.run(command, env=server.env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{server.name} bulk load failed: {done.stderr.strip()}")
    return {"seconds": time.perf_counter() - started, "rows": None, "rejected": 0}


def measure(path: str, server: str, fmt: str, source: Path, table: str) -> dict[str, Any]:
    result = asyncio.run(agent(server, source, table)) if path == "agent" else cli(server, source, table)
    return {"path": path, "server": server, "format": fmt, "peak_rss_mb": _peak_rss_mb(), **result}


def _peak_rss_mb() -> float:
    """This process's own high-water mark (VmHWM): ``ru_maxrss`` would carry the bench's own,
    which a fork-and-exec child inherits."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


if __name__ == "__main__":
    path, server, fmt, source, table = sys.argv[1:6]
    print(json.dumps(measure(path, server, fmt, Path(source), table)))
