"""The load bench's harness works on a small file (not a timing): both paths load every row into
the table, and the figures come out of the raw results."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import loads
from bench.extract_data import SERVERS, Server, fresh_table
from bench.load_data import ensure_files
from tests.support.services import require_service

ROWS = 2_000
TABLE = "bench_load_harness"


@pytest.fixture(params=SERVERS, ids=[s.name for s in SERVERS])
def server(request: pytest.FixtureRequest) -> Server:
    chosen: Server = request.param
    try:
        fresh_table(chosen, TABLE)
    except (RuntimeError, FileNotFoundError) as exc:
        require_service(chosen.name, str(exc))
    return chosen


def count(server: Server) -> int:
    quiet = ("--skip-column-names",) if server.name == "mariadb" else ("--tuples-only", "--no-align")
    return int(server.run(f"SELECT COUNT(*) FROM {TABLE}", *quiet).split()[0])


@pytest.mark.parametrize(("path", "fmt"), loads.PATHS)
def test_each_path_loads_every_row(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, fmt: str
) -> None:
    csv_path, parquet_path = ensure_files(tmp_path, ROWS)
    monkeypatch.setattr(loads, "TABLE", TABLE)
    run = loads._run(path, server.name, fmt, csv_path if fmt == "csv" else parquet_path)
    assert run["seconds"] > 0 and run["peak_rss_mb"] > 0
    assert count(server) == ROWS
    if path == "agent":
        assert (run["rows"], run["rejected"]) == (ROWS, 0)
    server.run(f"DROP TABLE IF EXISTS {TABLE}")


def test_the_figures_follow_from_the_raw_results() -> None:
    raw = {}
    for server in SERVERS:
        for path, fmt in loads.PATHS:
            seconds = {"agent": 2.0, "cli": 1.5}[path]
            raw[f"{server.name}/{fmt}/{path}"] = {
                "seconds": seconds,
                "peak_rss_mb": 120.0 if path == "agent" else 5.0,
                # the agent's first round slow: one pair moves, the median does not
                "all_seconds": [
                    seconds * (2 if path == "agent" and n == 0 else 1) for n in range(loads.ROUNDS)
                ],
            }
    figures = loads.summarise(raw)
    assert figures["load_ratio_mariadb"] == figures["load_ratio_postgresql"] == 0.75
    assert figures["load_ratio_mariadb_spread"] == [0.375, 0.75] and loads.ROUNDS >= 5
    assert figures["load_rows_per_s_postgresql_parquet"] == 500_000
    assert figures["load_cli_rows_per_s_mariadb"] == round(1_000_000 / 1.5)
    assert figures["load_peak_rss_mb"] == 120.0
