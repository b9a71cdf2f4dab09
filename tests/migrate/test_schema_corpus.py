"""``migrate schema`` on real-world-shaped SQL Server DDL (tests/migrate/corpus): each script gives
exactly the findings a person must act on, its MySQL applies to the real MariaDB, and every
source table and column is either created or named in a finding: nothing goes silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from migrate.schema.convert import Conversion, convert

CORPUS = Path(__file__).parent / "corpus"
SCRIPTS = sorted(p.name for p in CORPUS.glob("*.sql"))

# Where each script has something a person must act on (schema.table[.column|key], or a line).
ACTIONS = {
    "adventureworks_person.sql": {"Person.Person.NameStyle", "line 48"},
    "every_type.sql": {
        "dbo.EveryType.c_datetimeoffset",
        "dbo.EveryType.c_geometry",
        "dbo.EveryType.c_geography",
        "dbo.EveryType.c_variant",
    },
    "memory_optimized.sql": {"dbo.ShoppingCart"},
    "northwind.sql": {"dbo.Products.CK_Products_Name"},
    "wide_table.sql": {"dbo.Survey.UQ_Survey_Slug"},
    "wideworldimporters_sales.sql": {
        "line 2",
        "line 45",
        "Sales.Customers",
        "Sales.Customers.CustomerID",
        "Sales.Customers.DeliveryLocation",
        "Sales.OrderLines.ExtendedPrice",
        "Sales.OrderLines.UX_Sales_OrderLines_Open",
        "Sales.OrderLines.FK_Sales_OrderLines_OrderID",
    },
}
MISSING_TARGET = "which this script does not create"


def converted(script: str) -> Conversion:
    return convert((CORPUS / script).read_text())


def source_columns(script: str) -> dict[str, list[str]]:
    """Each CREATE TABLE's columns, read with a regex (not the converter): one column per line."""
    tables: dict[str, list[str]] = {}
    blocks = re.findall(r"CREATE TABLE \[?(\w+)\]?\.\[?(\w+)\]?\s*\((.*?)\n\)", script, re.S | re.I)
    for schema, table, body in blocks:
        names = []
        for line in body.splitlines():
            found = re.match(r"\s*\[?(\w+)\]?\s+(?:\[|[A-Za-z])", line)
            if found and found[1].upper() not in {
                "CONSTRAINT",
                "PRIMARY",
                "UNIQUE",
                "PERIOD",
                "INDEX",
                "CHECK",
            }:
                names.append(found[1])
        tables[f"{schema}.{table}"] = names
    return tables


