"""Checked rows as the CSV a database's bulk path reads (MySQL ``LOAD DATA``, PostgreSQL ``COPY``).

Every value is written in one unambiguous form, vectorised with Arrow compute: text is always
quoted (a quote doubled inside), NULL is the bare word NULL, so an empty string, the string
"NULL" and a missing value stay three different things. Both servers read it with no escape
character: MySQL ``FIELDS OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''`` (where an unquoted NULL is
NULL), PostgreSQL ``FORMAT csv, NULL 'NULL'`` (where a quoted value never is).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from agent.writers.arrow_text import concatenated
from contracts.datasets import DatasetSpec

NULL = "NULL"
# A timestamp as every target stores it: UTC, no zone; %S carries the microseconds.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def csv_lines(batch: pa.RecordBatch, dataset: DatasetSpec) -> bytes:
    if batch.num_rows == 0:
        return b""
    fields = [
        pc.fill_null(_field(batch.column(i), spec.type), NULL)
        for i, spec in enumerate(dataset.columns.values())
    ]
    return concatenated(pc.binary_join_element_wise(pc.binary_join_element_wise(*fields, ","), "", "\n"))


def _field(column: pa.Array, kind: str) -> pa.Array:
    if kind == "string":
        escaped = pc.replace_substring(column, '"', '""')
        return pc.binary_join_element_wise('"', escaped, '"', "")
    if kind == "boolean":
        return pc.if_else(column, "1", "0")
    if kind == "timestamp":  # stored as UTC without a zone (DATETIME / TIMESTAMP)
        return pc.strftime(column, TIMESTAMP_FORMAT)
    return pc.cast(column, pa.string())
