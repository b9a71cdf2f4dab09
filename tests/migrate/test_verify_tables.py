"""``migrate verify`` on real servers: PostgreSQL stands in for the SQL Server source (none runs
here), MariaDB is the target, and the target's tables are made by ``migrate schema`` from the
source's T-SQL. Each injected difference is found exactly, on the key and the column it is in."""

from __future__ import annotations

import datetime
import decimal
import json
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from migrate.cli import main
from migrate.schema.convert import convert
from migrate.verify.engines import readonly_engine
from migrate.verify.plan import Schemas, plan_table
from migrate.verify.tables import TableComparison, TableResult
from tests.migrate.conftest import PostgresSchema

ROWS = 3000
TSQL = """
CREATE TABLE dbo.orders (
    id INT NOT NULL PRIMARY KEY,
    customer NVARCHAR(50) NOT NULL,
    note NVARCHAR(200) NULL,
    amount DECIMAL(12, 2) NOT NULL,
    ratio FLOAT NULL,
    placed DATETIME2(6) NOT NULL,
    paid BIT NOT NULL,
    ref UNIQUEIDENTIFIER NOT NULL
);
CREATE TABLE dbo.regions (
    region NVARCHAR(20) NOT NULL,
    code NVARCHAR(10) NOT NULL,
    label NVARCHAR(50) NULL,
    CONSTRAINT pk_regions PRIMARY KEY (region, code)
);
"""
# The same tables as PostgreSQL holds them (SQL Server's types, as a PostgreSQL source would).
POSTGRES_DDL = """
CREATE TABLE {schema}.orders (
    id integer PRIMARY KEY, customer varchar(50) NOT NULL, note varchar(200), amount numeric(12, 2) NOT NULL,
    ratio double precision, placed timestamp(6) NOT NULL, paid boolean NOT NULL, ref uuid NOT NULL
);
CREATE TABLE {schema}.regions (
    region varchar(20) NOT NULL, code varchar(10) NOT NULL, label varchar(50), PRIMARY KEY (region, code)
);
"""
# Keys whose order differs between collations (MariaDB's case- and accent-blind one, PostgreSQL's
# and byte order), none equal under MariaDB's.
REGIONS = [
    ("EMEA", "a"),
    ("EMEA", "B"),
    ("EMEA", "c"),
    ("APAC", "Z"),
    ("APAC", "é"),
    ("Äland", "1"),
    ("zulu", "x"),
]


def order(n: int) -> dict[str, Any]:
    return {
        "id": n,
        "customer": f"customer {n % 97}",
        "note": None if n % 5 == 0 else ("" if n % 7 == 0 else f"note {n}"),
        "amount": decimal.Decimal(n % 1000) + decimal.Decimal("0.25"),
        "ratio": None if n % 11 == 0 else n / 7,
        "placed": datetime.datetime(2026, 1, 1) + datetime.timedelta(seconds=n * 37, microseconds=n % 1000),
        "paid": n % 2 == 0,
        "ref": str(uuid.UUID(int=n * 7919)),
    }


@pytest.fixture
def both(postgres_schema: PostgresSchema, mariadb_database: sa.Engine) -> tuple[PostgresSchema, sa.Engine]:
    """The two tables on both sides with the same rows."""
    with postgres_schema.engine.begin() as conn:
        for statement in POSTGRES_DDL.format(schema=postgres_schema.schema).split(";"):
            if statement.strip():
                conn.execute(sa.text(statement))
    with mariadb_database.begin() as conn:
        for statement in convert(TSQL).ddl.split(";\n"):
            if statement.strip():
                conn.execute(sa.text(statement))
    rows = [order(n) for n in range(1, ROWS + 1)]
    regions = [{"region": r, "code": c, "label": f"{r}/{c}"} for r, c in REGIONS]
    columns = ", ".join(rows[0])
    values = ", ".join(f":{c}" for c in rows[0])
    for engine, prefix in ((postgres_schema.engine, f"{postgres_schema.schema}."), (mariadb_database, "")):
        typed = values.replace(":ref", "CAST(:ref AS uuid)") if prefix else values
        with engine.begin() as conn:
            conn.execute(sa.text(f"INSERT INTO {prefix}orders ({columns}) VALUES ({typed})"), rows)
            conn.execute(sa.text(f"INSERT INTO {prefix}regions VALUES (:region, :code, :label)"), regions)
    return postgres_schema, mariadb_database


