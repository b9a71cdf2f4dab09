"""One extract measurement in a process of its own, so each peak RSS is its own:
``python -m bench.extract_run PATH SERVER FORMAT ROWS`` prints one JSON line.

PATH is ``renderer`` (the agent's ``sql`` renderer, its default settings, into a sink that
discards), ``connectorx`` (ConnectorX streaming, batches of 50k, into pyarrow's own writers and
a byte-counting sink: the issue's reference), MariaDB's other routes to Arrow
(``bench.extract_routes``: ``connectorx_text``, ``connectorx_partitioned``, ``client``),
``cli`` (the server's own export, read and discarded), or ``sqlite`` / ``sqlite3`` (the
renderer on the sandbox's SQLite dataset, and the standard library's cursor over it as the
floor). The renderer's process imports the whole agent, so its peak RSS is the agent's; its
reader processes are sampled apart.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

import agent.app  # noqa: F401  (the agent's whole footprint, as when it renders)
from agent.renderers.sql.extract.governed import DIALECTS
from agent.renderers.sql.extract.sources import DataSources
from agent.renderers.sql.renderer import SqlRenderer
from agent.settings import AgentSettings
from bench.extract_data import COLUMNS, SERVERS, TABLE, query
from bench.extract_routes import ROUTES, measured, streaming
from bench.extract_routes import measure as measure_route
from contracts.catalog import parse_catalog
from contracts.messages import JobMessage
from sandbox.dataset import REGIONS, ensure_dataset
from sandbox.platform import ROOT

SQLITE_DATASET = ROOT / "data" / "demo.db"  # the sandbox's own (sandbox.runtime.DATA_DIR)


class CountingSink:
    """Discards what it is given; counts its bytes and line ends (a CSV's rows, plus its header)."""

    def __init__(self) -> None:
        self.bytes = 0
        self.lines = 0

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        self.bytes += len(data)
        # Counted in place (the renderer's chunks are bytes): a copy would weigh on its time.
        self.lines += (data if isinstance(data, bytes | bytearray) else data.tobytes()).count(b"\n")


class ReaderMemory:
    """Peak RSS of the renderer's reader processes (children of its fork server), sampled."""

    def __init__(self, renderer: SqlRenderer) -> None:
        self._renderer = renderer
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ReaderMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.1):
            server = self._renderer._readers._process
            if server is None:
                continue
            for pid in _children(server.pid):
                self.peak_mb = max(self.peak_mb, _rss_mb(pid))


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


# The bench's table is governed, and the caller entitled to every region it holds: the rewritten
# query (a filtered derived table, the regions bound) runs over every row, as a real one would.
SCOPE = {"bench": sorted(REGIONS)}


def _job(fmt: str, params: dict[str, Any], table: str) -> JobMessage:
    key = uuid.uuid4().hex
    return JobMessage(
        v=1, snapshot_id=f"{key}-g1", key=key, generation=1, report="extract", format=fmt, params=params,
        data_version=None, scope={f"bench.{table}": SCOPE["bench"]}, bucket="bench", s3_key="bench",
        task_token="bench",
    )  # fmt: skip


def _report(sql: str, url: str, table: str, governed: bool = True) -> Any:
    dialect = DIALECTS[make_url(url).get_backend_name()]
    declared = f"""
[datasources.bench]
dialect = "{dialect}"
[datasources.bench.governed.{table}]
column = "region"
entitlement = "region"
"""
    catalog = parse_catalog(f"""{declared if governed else ""}
[reports.extract]
renderer = "sql"
formats = ["csv", "parquet", "xlsx"]
[reports.extract.params.rows]
type = "integer"
[reports.extract.source]
datasource = "bench"
query = "{sql}"
[reports.extract.access]
callers = ["*"]
""")
    return catalog.reports["extract"]


