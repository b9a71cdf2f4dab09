"""migrate verify --reports: each converted visual computed the Power BI way over the source and
the QuickSight way over the target. A faithful migration is equal; a changed row, a wrong
translation or a missing table is caught, read-only on both sides."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

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


def copied(source: Path, target: Path) -> Path:
    """A target database to change: the source's rows, in a file of the test's own."""
    target.write_bytes(source.read_bytes())
    return target


def results(tmp_path: Path) -> dict[str, dict[str, Any]]:
    found = json.loads((tmp_path / "verify.json").read_text())["reports"]["Sales"]
    return {f"{r['page']}/{r['visual']}": r for r in found}


def test_a_faithful_migration_is_equal_visual_by_visual(databases: tuple[Path, Path], tmp_path: Path) -> None:
    source, target = databases
    assert verify(tmp_path, source, target, converted(tmp_path)) == 0
    found = results(tmp_path)
    statuses = {name: r["status"] for name, r in found.items()}
    assert set(statuses.values()) == {"equal"} and len(statuses) == 17
    assert found["Overview/by_region"]["groups"] == 3
    assert found["Detail/matrix"]["groups"] == 6, "grouped by [Sale Year], a calculated column"


def test_a_calculated_column_converted_wrong_is_a_difference(
    databases: tuple[Path, Path], tmp_path: Path
) -> None:
    source, target = databases
    out = converted(tmp_path)
    (path,) = (out / "Sales" / "datasets").glob("*.json")
    data_set = json.loads(path.read_text())
    for logical in data_set["LogicalTableMap"].values():
        for step in logical.get("DataTransforms", []):
            for made in step.get("CreateColumnsOperation", {}).get("Columns", []):
                if made["ColumnName"] == "Sale Year":
                    made["Expression"] = "extract('MM', {day})"
    path.write_text(json.dumps(data_set))
    assert verify(tmp_path, source, target, out) == 1
    assert results(tmp_path)["Detail/matrix"]["status"] == "different"
    assert results(tmp_path)["Overview/by_region"]["status"] == "equal"


def test_a_changed_row_in_the_target_is_a_difference_naming_its_group(
    databases: tuple[Path, Path], tmp_path: Path
) -> None:
    source, _ = databases
    target = copied(source, tmp_path / "changed.db")
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


def test_reports_without_a_target_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["verify", "--reports", str(SALES)])
    assert exited.value.code == 2 and "--reports needs --target" in capsys.readouterr().err


def test_a_report_with_no_data_of_its_own_needs_a_source(
    databases: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, target = databases
    out = converted(tmp_path)
    capsys.readouterr()
    arguments = [
        "verify",
        "--reports",
        str(SALES),
        "--converted",
        str(out),
        "--target",
        f"sqlite:///{target}",
    ]
    assert main(arguments) == 2
    assert "--source is needed for a PBIT or PBIP" in capsys.readouterr().err


def shop_database(path: Path) -> Path:
    """The shop PBIT's tables (tests/support/powerbi.py), a few rows each."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE orders (order_id INTEGER, product_id INTEGER, customer_id INTEGER,"
            " amount REAL, day TEXT, name TEXT)"
        )
        db.execute("CREATE TABLE products (product_id INTEGER, category TEXT, name TEXT)")
        db.execute("CREATE TABLE customers (customer_id INTEGER, country TEXT)")
        db.executemany(
            "INSERT INTO products VALUES (?, ?, ?)",
            [(1, "toys", "ball"), (2, "toys", "kite"), (3, "books", "atlas")],
        )
        db.executemany("INSERT INTO customers VALUES (?, ?)", [(1, "UK"), (2, "FR")])
        db.executemany(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)",
            [(n, n % 3 + 1, n % 2 + 1, 10.5 * n, f"2024-01-{n % 28 + 1:02d}", "o") for n in range(1, 40)]
            + [(99, 7, 9, 5.0, "2024-02-01", "orphan")],  # no such product or customer: the blank group
        )
    return path