def test_the_corpus_is_all_here() -> None:
    assert set(SCRIPTS) == set(ACTIONS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_script_has_exactly_the_findings_a_person_must_act_on(script: str) -> None:
    conversion = converted(script)
    assert {f.where for f in conversion.findings.actions} == ACTIONS[script], [
        f.line() for f in conversion.findings.actions
    ]
    assert conversion.complete is (not ACTIONS[script])


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_mysql_applies_and_nothing_is_dropped_silently(script: str, mariadb_database: sa.Engine) -> None:
    conversion = converted(script)
    failed = []
    with mariadb_database.connect() as conn:
        for statement in conversion.ddl.split(";\n"):
            if not statement.strip():
                continue
            try:
                conn.execute(sa.text(statement))
            except sa.exc.DBAPIError as exc:
                failed.append((statement.strip().split("\n")[0], str(exc.orig)))
        created = {
            (table, column)
            for table, column in conn.execute(
                sa.text(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
                    "DATABASE()"
                )
            )
        }
    expected_failures = [f for f in conversion.findings.actions if MISSING_TARGET in f.what]
    assert len(failed) == len(expected_failures), failed
    assert all("FOREIGN KEY" in statement for statement, _ in failed), failed
    named = {f.where for f in conversion.findings}
    for table, columns in source_columns((CORPUS / script).read_text()).items():
        name = table.split(".")[1]
        for column in columns:
            assert (name, column) in created or f"{table}.{column}" in named, (
                f"{table}.{column} went silently"
            )


def test_every_type_lands_as_the_type_map_says(mariadb_database: sa.Engine) -> None:
    conversion = converted("every_type.sql")
    with mariadb_database.begin() as conn:
        conn.execute(sa.text(conversion.ddl))
        rows = conn.execute(
            sa.text(
                "SELECT column_name, column_type FROM information_schema.columns"
                " WHERE table_schema = DATABASE() AND table_name = 'EveryType'"
            )
        )
        types = {str(row[0]): str(row[1]) for row in rows}
    # MariaDB writes display widths for integers (int(11)); the rest as the DDL said.
    assert {name: re.sub(r"^(\w*int)\(\d+\)", r"\1", kind) for name, kind in types.items()} == {
        "c_bigint": "bigint",
        "c_int": "int",
        "c_integer": "int",
        "c_smallint": "smallint",
        "c_tinyint": "tinyint unsigned",
        "c_bit": "tinyint",
        "c_decimal": "decimal(12,3)",
        "c_decimal_default": "decimal(18,0)",
        "c_numeric": "decimal(38,10)",
        "c_money": "decimal(19,4)",
        "c_smallmoney": "decimal(10,4)",
        "c_float": "double",
        "c_float24": "float",
        "c_real": "float",
        "c_date": "date",
        "c_time": "time(6)",
        "c_time3": "time(3)",
        "c_datetime": "datetime(3)",
        "c_datetime2": "datetime(6)",
        "c_datetime2_0": "datetime",
        "c_smalldatetime": "datetime",
        "c_datetimeoffset": "datetime(3)",
        "c_char": "char(10)",
        "c_char_wide": "varchar(300)",
        "c_nchar": "char(2)",
        "c_varchar": "varchar(50)",
        "c_varchar_max": "longtext",
        "c_nvarchar": "varchar(100)",
        "c_nvarchar_max": "longtext",
        "c_sysname": "varchar(128)",
        "c_text": "longtext",
        "c_ntext": "longtext",
        "c_xml": "longtext",
        "c_binary": "binary(16)",
        "c_binary_wide": "varbinary(500)",
        "c_varbinary": "varbinary(200)",
        "c_varbinary_max": "longblob",
        "c_image": "longblob",
        "c_uniqueidentifier": "char(36)",
        "c_rowversion": "binary(8)",
        "c_hierarchyid": "varchar(250)",
        "c_geometry": "longblob",
        "c_geography": "longblob",
    }


def test_keys_defaults_and_checks_behave_in_mariadb(mariadb_database: sa.Engine) -> None:
    """Northwind's: identity, defaults, a check, a foreign key with its actions, all enforced."""
    conversion = converted("northwind.sql")
    with mariadb_database.begin() as conn:
        for statement in conversion.ddl.split(";\n"):
            if statement.strip():
                conn.execute(sa.text(statement))
        conn.execute(sa.text("INSERT INTO Categories (CategoryName) VALUES ('Beverages')"))
        conn.execute(sa.text("INSERT INTO Products (ProductName, CategoryID) VALUES ('Chai', 1)"))
        row = conn.execute(
            sa.text("SELECT ProductID, UnitPrice, UnitsInStock, Discontinued FROM Products")
        ).one()
        assert tuple(row) == (1, 0, 0, 0)
    with mariadb_database.begin() as conn, pytest.raises(sa.exc.DBAPIError, match="CK_Products_UnitPrice"):
        conn.execute(sa.text("INSERT INTO Products (ProductName, UnitPrice) VALUES ('Bad', -1)"))
    with mariadb_database.begin() as conn:
        conn.execute(sa.text("DELETE FROM Categories WHERE CategoryID = 1"))
        assert conn.execute(sa.text("SELECT CategoryID FROM Products")).scalar_one() is None, (
            "ON DELETE SET NULL"
        )
