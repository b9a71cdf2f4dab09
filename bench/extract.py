"""``make bench`` (extract part): the ``sql`` renderer against ConnectorX streaming and each
server's own export, on the same table, in one run.

Each measurement runs in a process of its own (``bench.extract_run``). For each server, size and
format the paths take turns, ``ROUNDS`` times: each round's runs are a pair, and a ratio is the
median of its pairs with their spread (``bench.pairs``), so a slow moment of this shared machine
moves one pair, not the figure. Rows/s come from each path's best run; memory is the worst peak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bench.extract_data import SERVERS, ensure_loaded
from bench.extract_routes import ROUTES
from bench.pairs import PAIRS, Spread, of_seconds
from bench.section import run_alone

SIZES = (1_000_000, 5_000_000)
ROUNDS = PAIRS  # every path once a round: each round's runs are a pair
SQLITE_ROWS = 1_000_000
STREAMED = ("csv", "parquet")  # the formats ConnectorX's reference writes too
ROUTE_ROWS = 1_000_000  # MariaDB's other routes (bench.extract_routes), CSV


def _run(path: str, server: str, fmt: str, rows: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.extract_run", path, server, fmt, str(rows)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"extract {path} {server} {fmt} {rows}: {done.stderr.strip()[-800:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    best = min(runs, key=lambda r: r["seconds"])
    return best | {
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "reader_peak_rss_mb": max(r.get("reader_peak_rss_mb", 0.0) for r in runs),
        "all_seconds": [round(r["seconds"], 3) for r in runs],
    }


def _paths(fmt: str, rows: int) -> tuple[str, ...]:
    """``ungoverned``: the renderer with no governed table, at the smaller size, for the rewrite's
    own cost (``extract_governed_cost_*``)."""
    if fmt == "xlsx":
        return ("renderer",)
    paths = ("renderer", "connectorx", "cli") if fmt == "csv" else ("renderer", "connectorx")
    return (*paths, "ungoverned") if rows == min(SIZES) else paths


def measure(progress: Any) -> dict[str, Any]:
    """Raw results, keyed ``<server>/<format>/<rows>/<path>``."""
    raw: dict[str, Any] = {}
    for server in SERVERS:
        progress(f"extract: loading {max(SIZES):,} rows into {server.name}")
        ensure_loaded(server, max(SIZES))
        for rows in SIZES:
            for fmt in ("parquet", "csv", "xlsx"):
                progress(f"extract: {server.name} {fmt} {rows:,} rows")
                runs: dict[str, list[dict[str, Any]]] = {path: [] for path in _paths(fmt, rows)}
                for _ in range(ROUNDS):
                    for path in runs:
                        runs[path].append(_run(path, server.name, fmt, rows))
                for path, done in runs.items():
                    raw[f"{server.name}/{fmt}/{rows}/{path}"] = _best(done)
    progress(f"extract: mariadb's other routes, {ROUTE_ROWS:,} rows")
    routes: dict[str, list[dict[str, Any]]] = {path: [] for path in ("connectorx", *ROUTES)}
    for _ in range(ROUNDS):
        for path in routes:
            routes[path].append(_run(path, "mariadb", "csv", ROUTE_ROWS))
    for path, done in routes.items():
        raw[f"routes/mariadb/{path}"] = _best(done) | {"all_busy_cpu_s": [r["busy_cpu_s"] for r in done]}
    progress(f"extract: sqlite {SQLITE_ROWS:,} rows")
    for fmt in ("parquet", "csv", "xlsx"):
        runs = {"sqlite": [], "sqlite3": []}
        for _ in range(ROUNDS):
            for path in runs:
                runs[path].append(_run(path, "sqlite", fmt, SQLITE_ROWS))
        for path, done in runs.items():
            raw[f"sqlite/{fmt}/{SQLITE_ROWS}/{path}"] = _best(done)
    return raw


def _paired(raw: dict[str, Any], prefix: str, baseline: str, ours: str) -> Spread:
    """Each round's ``baseline`` seconds ÷ its ``ours`` seconds (the round's runs are a pair)."""
    return of_seconds(raw[f"{prefix}/{baseline}"]["all_seconds"], raw[f"{prefix}/{ours}"]["all_seconds"])


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """The figures: ratios to ConnectorX and to the CLI, each the median of its pairs with their
    spread, at the worse of the two sizes; the governed table's cost (the same renderer's seconds
    without it ÷ with it, 1M rows: 1.0 is free); MariaDB's other routes against ConnectorX
    (ConnectorX's seconds ÷ the route's) with the machine's median busy CPU-seconds for each;
    rows/s, XLSX rows/s, and the agent's and readers' peak memory."""
    figures: dict[str, Any] = {}
    renders = [r for key, r in raw.items() if key.endswith("/renderer")]
    for server in SERVERS:
        for fmt in STREAMED:
            ratios = [_paired(raw, f"{server.name}/{fmt}/{rows}", "connectorx", "renderer") for rows in SIZES]
            figures |= min(ratios, key=lambda s: s.median).figures(f"extract_ratio_{server.name}_{fmt}")
            small = f"{server.name}/{fmt}/{min(SIZES)}"
            figures |= _paired(raw, small, "ungoverned", "renderer").figures(
                f"extract_governed_cost_{server.name}_{fmt}"
            )
        # ours ÷ the CLI's: lower is better, so the pairs are the CLI's seconds as "ours"
        cli = [_paired(raw, f"{server.name}/csv/{rows}", "renderer", "cli") for rows in SIZES]
        figures |= max(cli, key=lambda s: s.median).figures(f"extract_cli_ratio_{server.name}_csv")
        for fmt in ("parquet", "csv", "xlsx"):
            for rows in SIZES:
                render = raw[f"{server.name}/{fmt}/{rows}/renderer"]
                figures[f"extract_rows_per_s_{server.name}_{fmt}_{rows // 1_000_000}m"] = round(
                    rows / render["seconds"]
                )
    for route in ROUTES:
        figures |= _paired(raw, "routes/mariadb", "connectorx", route).figures(
            f"extract_route_ratio_mariadb_{route}"
        )
    for path in ("connectorx", *ROUTES):
        busy = sorted(raw[f"routes/mariadb/{path}"]["all_busy_cpu_s"])
        figures[f"extract_route_busy_cpu_s_mariadb_{path}"] = round(busy[len(busy) // 2], 2)
    xlsx = [r for r in renders if r["format"] == "xlsx"]
    figures["extract_xlsx_rows_per_s"] = round(min(r["rows"] / r["seconds"] for r in xlsx))
    figures["extract_peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in renders), 1)
    figures["extract_reader_peak_rss_mb"] = round(max(r["reader_peak_rss_mb"] for r in renders), 1)
    for fmt in ("parquet", "csv", "xlsx"):
        sqlite = raw[f"sqlite/{fmt}/{SQLITE_ROWS}/sqlite"]
        figures[f"extract_rows_per_s_sqlite_{fmt}"] = round(SQLITE_ROWS / sqlite["seconds"])
    figures["extract_sqlite_fetch_rows_per_s"] = round(
        SQLITE_ROWS / raw[f"sqlite/csv/{SQLITE_ROWS}/sqlite3"]["seconds"]
    )
    return figures


def main() -> int:
    """``python -m bench.extract``: this part alone, its figures printed (out/bench.json untouched)."""
    return run_alone(measure, summarise)


if __name__ == "__main__":
    sys.exit(main())
