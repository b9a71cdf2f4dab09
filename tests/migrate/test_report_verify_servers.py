"""migrate verify --reports across the real servers of the move: the sandbox's sales rows in
PostgreSQL (the stand-in for Azure SQL, what Power BI read) and in MariaDB (the migrated RDS
MySQL). Power BI's DAX evaluated on one, the QuickSight definition on the other: equal, and a row
changed in the target is found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from migrate.cli import main
from sandbox.dataset import sales_rows
from tests.migrate.conftest import MARIADB_URL, POSTGRES_URL, PostgresSchema

ROOT = Path(__file__).resolve().parents[2]
SALES = ROOT / "sandbox" / "powerbi"
ROWS = 2000


def load(engine: sa.Engine, schema: str | None) -> None:
    metadata = sa.MetaData(schema=schema)
    table = sa.Table(
        "sales",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.String(10)),
        sa.Column("region", sa.String(8)),
        sa.Column("product", sa.String(16)),
        sa.Column("units", sa.Integer),
        sa.Column("amount", sa.Numeric(12, 2)),
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(), [dict(zip(table.c.keys(), row, strict=True)) for row in sales_rows(ROWS)]
        )


@pytest.mark.mysql
@pytest.mark.postgres
def test_postgresql_to_mariadb_is_equal_then_a_changed_row_is_found(
    postgres_schema: PostgresSchema, mariadb_database: sa.Engine, tmp_path: Path
) -> None:
    load(postgres_schema.engine, postgres_schema.schema)
    load(mariadb_database, None)
    assert main(["reports", str(SALES), "--out", str(tmp_path / "converted")]) == 0
    source = POSTGRES_URL.render_as_string(hide_password=False)
    target = MARIADB_URL.set(database=mariadb_database.url.database).render_as_string(hide_password=False)
    arguments = [
        "verify", "--reports", str(SALES), "--converted", str(tmp_path / "converted"),
        "--source", source, "--source-schema", postgres_schema.schema, "--target", target,
        "--output", str(tmp_path / "verify.json"),
    ]  # fmt: skip
    assert main(arguments) == 0
    found = json.loads((tmp_path / "verify.json").read_text())["reports"]["Sales"]
    assert sum(r["status"] == "equal" for r in found) == 17, "every converted visual"
    with mariadb_database.begin() as connection:
        connection.execute(sa.text("UPDATE sales SET units = units + 5 WHERE id = 11"))
    assert main(arguments) == 1
    found = {r["visual"]: r for r in json.loads((tmp_path / "verify.json").read_text())["reports"]["Sales"]}
    assert found["by_product"]["status"] == "different" and found["by_region"]["status"] == "equal"
