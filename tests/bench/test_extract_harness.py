"""The extract bench's harness works on a small table (not a timing): every path reads the rows
asked for, and the figures come out of the raw results."""

from __future__ import annotations

import os

import pytest

from bench import extract
from bench.extract_data import SERVERS, TABLE, Server, ensure_loaded
from bench.extract_routes import ROUTES
from tests.support.services import require_service

ROWS = 3_000


@pytest.fixture(params=SERVERS, ids=[s.name for s in SERVERS])
def loaded(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Server:
    return _loaded(request.param, monkeypatch)


@pytest.fixture
def mariadb(monkeypatch: pytest.MonkeyPatch) -> Server:
    return _loaded(next(s for s in SERVERS if s.name == "mariadb"), monkeypatch)


def _loaded(server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    monkeypatch.setenv("BENCH_EXTRACT_TABLE", "bench_sales_harness")  # the bench's own stays as it is
    try:
        ensure_loaded(server, ROWS, table="bench_sales_harness")
    except (RuntimeError, FileNotFoundError) as exc:
        require_service(server.name, str(exc))
    return server


def test_each_path_reads_every_row_asked_for(loaded: Server) -> None:
    assert os.environ["BENCH_EXTRACT_TABLE"] != TABLE
    assert ensure_loaded(loaded, ROWS, table="bench_sales_harness") is False  # kept once loaded
    runs = {
        path: extract._run(path, loaded.name, "csv", 1_000)
        for path in extract._paths("csv", min(extract.SIZES))
    }
    assert set(runs) == {"renderer", "connectorx", "cli", "ungoverned"}
    for path, run in runs.items():
        assert run["seconds"] > 0 and run["bytes"] > 0 and run["peak_rss_mb"] > 0, path
    assert runs["connectorx"]["rows_read"] == 1_000
    assert runs["renderer"]["lines"] == runs["cli"]["lines"] == 1_001  # a header, then every row
    assert runs["ungoverned"]["lines"] == 1_001, "the governed table's scope holds every row"


def test_mariadbs_other_routes_read_what_connectorx_reads(mariadb: Server) -> None:
    baseline = extract._run("connectorx", "mariadb", "csv", 1_000)
    for route in ROUTES:
        run = extract._run(route, "mariadb", "csv", 1_000)
        assert run["rows_read"] == 1_000, route
        assert run["bytes"] == baseline["bytes"], f"{route} wrote other CSV than ConnectorX's"
        assert run["busy_cpu_s"] >= 0 and run["seconds"] > 0, route


def test_the_figures_follow_from_the_raw_results() -> None:
    raw = {}
    for server in SERVERS:
        for rows in extract.SIZES:
            for fmt in ("parquet", "csv", "xlsx"):
                for path in extract._paths(fmt, rows):
                    seconds = (
                        {"renderer": 2.0, "connectorx": 1.0, "cli": 0.5, "ungoverned": 1.9}[path] * rows / 1e6
                    )
                    # one slow round of the renderer: it moves one pair, not the median
                    rounds = [
                        seconds * (3 if path == "renderer" and n == 0 else 1) for n in range(extract.ROUNDS)
                    ]
                    raw[f"{server.name}/{fmt}/{rows}/{path}"] = {
                        "path": path, "format": fmt, "rows": rows, "seconds": seconds,
                        "peak_rss_mb": 100.0, "reader_peak_rss_mb": 80.0, "all_seconds": rounds,
                    }  # fmt: skip
    for fmt in ("parquet", "csv", "xlsx"):
        for path in ("sqlite", "sqlite3"):
            raw[f"sqlite/{fmt}/{extract.SQLITE_ROWS}/{path}"] = {"seconds": 4.0 if path == "sqlite" else 1.0}
    for path, seconds in {"connectorx": 1.0, **dict.fromkeys(ROUTES, 1.25)}.items():
        raw[f"routes/mariadb/{path}"] = {
            "all_seconds": [seconds] * extract.ROUNDS, "all_busy_cpu_s": [2.0, 1.5, 1.8, 1.9, 1.7],
        }  # fmt: skip
    figures = extract.summarise(raw)
    assert extract.ROUNDS >= 5
    assert figures["extract_ratio_mariadb_parquet"] == 0.5
    assert figures["extract_ratio_mariadb_parquet_spread"] == [0.167, 0.5]
    assert figures["extract_cli_ratio_mariadb_csv_spread"] == [4.0, 12.0]
    assert figures["extract_governed_cost_postgresql_csv"] == 0.95
    assert figures["extract_cli_ratio_postgresql_csv"] == 4.0
    assert figures["extract_rows_per_s_mariadb_csv_5m"] == 500_000
    assert figures["extract_xlsx_rows_per_s"] == 500_000
    assert figures["extract_peak_rss_mb"] == 100.0 and figures["extract_reader_peak_rss_mb"] == 80.0
    assert figures["extract_rows_per_s_sqlite_csv"] == 250_000
    assert figures["extract_route_ratio_mariadb_client"] == 0.8
    assert figures["extract_route_busy_cpu_s_mariadb_connectorx_text"] == 1.8
