"""``make bench`` (load part): the load job against each server's own bulk path, same file, same
run: 1M rows from CSV and from Parquet into MariaDB and PostgreSQL.

Each measurement runs in a process of its own (``bench.load_run``) into a fresh empty table; the
paths take turns ``ROUNDS`` times, each round's runs a pair. ``load_ratio_<server>`` is the
server's CLI seconds over the agent's on the CSV, the median of the pairs with their spread
(target >= 0.7): the agent also checks every
row against the declared types and records the load in the same transaction.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.extract_data import SERVERS, fresh_table
from bench.pairs import PAIRS, of_seconds
from bench.section import run_alone

ROWS = 1_000_000
ROUNDS = PAIRS  # every path once a round: each round's runs are a pair
TABLE = "bench_load"
FILES = Path(__file__).resolve().parent.parent / "out" / "bench-files"
PATHS = (("agent", "csv"), ("cli", "csv"), ("agent", "parquet"))


def _run(path: str, server: str, fmt: str, source: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.load_run", path, server, fmt, str(source), TABLE],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load {path} {server} {fmt}: {done.stderr.strip()[-800:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(progress: Any) -> dict[str, Any]:
    """Raw results, keyed ``<server>/<format>/<path>``: the best run, the peak, every time."""
    from bench.load_data import ensure_files

    progress(f"load: writing {ROWS:,} rows as CSV and Parquet (once)")
    csv_path, parquet_path = ensure_files(FILES, ROWS)
    sources = {"csv": csv_path, "parquet": parquet_path}
    raw: dict[str, Any] = {}
    for server in SERVERS:
        progress(f"load: {server.name}, {ROWS:,} rows")
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {p: [] for p in PATHS}
        for _ in range(ROUNDS):
            for path, fmt in PATHS:
                fresh_table(server, TABLE)
                runs[(path, fmt)].append(_run(path, server.name, fmt, sources[fmt]))
        server.run(f"DROP TABLE IF EXISTS {TABLE}")
        for (path, fmt), done in runs.items():
            best = min(done, key=lambda r: r["seconds"])
            raw[f"{server.name}/{fmt}/{path}"] = best | {
                "peak_rss_mb": max(r["peak_rss_mb"] for r in done),
                "all_seconds": [round(r["seconds"], 3) for r in done],
            }
    return raw


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for server in SERVERS:
        agent_csv, cli_csv = raw[f"{server.name}/csv/agent"], raw[f"{server.name}/csv/cli"]
        figures |= of_seconds(cli_csv["all_seconds"], agent_csv["all_seconds"]).figures(
            f"load_ratio_{server.name}"
        )
        for fmt in ("csv", "parquet"):
            figures[f"load_rows_per_s_{server.name}_{fmt}"] = round(
                ROWS / raw[f"{server.name}/{fmt}/agent"]["seconds"]
            )
        figures[f"load_cli_rows_per_s_{server.name}"] = round(ROWS / cli_csv["seconds"])
    figures["load_peak_rss_mb"] = round(
        max(r["peak_rss_mb"] for k, r in raw.items() if k.endswith("/agent")), 1
    )
    return figures


def main() -> int:
    """``python -m bench.loads``: this part alone, its figures printed (out/bench.json untouched)."""
    return run_alone(measure, summarise)


if __name__ == "__main__":
    sys.exit(main())