def compare(
    both: tuple[PostgresSchema, sa.Engine], table: str = "orders", factor: int = 8, download_rows: int = 16
) -> TableResult:
    """Small ranges and a low fan-out, so a difference is found through several levels of splits."""
    source, target = both
    source_engine = readonly_engine(source.engine.url.render_as_string(hide_password=False), 2)
    target_engine = readonly_engine(target.url.render_as_string(hide_password=False), 2)
    plan = plan_table(table, source_engine, target_engine, Schemas(source=source.schema))
    with ThreadPoolExecutor(4) as pool:
        result = TableComparison(
            plan.name, plan.source, plan.target, plan.integer_key, pool, lambda _: None, factor, download_rows
        ).run()
    source_engine.dispose()
    target_engine.dispose()
    return result


def change(target: sa.Engine, sql: str, **params: Any) -> None:
    with target.begin() as conn:
        conn.execute(sa.text(sql), params)


def test_equal_tables_match_in_one_range_each(both: tuple[PostgresSchema, sa.Engine]) -> None:
    """A key narrower than factor x download_rows values is checksummed whole."""
    result = compare(both, download_rows=ROWS)
    assert (result.status, result.source_rows, result.target_rows, result.segments) == (
        "match",
        ROWS,
        ROWS,
        1,
    )
    assert compare(both, "regions").status == "match"


def test_a_wide_integer_key_is_read_in_parts_from_the_start(
    both: tuple[PostgresSchema, sa.Engine],
) -> None:
    """Past factor x download_rows key values, the first checksums are already the split's (read
    in parallel), and their counts add up to the whole table's."""
    result = compare(both, factor=4, download_rows=10)
    assert (result.status, result.source_rows, result.target_rows, result.segments) == (
        "match",
        ROWS,
        ROWS,
        4,
    )


def test_missing_and_extra_rows_are_named(both: tuple[PostgresSchema, sa.Engine]) -> None:
    _, target = both
    change(target, "DELETE FROM orders WHERE id IN (7, 1500, 2999)")
    change(
        target,
        "INSERT INTO orders SELECT id + 10000, customer, note, amount, ratio, placed, paid, ref FROM orders"
        " WHERE id IN (1, 2)",
    )
    result = compare(both)
    assert (result.status, result.missing_keys, result.extra_keys) == (
        "differ",
        [7, 1500, 2999],
        [10001, 10002],
    )
    assert (result.missing, result.extra, result.different) == (3, 2, 0)
    assert result.segments > 8, "found through splits, not a whole listing"


@pytest.mark.parametrize(
    ("column", "sql", "params"),
    [
        ("amount", "UPDATE orders SET amount = amount + 0.01 WHERE id = :id", {}),
        ("note", "UPDATE orders SET note = '' WHERE id = :id", {}),
        ("customer", "UPDATE orders SET customer = CONCAT(customer, ' ') WHERE id = :id", {}),
        ("placed", "UPDATE orders SET placed = placed + INTERVAL 1 MICROSECOND WHERE id = :id", {}),
        ("paid", "UPDATE orders SET paid = 1 - paid WHERE id = :id", {}),
        ("ratio", "UPDATE orders SET ratio = ratio * 1.000001 WHERE id = :id", {}),
        ("ref", "UPDATE orders SET ref = '00000000-0000-0000-0000-000000000001' WHERE id = :id", {}),
    ],
    ids=[
        "decimal-rounding",
        "null-became-empty",
        "trailing-space",
        "one-microsecond",
        "bit",
        "float",
        "uuid",
    ],
)
def test_a_changed_value_is_found_on_its_key_and_column(
    both: tuple[PostgresSchema, sa.Engine], column: str, sql: str, params: dict[str, Any]
) -> None:
    _, target = both
    key = 1234 if column != "note" else 1235  # 1235 % 5 == 0: its note is NULL at the source
    change(target, sql, id=key, **params)
    result = compare(both)
    assert result.different_keys == [{"key": key, "columns": [column]}], result
    assert (result.missing, result.extra, result.different) == (0, 0, 1)


