"""migrate verify --reports: each converted visual computed the Power BI way over the source and
the QuickSight way over the target. A faithful migration is equal; a changed row, a wrong
translation or a missing table is caught, read-only on both sides."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from migrate.cli import main
from sandbox.dataset import ensure_dataset

ROOT = Path(__file__).resolve().parents[2]
SALES = ROOT / "sandbox" / "powerbi"


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("verify")
    source = ensure_dataset(folder / "source.db", rows=3000)
    target = folder / "target.db"
    target.write_bytes(source.read_bytes())
    return source, target


def converted(tmp_path: Path) -> Path:
    assert main(["reports", str(SALES), "--out", str(tmp_path / "converted")]) == 0
    return tmp_path / "converted"


def verify(tmp_path: Path, source: Path, target: Path, out: Path) -> int:
    return main(
        [
            "verify",
            "--reports",
            str(SALES),
            "--converted",
            str(out),
            "--source",
            f"sqlite:///{source}",
            "--target",
            f"sqlite:///{target}",
            "--output",
            str(tmp_path / "verify.json"),
        ]
    )


def results(tmp_path: Path) -> dict[str, dict[str, Any]]:
    found = json.loads((tmp_path / "verify.json").read_text())["reports"]["Sales"]
    return {f"{r['page']}/{r['visual']}": r for r in found}


def test_a_faithful_migration_is_equal_visual_by_visual(databases: tuple[Path, Path], tmp_path: Path) -> None:
    source, target = databases
    assert verify(tmp_path, source, target, converted(tmp_path)) == 0
    found = results(tmp_path)
    statuses = {name: r["status"] for name, r in found.items()}
    assert statuses.pop("Detail/matrix") == "not comparable", "a calculated column is not verified yet"
    assert set(statuses.values()) == {"equal"} and len(statuses) == 16
    assert found["Overview/by_region"]["groups"] == 3


def test_a_changed_row_in_the_target_is_a_difference_naming_its_group(
    databases: tuple[Path, Path], tmp_path: Path
) -> None:
    source, _ = databases
    target = tmp_path / "changed.db"
    target.write_bytes(source.read_bytes())
    with sqlite3.connect(target) as db:
        region = db.execute("SELECT region FROM sales WHERE id = 7").fetchone()[0]
        db.execute("UPDATE sales SET amount = amount + 1000 WHERE id = 7")
    assert verify(tmp_path, source, target, converted(tmp_path)) == 1
    by_region = results(tmp_path)["Overview/by_region"]
    assert by_region["status"] == "different"
    (difference,) = by_region["differences"]
    assert difference["group"] == [region]
    assert difference["quicksight"][0] == pytest.approx(difference["power_bi"][0] + 1000)
    assert results(tmp_path)["Overview/orders_card"]["status"] == "equal", "the row count did not change"


def test_a_wrong_translation_is_a_difference(databases: tuple[Path, Path], tmp_path: Path) -> None:
    source, target = databases
    out = converted(tmp_path)
    path = out / "Sales" / "dashboard.json"
    dashboard = json.loads(path.read_text())
    for field in dashboard["Definition"]["CalculatedFields"]:
        if field["Name"] == "Revenue":
            field["Expression"] = "avg({amount})"
    path.write_text(json.dumps(dashboard))
    assert verify(tmp_path, source, target, out) == 1
    assert results(tmp_path)["Overview/by_region"]["status"] == "different"
    assert results(tmp_path)["Overview/by_product"]["status"] == "equal", "Units is not Revenue"


def test_the_verifier_writes_nothing_to_either_side(databases: tuple[Path, Path], tmp_path: Path) -> None:
    source, target = databases
    before = (source.read_bytes(), target.read_bytes())
    assert verify(tmp_path, source, target, converted(tmp_path)) == 0
    assert (source.read_bytes(), target.read_bytes()) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no-table", "no table sales"),
        ("no-file", "no such SQLite file"),
        ("not-converted", "run migrate reports"),
    ],
)
def test_a_side_it_cannot_read_is_exit_2_with_one_line(
    databases: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: str,
    message: str,
) -> None:
    source, target = databases
    out = converted(tmp_path) if change != "not-converted" else tmp_path / "nothing"
    if change == "no-table":
        target = tmp_path / "empty.db"
        sqlite3.connect(target).close()
    if change == "no-file":
        target = tmp_path / "missing.db"
    capsys.readouterr()
    assert verify(tmp_path, source, target, out) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err


def test_reports_without_source_and_target_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["verify", "--reports", str(SALES)])
    assert exited.value.code == 2 and "--reports needs --source" in capsys.readouterr().err