async def renderer(
    url: str, fmt: str, rows: int, table: str = TABLE, governed: bool = True
) -> dict[str, Any]:
    """The agent's renderer over ``table``; ``governed=False``: the same query with no governed
    table declared (the rewrite's own cost is the difference)."""
    defaults = {name: field.default for name, field in AgentSettings.model_fields.items()}
    sql = SqlRenderer(
        {"bench": url},
        defaults["sql_concurrency"],
        defaults["sql_batch_rows"],
        defaults["sql_fast_batch_rows"] if defaults["sql_fast_path"] else None,
        copy_client=defaults["sql_copy_client"] or None,
    )
    report = _report(f"SELECT {COLUMNS} FROM {table} WHERE id <= :rows ORDER BY id", url, table, governed)
    try:
        await sql.render(_job(fmt, {"rows": 10}, table), report, CountingSink())  # warm: the fork server
        sink = CountingSink()
        with ReaderMemory(sql) as readers:
            started = time.perf_counter()
            await sql.render(_job(fmt, {"rows": rows}, table), report, sink)
            seconds = time.perf_counter() - started
    finally:
        await sql.close()
    return {
        "seconds": seconds,
        "bytes": sink.bytes,
        "lines": sink.lines,
        "reader_peak_rss_mb": readers.peak_mb,
    }


def _connectorx_url(url: str) -> str:
    fast = asyncio.run(DataSources({"bench": url}).get("bench")).fast  # the URL the agent's readers get
    assert fast is not None
    return fast.connectorx_url


def connectorx(url: str, fmt: str, rows: int) -> dict[str, Any]:
    target = _connectorx_url(url)
    return measured(lambda: streaming(target, query(rows)), fmt)


def cli(name: str, rows: int) -> dict[str, Any]:
    server = next(s for s in SERVERS if s.name == name)
    sql = query(rows) if name == "mariadb" else f"\\copy ({query(rows)}) TO STDOUT WITH CSV HEADER"
    started = time.perf_counter()
    export = subprocess.Popen(server.cli(sql), env=server.env(), stdout=subprocess.PIPE)
    assert export.stdout is not None
    size = lines = 0
    while chunk := export.stdout.read(1 << 20):
        size += len(chunk)
        lines += chunk.count(b"\n")
    if export.wait() != 0:
        raise RuntimeError(f"{name}'s export failed")
    return {"seconds": time.perf_counter() - started, "bytes": size, "lines": lines}


def sqlite3_floor(rows: int) -> dict[str, Any]:
    """The standard library's cursor over the same query, rows fetched and dropped."""
    dataset = ensure_dataset(SQLITE_DATASET)
    started = time.perf_counter()
    with sqlite3.connect(dataset) as db:
        cursor = db.execute(f"SELECT id, day, region, product, units, amount FROM sales WHERE id <= {rows}")
        fetched = 0
        while batch := cursor.fetchmany(5000):
            fetched += len(batch)
    return {"seconds": time.perf_counter() - started, "bytes": 0, "rows_read": fetched}


def measure(path: str, server: str, fmt: str, rows: int) -> dict[str, Any]:
    if path in ("renderer", "ungoverned"):
        url = next(s.url for s in SERVERS if s.name == server)
        result = asyncio.run(renderer(url, fmt, rows, governed=path == "renderer"))
    elif path == "sqlite":
        dataset = ensure_dataset(SQLITE_DATASET)
        result = asyncio.run(renderer(f"sqlite+aiosqlite:///{dataset}", fmt, rows, table="sales"))
    elif path == "sqlite3":
        result = sqlite3_floor(rows)
    elif path == "connectorx":
        result = connectorx(next(s.url for s in SERVERS if s.name == server), fmt, rows)
    elif path in ROUTES:
        url = next(s.url for s in SERVERS if s.name == server)
        result = measure_route(path, _connectorx_url(url), query(rows))
    elif path == "cli":
        result = cli(server, rows)
    else:
        raise SystemExit(f"unknown path {path!r}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "path": path,
        "server": server,
        "format": fmt,
        "rows": rows,
        "peak_rss_mb": peak_kb / 1024,
        **result,
    }


if __name__ == "__main__":
    path, server, fmt, rows = sys.argv[1:5]
    print(json.dumps(measure(path, server, fmt, int(rows))))