def test_joined_tables_are_verified_on_both_sides(tmp_path: Path) -> None:
    from tests.support.powerbi import write_pbit

    pbit = write_pbit(tmp_path / "Shop.pbit")
    source = shop_database(tmp_path / "source.db")
    target = tmp_path / "target.db"
    target.write_bytes(source.read_bytes())
    assert main(["reports", str(pbit), "--out", str(tmp_path / "converted")]) == 0
    arguments = [
        "verify", "--reports", str(pbit), "--converted", str(tmp_path / "converted"), "--source", f"sqlite:///{source}",
        "--target", f"sqlite:///{target}", "--output", str(tmp_path / "verify.json"),
    ]  # fmt: skip
    assert main(arguments) == 0
    found = {r["visual"]: r for r in json.loads((tmp_path / "verify.json").read_text())["reports"]["Shop"]}
    assert found["by_category"]["status"] == found["by_country"]["status"] == "equal"
    assert found["by_category"]["groups"] == 3, "toys, books and the orphan order's blank group"
    with sqlite3.connect(target) as db:
        db.execute("UPDATE products SET category = 'games' WHERE product_id = 2")
    assert main(arguments) == 1
    found = {r["visual"]: r for r in json.loads((tmp_path / "verify.json").read_text())["reports"]["Shop"]}
    assert found["by_category"]["status"] == "different" and found["by_country"]["status"] == "equal"


def test_a_created_column_that_refers_to_itself_is_not_comparable() -> None:
    import sqlalchemy as sa

    from migrate.reports.verify.joins import data_set_from
    from migrate.reports.verify.quicksight_sql import NotComparable

    table = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer))
    data_set = {
        "PhysicalTableMap": {"p": {"RelationalTable": {"Name": "t"}}},
        "LogicalTableMap": {
            "l": {
                "Source": {"PhysicalTableId": "p"},
                "DataTransforms": [
                    {"CreateColumnsOperation": {"Columns": [{"ColumnName": "b", "Expression": "{b} + 1"}]}}
                ],
            }
        },
    }
    _, column = data_set_from(data_set, lambda _: table)
    assert column("a") is not None
    with pytest.raises(NotComparable, match="refers to itself"):
        column("b")


def test_a_pbix_tables_are_loaded_with_currency_as_numbers(tmp_path: Path) -> None:
    from decimal import Decimal

    import pandas as pd
    import sqlalchemy as sa

    from migrate.reports.verify.pbix_data import load_tables

    class Decoded:
        def get_table(self, name: str) -> pd.DataFrame:
            if name == "Calculated":
                raise ValueError("a calculated table has no stored rows")
            return pd.DataFrame({"region": ["EMEA", "AMER"], "amount": [Decimal("1.50"), Decimal("2.25")]})

    engine = load_tables(Decoded(), ["Sales", "Calculated"], tmp_path / "pbix.db")
    with engine.connect() as connection:
        assert connection.execute(sa.text('SELECT SUM(amount) FROM "Sales"')).scalar() == pytest.approx(3.75)
        assert not sa.inspect(connection).has_table("Calculated")
    engine.dispose()


@pytest.mark.parametrize(
    ("dax", "why"),
    [
        ("SUM(Sales[amount])", "SUM in a calculated column"),
        ('CALCULATE(1, Sales[region] = "EMEA")', "CALCULATE in a calculated column"),
        ("YEAR(", "does not parse"),
        ("QUARTER(Sales[day])", "QUARTER is not evaluated"),
    ],
)
def test_a_calculated_column_the_verifier_cannot_evaluate_is_not_comparable(dax: str, why: str) -> None:
    from migrate.reports.verify.dax_sql import DaxCompiler
    from migrate.reports.verify.quicksight_sql import NotComparable

    table = sa.table("sales", sa.column("amount"), sa.column("day"), sa.column("region"))
    compiler = DaxCompiler(lambda _t, name: table.c[name], {}, "Sales")
    with pytest.raises(NotComparable, match=why):
        compiler.row(dax)


def test_a_visual_whose_query_cannot_be_computed_is_not_comparable_and_the_rest_run(
    databases: tuple[Path, Path], tmp_path: Path
) -> None:
    source, _ = databases
    target = copied(source, tmp_path / "typed.db")
    with sqlite3.connect(target) as db:  # a date column that holds a number where a date should be
        db.executescript(
            "ALTER TABLE sales RENAME TO loaded;"
            "CREATE TABLE sales (id INTEGER PRIMARY KEY, day DATETIME, region TEXT, product TEXT,"
            " units INTEGER, amount REAL);"
            "INSERT INTO sales SELECT * FROM loaded; DROP TABLE loaded;"
            "UPDATE sales SET day = 20260105 WHERE id = 3;"
        )
    assert verify(tmp_path, source, target, converted(tmp_path)) == 1
    found = results(tmp_path)
    refused = {name for name, r in found.items() if r["status"] == "not comparable"}
    assert refused and all("could not be computed" in found[name]["why"] for name in refused)
    assert found["Detail/matrix"]["status"] == "different", "that row's year is not 2026 any more"
    assert found["Overview/by_region"]["status"] == "equal"