def test_unicode_normalisation_counts(both: tuple[PostgresSchema, sa.Engine]) -> None:
    source, target = both
    composed = unicodedata.normalize("NFC", "Café Zoë")
    with source.engine.begin() as conn:
        conn.execute(
            sa.text(f"UPDATE {source.schema}.orders SET customer = :c WHERE id = 42"), {"c": composed}
        )
    change(target, "UPDATE orders SET customer = :c WHERE id = 42", c=unicodedata.normalize("NFD", composed))
    assert compare(both).different_keys == [{"key": 42, "columns": ["customer"]}]


def test_text_keys_split_alike_whatever_each_sides_collation(both: tuple[PostgresSchema, sa.Engine]) -> None:
    """Ranges of text keys hold the same rows on both sides: both order keys by their bytes."""
    _, target = both
    change(target, "DELETE FROM regions WHERE region = 'APAC' AND code = 'é'")
    change(target, "UPDATE regions SET label = 'changed' WHERE region = 'EMEA' AND code = 'B'")
    result = compare(both, "regions", factor=2, download_rows=1)
    assert (result.missing_keys, result.different_keys) == (
        [["APAC", "é"]],
        [{"key": ["EMEA", "B"], "columns": ["label"]}],
    )
    assert result.segments > 3


def test_the_verifier_never_writes(both: tuple[PostgresSchema, sa.Engine]) -> None:
    source, target = both
    for engine, table in (
        (
            readonly_engine(source.engine.url.render_as_string(hide_password=False), 1),
            f"{source.schema}.orders",
        ),
        (readonly_engine(target.url.render_as_string(hide_password=False), 1), "orders"),
    ):
        with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match=r"(?i)read.only"):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE id = 1"))
        engine.dispose()


