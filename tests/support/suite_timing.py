"""Where ``make test``'s minutes go: each suite's (``tests/<suite>/``) test count and seconds.

As a pytest plugin (``--suite-timing=FILE``) it adds up each test's setup, call and teardown by
suite, prints the table at the end of the run and writes it to FILE as JSON. ``python -m
tests.support.suite_timing FILE...`` merges the files of runs made side by side into one table
(``make test`` runs two pytests at once) and prints it."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import pytest

Totals = dict[str, dict[str, float]]  # suite -> {"tests": n, "seconds": s}


def suite_of(nodeid: str) -> str:
    parts = nodeid.split("::", 1)[0].split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "tests" else "/".join(parts[:2])


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--suite-timing", metavar="FILE", help="write each suite's tests and seconds to FILE")


class SuiteTiming:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.tests: defaultdict[str, set[str]] = defaultdict(set)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        suite = suite_of(report.nodeid)
        self.seconds[suite] += report.duration
        self.tests[suite].add(report.nodeid)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        totals = {
            s: {"tests": len(self.tests[s]), "seconds": round(self.seconds[s], 1)} for s in self.seconds
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(totals, indent=2, sort_keys=True) + "\n")
        terminalreporter.write_sep("=", f"time by suite ({self.path})")
        for line in table(totals):
            terminalreporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--suite-timing")
    if path:
        config.pluginmanager.register(SuiteTiming(Path(path)), "suite-timing")


def table(totals: Totals) -> list[str]:
    rows = ["| suite | tests | seconds |", "|---|---:|---:|"]
    for suite, found in sorted(totals.items(), key=lambda item: -item[1]["seconds"]):
        rows.append(f"| {suite} | {int(found['tests'])} | {found['seconds']:.0f} |")
    tests = sum(int(f["tests"]) for f in totals.values())
    rows.append(f"| all | {tests} | {sum(f['seconds'] for f in totals.values()):.0f} |")
    return rows


def merged(paths: list[Path]) -> Totals:
    totals: Totals = {}
    for path in paths:
        for suite, found in json.loads(path.read_text()).items():
            into = totals.setdefault(suite, {"tests": 0, "seconds": 0.0})
            into["tests"] += found["tests"]
            into["seconds"] += found["seconds"]
    return totals


if __name__ == "__main__":
    files = [Path(p) for p in sys.argv[1:] if Path(p).is_file()]
    print("\n".join(table(merged(files))))
