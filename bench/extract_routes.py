"""MariaDB's other routes to Arrow, measured beside ConnectorX's streaming read (the renderer's
reader) so the choice of route is a figure, not a belief, and a machine where the balance turns
shows it. Each reads the bench's query and writes CSV with pyarrow's writer into a counting sink,
the same work as the ``connectorx`` baseline:

- ``connectorx_text``: ConnectorX over the text protocol instead of prepared statements.
- ``connectorx_partitioned``: ConnectorX split on ``id`` into two reads run side by side. The
  renderer could not take it as it is: it needs a numeric key the query does not name, runs the
  query once more for the key's range, and gives up the query's ORDER BY.
- ``client``: the server's own export (``mariadb --batch --quick``) parsed by pyarrow's
  multi-threaded CSV reader, the shape of PostgreSQL's COPY route. A lower bound: it leaves out
  what exactness would add (the client prints a string 'NULL' as it prints NULL, a DOUBLE at 15
  digits, and a carriage return raw).

Each also reports the machine's busy CPU-seconds over its run (``/proc/stat``): on a machine
whose cores the server, the decoder and the writer already fill, a route is faster only if it
does less work, and this says whether it does.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bench.extract_data import SERVERS, Server

BATCH = 50_000  # ConnectorX's batches, the baseline's and every route's
# The bench table's columns as ConnectorX reads them (bench.extract_data's DDL).
SCHEMA = pa.schema([
    ("id", pa.int64()), ("day", pa.date32()), ("region", pa.string()), ("product", pa.string()),
    ("units", pa.int32()), ("amount", pa.decimal128(38, 10)),
])  # fmt: skip


def busy_cpu_seconds() -> float:
    """CPU-seconds every core of the machine has spent busy since boot."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def measured(read: Callable[[], Iterable[pa.RecordBatch]], fmt: str = "csv") -> dict[str, Any]:
    """``read``'s batches written by pyarrow's own CSV or Parquet (zstd) writer into a sink that
    counts: seconds, busy CPU-seconds, bytes and rows."""
    sink = pa.MockOutputStream()
    started, busy = time.perf_counter(), busy_cpu_seconds()
    writer: Any = None
    rows = 0
    for batch in read():
        if writer is None:
            writer = (
                pq.ParquetWriter(sink, batch.schema, compression="zstd")
                if fmt == "parquet"
                else pacsv.CSVWriter(sink, batch.schema)
            )
        writer.write_batch(batch)
        rows += batch.num_rows
    if writer is not None:
        writer.close()
    return {
        "seconds": time.perf_counter() - started,
        "busy_cpu_s": busy_cpu_seconds() - busy,
        "bytes": sink.size(),
        "rows_read": rows,
    }


def _mariadb() -> Server:
    return next(server for server in SERVERS if server.name == "mariadb")


# ConnectorX is imported where it reads: the renderer's bench process imports this module, and
# its peak RSS is the agent's, whose process never loads ConnectorX (its fork server does).
def streaming(url: str, sql: str) -> Iterable[pa.RecordBatch]:
    """ConnectorX's streaming read over prepared statements: the baseline, the renderer's reader."""
    import connectorx as cx

    return cx.read_sql(url, sql, return_type="arrow_stream", batch_size=BATCH)  # type: ignore[no-any-return]


def connectorx_text(url: str, sql: str) -> Iterable[pa.RecordBatch]:
    import connectorx as cx

    return cx.read_sql(url, sql, return_type="arrow_stream", batch_size=BATCH, protocol="text")  # type: ignore[no-any-return]


def connectorx_partitioned(url: str, sql: str) -> Iterable[pa.RecordBatch]:
    import connectorx as cx

    table = cx.read_sql(url, sql, return_type="arrow", partition_on="id", partition_num=2)
    return table.to_batches(BATCH)  # type: ignore[no-any-return]


def client(_url: str, sql: str) -> Iterable[pa.RecordBatch]:
    server = _mariadb()
    export = subprocess.Popen(
        server.cli(sql, "--skip-column-names"), env=server.env(), stdout=subprocess.PIPE
    )
    assert export.stdout is not None
    finished = False
    try:
        yield from pacsv.open_csv(
            export.stdout,
            read_options=pacsv.ReadOptions(column_names=SCHEMA.names, block_size=4 << 20),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False),
            convert_options=pacsv.ConvertOptions(column_types=SCHEMA, null_values=["NULL"]),
        )
        finished = True
    finally:
        if not finished:
            export.kill()  # a reader that stopped early would leave the client blocked on its pipe
        if export.wait() != 0 and finished:
            raise RuntimeError("mariadb's export failed")


ROUTES: dict[str, Callable[[str, str], Iterable[pa.RecordBatch]]] = {
    "connectorx_text": connectorx_text,
    "connectorx_partitioned": connectorx_partitioned,
    "client": client,
}


def measure(route: str, url: str, sql: str) -> dict[str, Any]:
    """``url``: ConnectorX's; the ``client`` route logs in as the bench's MariaDB itself."""
    return measured(lambda: ROUTES[route](url, sql))
