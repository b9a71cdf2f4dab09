"""``make bench`` (extract part): the sandbox's ``sales`` rows loaded into the local MariaDB and
PostgreSQL as ``bench_sales``, through each server's own bulk loader. Loaded once: a table that
already holds the rows asked for is kept."""

from __future__ import annotations

import csv
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from sandbox.dataset import sales_rows

TABLE = os.environ.get("BENCH_EXTRACT_TABLE", "bench_sales")
COLUMNS = "id, day, region, product, units, amount"


def query(rows: int, table: str = TABLE) -> str:
    """The bench's extract as every baseline runs it (the renderer binds ``rows`` instead)."""
    return f"SELECT {COLUMNS} FROM {table} WHERE id <= {rows} ORDER BY id"


_DDL = (
    "CREATE TABLE {table} (id BIGINT PRIMARY KEY, day DATE NOT NULL, region VARCHAR(8) NOT NULL,"
    " product VARCHAR(16) NOT NULL, units INT NOT NULL, amount DECIMAL(12, 2) NOT NULL)"
)


@dataclass(frozen=True)
class Server:
    name: str  # mariadb | postgresql
    url: str  # SQLAlchemy's, as SNAPSHOT_DATA_SOURCES would name it

    @property
    def parts(self) -> URL:
        return make_url(self.url)

    def cli(self, sql: str, *extra: str) -> list[str]:
        """The server's own client running ``sql``, output as its export writes it."""
        url = self.parts
        if self.name == "mariadb":
            return [
                "mariadb", "--batch", "--quick", *extra, f"--host={url.host}", f"--port={url.port or 3306}",
                f"--user={url.username}", url.database or "", "-e", sql,
            ]  # fmt: skip
        return [
            "psql", "--no-psqlrc", "--quiet", *extra, f"--host={url.host}", f"--port={url.port or 5432}",
            f"--username={url.username}", f"--dbname={url.database}", "-c", sql,
        ]  # fmt: skip

    def env(self) -> dict[str, str]:
        password = self.parts.password or ""
        return os.environ | (
            {"MYSQL_PWD": str(password)} if self.name == "mariadb" else {"PGPASSWORD": str(password)}
        )

    def run(self, sql: str, *extra: str) -> str:
        done = subprocess.run(
            self.cli(sql, *extra), env=self.env(), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: {sql[:60]}: {done.stderr.strip()}")
        return done.stdout


SERVERS = (
    Server("mariadb", os.environ.get("BENCH_MYSQL_URL", "mysql+aiomysql://root@127.0.0.1:3306/test")),
    Server(
        "postgresql",
        os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    ),
)


def ensure_loaded(server: Server, rows: int, table: str = TABLE) -> bool:
    """Make ``table`` hold exactly the first ``rows`` sales rows; True if it had to load them."""
    if _holds(server, rows, table):
        return False
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as scratch:
        tsv = Path(scratch) / "sales.tsv"
        with tsv.open("w", newline="") as out:
            csv.writer(out, delimiter="\t", lineterminator="\n").writerows(sales_rows(rows))
        server.run(f"DROP TABLE IF EXISTS {table}")
        server.run(_DDL.format(table=table))
        if server.name == "mariadb":
            server.run(f"LOAD DATA LOCAL INFILE '{tsv}' INTO TABLE {table}", "--local-infile=1")
        else:
            server.run(f"\\copy {table} FROM '{tsv}'")
            server.run(f"ANALYZE {table}")
    if not _holds(server, rows, table):
        raise RuntimeError(f"{server.name}: {table} does not hold {rows} rows after loading them")
    return True


def fresh_table(server: Server, table: str) -> None:
    """An empty ``table`` of the sales shape (a load bench run's target)."""
    server.run(f"DROP TABLE IF EXISTS {table}")
    server.run(_DDL.format(table=table))


def _holds(server: Server, rows: int, table: str) -> bool:
    quiet = (
        ("--skip-column-names",)
        if server.name == "mariadb"
        else ("--tuples-only", "--no-align", "--field-separator= ")
    )
    try:
        found = server.run(f"SELECT COUNT(*), MAX(id) FROM {table}", *quiet).split()
    except RuntimeError:
        return False
    return found == [str(rows), str(rows)]