def cli(both: tuple[PostgresSchema, sa.Engine], tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    source, target = both
    output = tmp_path / "verify.json"
    code = main(
        [
            "verify",
            "--source",
            source.engine.url.render_as_string(hide_password=False),
            "--target",
            target.url.render_as_string(hide_password=False),
            "--source-schema",
            source.schema,
            "-o",
            str(output),
            "--state",
            str(tmp_path / "state.json"),
            *extra,
        ]
    )
    return code, json.loads(output.read_text()) if output.exists() else {}


def test_the_cli_exits_0_on_a_match_and_1_on_a_difference(
    both: tuple[PostgresSchema, sa.Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = cli(both, tmp_path)
    assert code == 0 and report["ok"] is True
    assert {t["table"]: t["status"] for t in report["tables"]} == {"orders": "match", "regions": "match"}
    change(both[1], "DELETE FROM orders WHERE id = 5")
    code, report = cli(both, tmp_path, "--tables", "orders")
    assert code == 1 and report["tables"][0]["missing_keys"] == [5]
    out = capsys.readouterr().out
    assert "orders: DIFFER (source 3,000 rows, target 2,999): 1 missing, 0 extra, 0 different" in out


def test_an_interrupted_run_resumes_where_it_stopped(
    both: tuple[PostgresSchema, sa.Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import migrate.verify.run as run

    compared: list[str] = []
    original = run._compare

    def interrupted_at_regions(name: str, *args: Any) -> TableResult:
        compared.append(name)
        if name == "regions":
            raise KeyboardInterrupt
        return original(name, *args)

    monkeypatch.setattr(run, "_compare", interrupted_at_regions)
    code, _ = cli(both, tmp_path, "--tables", "orders,regions")
    assert code == 130

    def counted(name: str, *args: Any) -> TableResult:
        compared.append(name)
        return original(name, *args)

    monkeypatch.setattr(run, "_compare", counted)
    code, report = cli(both, tmp_path, "--tables", "orders,regions", "--resume")
    assert code == 0 and [t["status"] for t in report["tables"]] == ["match", "match"]
    assert compared == ["orders", "regions", "regions"], "orders was not compared again"


def test_bad_arguments_and_unreachable_databases_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "verify",
            "--source",
            "oracle://x",
            "--target",
            "mysql://root@127.0.0.1:1/none",
            "-o",
            str(tmp_path / "v.json"),
        ]
    )
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1
    code = main(
        [
            "verify",
            "--source",
            "postgresql://postgres@127.0.0.1:1/none",
            "--target",
            "mysql://root@127.0.0.1:1/none",
            "-o",
            str(tmp_path / "v.json"),
            "--state",
            str(tmp_path / "s.json"),
        ]
    )
    assert code == 2 and "migrate verify:" in capsys.readouterr().err


def test_columns_declared_differently_hash_alike_while_their_values_are_equal(
    postgres_schema: PostgresSchema, mariadb_database: sa.Engine
) -> None:
    """Each side writes its hash from its own columns: a NOT NULL DECIMAL(12,2) printed as it is
    against a nullable NUMERIC(14,4) cast to scale 4, a NOT NULL DATE against a nullable one. The
    texts are the same, so equal values match and a changed one is still found."""
    schema = postgres_schema.schema
    with postgres_schema.engine.begin() as conn:
        conn.execute(
            sa.text(
                f"CREATE TABLE {schema}.loose"
                " (id bigint PRIMARY KEY, amount numeric(14, 4), day date, n integer)"
            )
        )
    with mariadb_database.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE loose (id BIGINT PRIMARY KEY, amount DECIMAL(12, 2) NOT NULL,"
                " day DATE NOT NULL, n INT NOT NULL)"
            )
        )
    rows = [
        {"id": n, "amount": decimal.Decimal(n) / 4, "day": datetime.date(2026, 1, 1 + n % 28), "n": -n}
        for n in range(1, 101)
    ]
    for engine, table in ((postgres_schema.engine, f"{schema}.loose"), (mariadb_database, "loose")):
        with engine.begin() as conn:
            conn.execute(sa.text(f"INSERT INTO {table} VALUES (:id, :amount, :day, :n)"), rows)
    assert compare((postgres_schema, mariadb_database), "loose").status == "match"
    change(mariadb_database, "UPDATE loose SET amount = amount + 0.01 WHERE id = 42")
    result = compare((postgres_schema, mariadb_database), "loose")
    assert (result.status, result.different_keys) == ("differ", [{"key": 42, "columns": ["amount"]}])


def test_text_in_a_latin1_column_is_hashed_as_utf8(
    postgres_schema: PostgresSchema, mariadb_database: sa.Engine
) -> None:
    """A UTF-8 column is hashed as it is stored; a column in another character set is converted
    first, so 'café' in latin1 hashes as 'café' in UTF-8 does."""
    schema = postgres_schema.schema
    with postgres_schema.engine.begin() as conn:
        conn.execute(
            sa.text(f"CREATE TABLE {schema}.words (id int PRIMARY KEY, word varchar(20), latin varchar(20))")
        )
    with mariadb_database.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE words (id INT PRIMARY KEY, word VARCHAR(20),"
                " latin VARCHAR(20) CHARACTER SET latin1) DEFAULT CHARSET=utf8mb4"
            )
        )
    rows = [{"id": 1, "word": "café", "latin": "café"}, {"id": 2, "word": "naïve", "latin": "Zoë"}]
    for engine, table in ((postgres_schema.engine, f"{schema}.words"), (mariadb_database, "words")):
        with engine.begin() as conn:
            conn.execute(sa.text(f"INSERT INTO {table} VALUES (:id, :word, :latin)"), rows)
    assert compare((postgres_schema, mariadb_database), "words").status == "match"
    change(mariadb_database, "UPDATE words SET latin = 'Zoe' WHERE id = 2")
    result = compare((postgres_schema, mariadb_database), "words")
    assert result.different_keys == [{"key": 2, "columns": ["latin"]}]
