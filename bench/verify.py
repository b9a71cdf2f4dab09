"""``make bench`` (verify part): ``migrate verify`` against reladiff (the maintained fork of
data-diff, in its own environment under .tools/) on the same 1M-row tables, PostgreSQL → MariaDB,
in the same run: once with the tables equal, once with 100 rows changed on the target.

Both tools compare the same columns by the same key with the same threads per side; each takes
turns ``ROUNDS`` times in a process of its own, each round's two runs a pair.
``verify_ratio_<case>`` is reladiff's seconds over ours (the median pair, with the spread),
``verify_ratio`` the lower of the two (target >= 1.0), and a case counts only when both tools name
exactly the injected missing, extra and different keys (otherwise the bench fails, whatever the
times).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.extract_data import SERVERS, ensure_loaded
from bench.pairs import PAIRS, of_seconds
from bench.section import run_alone

ROWS = 1_000_000
ROUNDS = PAIRS  # ours and reladiff once a round: each round's runs are a pair
THREADS = 4
TABLE = "bench_verify"
DIFF_DATABASE = "bench_verify_diff"  # MariaDB: a copy of the table with the differences in it
COLUMNS = ("day", "region", "product", "units", "amount")
RELADIFF = Path(__file__).resolve().parent.parent / ".tools" / "reladiff" / "bin" / "reladiff"
# The 100 differences: rows the target lacks, rows only it has, rows whose values changed.
MISSING, EXTRA, CHANGED = 30, 30, 40


def _servers() -> tuple[Any, Any]:
    by_name = {server.name: server for server in SERVERS}
    return by_name["postgresql"], by_name["mariadb"]


def _url(server: Any, database: str | None = None, scheme: str = "") -> str:
    parts = server.parts.set(drivername=scheme or server.parts.drivername.split("+")[0])
    if database:
        parts = parts.set(database=database)
    return str(parts.render_as_string(hide_password=False))


def expected_differences() -> dict[str, set[int]]:
    picked = random.Random(19).sample(range(1, ROWS + 1), MISSING + CHANGED)
    return {
        "missing": set(picked[:MISSING]),
        "different": set(picked[MISSING:]),
        "extra": set(range(ROWS + 1, ROWS + 1 + EXTRA)),
    }


def _ids(keys: set[int]) -> str:
    return ", ".join(map(str, sorted(keys)))


def prepare(progress: Any) -> None:
    """The equal pair (test.bench_verify on both) and the target with 100 differences."""
    source, target = _servers()
    for server in (source, target):
        if ensure_loaded(server, ROWS, TABLE):
            progress(f"verify: loaded {ROWS:,} rows into {server.name} {TABLE}")
    expected = expected_differences()
    copy = f"{DIFF_DATABASE}.{TABLE}"
    target.run(
        f"CREATE DATABASE IF NOT EXISTS {DIFF_DATABASE}; DROP TABLE IF EXISTS {copy};"
        f" CREATE TABLE {copy} LIKE {TABLE}; INSERT INTO {copy} SELECT * FROM {TABLE};"
        f" DELETE FROM {copy} WHERE id IN ({_ids(expected['missing'])});"
        f" UPDATE {copy} SET amount = amount + 0.01 WHERE id IN ({_ids(expected['different'])});"
        f" INSERT INTO {copy} SELECT id + {ROWS}, day, region, product, units, amount FROM {TABLE}"
        f" WHERE id <= {EXTRA};"
    )


def ours(target_database: str | None) -> tuple[float, dict[str, set[int]]]:
    source, target = _servers()
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as scratch:
        report = Path(scratch) / "report.json"
        command = [
            sys.executable, "-m", "migrate", "verify",
            "--source", _url(source, scheme="postgresql"),
            "--target", _url(target, target_database, scheme="mysql"),
            "--tables", TABLE, "--threads", str(THREADS),
            "-o", str(report), "--state", str(Path(scratch) / "state.json"),
        ]  # fmt: skip
        seconds, _ = _timed(command, ok_codes=(0, 1))
        (table,) = json.loads(report.read_text())["tables"]
    return seconds, {
        "missing": set(table["missing_keys"]),
        "extra": set(table["extra_keys"]),
        "different": {entry["key"] for entry in table["different_keys"]},
    }


def theirs(target_database: str | None) -> tuple[float, dict[str, set[int]]]:
    source, target = _servers()
    columns = [arg for column in COLUMNS for arg in ("-c", column)]
    command = [
        str(RELADIFF),
        _url(source, scheme="postgresql"), TABLE,
        _url(target, target_database or target.parts.database, scheme="mysql"), TABLE,
        "-k", "id", *columns, "-j", str(THREADS), "--json",
    ]  # fmt: skip
    # rich, which reladiff prints through, folds lines at the terminal's width
    seconds, done = _timed(command, ok_codes=(0,), env=os.environ | {"COLUMNS": "100000"})
    minus: set[int] = set()
    plus: set[int] = set()
    for line in done.stdout.splitlines():
        sign, row = json.loads(line)  # ["-" | "+", [key, column values...]]
        (minus if sign == "-" else plus).add(int(row[0]))
    return seconds, {"missing": minus - plus, "extra": plus - minus, "different": minus & plus}


def _timed(
    command: list[str], ok_codes: tuple[int, ...], env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """The command's wall-clock seconds and its outcome (an exit code not in ``ok_codes`` raises)."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - started
    if done.returncode not in ok_codes:
        raise RuntimeError(f"{' '.join(command[:4])}: exit {done.returncode}: {done.stderr.strip()[-800:]}")
    return seconds, done


