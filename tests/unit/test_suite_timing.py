"""make test's time by suite (tests are filed under their suite, runs side by side are merged) and
the markers make check leaves out (each test marked by what it needs)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.markers import needs
from tests.support.suite_timing import merged, suite_of, table


@pytest.mark.parametrize(
    ("nodeid", "suite"),
    [
        ("tests/unit/test_x.py::test_y", "unit"),
        ("tests/terraform/test_t.py::test_a[dev]", "terraform"),
        ("tests/test_top.py::test_z", "tests/test_top.py"),
    ],
)
def test_each_test_is_filed_under_its_suite(nodeid: str, suite: str) -> None:
    assert suite_of(nodeid) == suite


def test_two_runs_merge_into_one_table_slowest_first(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"unit": {"tests": 3, "seconds": 2.0}}))
    (tmp_path / "b.json").write_text(
        json.dumps({"terraform": {"tests": 2, "seconds": 90.0}, "unit": {"tests": 1, "seconds": 1.0}})
    )
    rows = table(merged([tmp_path / "a.json", tmp_path / "b.json"]))
    assert rows[2:] == ["| terraform | 2 | 90 |", "| unit | 4 | 3 |", "| all | 6 | 93 |"]


@dataclass
class FakeCallspec:
    params: dict[str, object]


@dataclass
class FakeItem:
    nodeid: str
    fixturenames: tuple[str, ...] = ()
    callspec: FakeCallspec | None = None


@pytest.mark.parametrize(
    ("item", "markers"),
    [
        (FakeItem("tests/unit/test_x.py::test_y"), set()),
        (FakeItem("tests/e2e/test_flow.py::test_z"), {"e2e"}),
        (
            FakeItem("tests/migrate/test_v.py::t", ("mariadb_database", "postgres_schema")),
            {"mysql", "postgres"},
        ),
        (
            FakeItem("tests/sql/test_s.py::t[mariadb]", ("database",), FakeCallspec({"database": "mariadb"})),
            {"mysql"},
        ),
        (
            FakeItem("tests/loads/test_l.py::t[sqlite]", ("target",), FakeCallspec({"target": "sqlite"})),
            set(),
        ),
        (
            FakeItem("tests/loads/test_l.py::t[postgres]", ("target",), FakeCallspec({"target": "postgres"})),
            {"postgres"},
        ),
        (FakeItem("tests/browser/test_b.py::t"), {"browser"}),
    ],
)
def test_each_test_is_marked_by_what_it_needs(item: FakeItem, markers: set[str]) -> None:
    assert needs(item) == markers  # type: ignore[arg-type]
