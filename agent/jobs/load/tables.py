"""The tables a load writes, as SQLAlchemy sees them: the dataset's target, made from its declared
columns when it is missing, and ``_loads``, the target database's own record of every load merged
into it (written in the merge's transaction, so a redelivered load finds itself there)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from contracts.datasets import ColumnSpec, DatasetSpec

LOADS_TABLE = "_loads"


def column_type(spec: ColumnSpec) -> sa.types.TypeEngine[Any]:
    if spec.type == "string":
        return sa.String(spec.max_length)
    if spec.type == "decimal":
        return sa.Numeric(spec.precision, spec.scale)
    types: dict[str, sa.types.TypeEngine[Any]] = {
        "integer": sa.BigInteger(),
        "number": sa.Double(),
        "boolean": sa.Boolean(create_constraint=False),
        "date": sa.Date(),
        "timestamp": sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
    }
    return types[spec.type]


def target_table(dataset: DatasetSpec, metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        dataset.table,
        metadata,
        *(
            sa.Column(
                name, column_type(spec), nullable=spec.nullable, primary_key=name in dataset.primary_key
            )
            for name, spec in dataset.columns.items()
        ),
    )


def loads_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        LOADS_TABLE,
        metadata,
        sa.Column("load_id", sa.String(64), primary_key=True),
        sa.Column("dataset", sa.String(63), nullable=False),
        sa.Column("object_key", sa.String(1024), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, index=True),
        sa.Column("etag", sa.String(128), nullable=False),
        sa.Column("sequencer", sa.String(64), nullable=False),
        sa.Column("rows_loaded", sa.BigInteger(), nullable=False),
        sa.Column("rows_rejected", sa.BigInteger(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
    )
