"""``make bench`` (load part): the files a load reads, made once from the sandbox's ``sales``
rows (CSV and Parquet of the same rows), and the dataset the agent loads them as."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from contracts.datasets import DatasetSpec, parse_datasets
from sandbox.dataset import sales_rows

COLUMNS = ("id", "day", "region", "product", "units", "amount")


def dataset_for(table: str) -> DatasetSpec:
    """The sales dataset as sandbox/catalog/datasets.toml declares it, appended into ``table``."""
    return parse_datasets(f"""
[datasets.bench]
datasource = "bench"
table = "{table}"
primary_key = ["id"]
mode = "append"
formats = ["csv", "parquet"]
[datasets.bench.columns]
id = {{ type = "integer", nullable = false }}
day = {{ type = "date", nullable = false }}
region = {{ type = "string", max_length = 8, nullable = false }}
product = {{ type = "string", max_length = 32, nullable = false }}
units = {{ type = "integer", nullable = false }}
amount = {{ type = "decimal", precision = 12, scale = 2, nullable = false }}
""").datasets["bench"]


def ensure_files(directory: Path, rows: int) -> tuple[Path, Path]:
    """(CSV, Parquet) of the first ``rows`` sales rows, written once."""
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = directory / f"sales-{rows}.csv", directory / f"sales-{rows}.parquet"
    if not csv_path.exists():
        tmp = csv_path.with_suffix(".tmp")
        with tmp.open("w", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(sales_rows(rows))
        tmp.replace(csv_path)
    if not parquet_path.exists():
        types = {"id": pa.int64(), "day": pa.date32(), "units": pa.int64(), "amount": pa.decimal128(12, 2)}
        table = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(column_types=types))
        pq.write_table(table, parquet_path.with_suffix(".tmp"), compression="zstd")
        parquet_path.with_suffix(".tmp").replace(parquet_path)
    return csv_path, parquet_path