CASES = {"equal": None, "100_differences": DIFF_DATABASE}


def measure(progress: Any) -> dict[str, Any]:
    if not RELADIFF.exists():
        raise RuntimeError(f"{RELADIFF} is missing: make bench installs it (tools/reladiff.txt)")
    prepare(progress)
    expected = expected_differences()
    raw: dict[str, Any] = {}
    for case, database in CASES.items():
        progress(f"verify: {case}, {ROWS:,} rows, migrate verify and reladiff take turns")
        times: dict[str, list[float]] = {"ours": [], "reladiff": []}
        found: dict[str, dict[str, set[int]]] = {}
        for _ in range(ROUNDS):
            for tool, run in (("ours", ours), ("reladiff", theirs)):
                seconds, found[tool] = run(database)
                times[tool].append(round(seconds, 3))
        want = expected if database else {"missing": set(), "extra": set(), "different": set()}
        raw[case] = {
            "ours_seconds": min(times["ours"]),
            "reladiff_seconds": min(times["reladiff"]),
            "all_seconds": times,
            "counts": {tool: {k: len(v) for k, v in keys.items()} for tool, keys in found.items()},
            "identical_findings": found["ours"] == found["reladiff"] == want,
        }
    return raw


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """``verify_ratio`` is the worse case's (the target holds both)."""
    figures: dict[str, Any] = {}
    for case in CASES:
        result = raw[case]
        times = result["all_seconds"]
        figures |= of_seconds(times["reladiff"], times["ours"]).figures(f"verify_ratio_{case}")
        figures[f"verify_seconds_{case}"] = result["ours_seconds"]
        figures[f"verify_reladiff_seconds_{case}"] = result["reladiff_seconds"]
        figures[f"verify_identical_findings_{case}"] = result["identical_findings"]
    worse = min(CASES, key=lambda case: figures[f"verify_ratio_{case}"])
    figures["verify_ratio"] = figures[f"verify_ratio_{worse}"]
    figures["verify_ratio_spread"] = figures[f"verify_ratio_{worse}_spread"]
    return figures


def main() -> int:
    """``python -m bench.verify``: this part alone, its figures printed (out/bench.json untouched)."""
    return run_alone(measure, summarise)


if __name__ == "__main__":
    sys.exit(main())
