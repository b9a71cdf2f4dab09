"""Every row against the dataset's declared types: a batch of raw values in, the good rows typed
(the target's Arrow schema) and each bad row's first reason out.

A clean batch costs one Arrow cast per column. A batch holding a bad value is split in halves
until the bad values are alone, so a few bad rows cost a few extra casts, not a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from contracts.datasets import ColumnSpec, DatasetSpec

HAS_ZONE = r"(Z|[+-][0-9]{2}:?[0-9]{2})$"


def arrow_type(spec: ColumnSpec) -> pa.DataType:
    if spec.type == "decimal":
        assert spec.precision is not None and spec.scale is not None
        return pa.decimal128(spec.precision, spec.scale)
    return {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }[spec.type]


def arrow_schema(dataset: DatasetSpec) -> pa.Schema:
    return pa.schema(
        [pa.field(name, arrow_type(spec), spec.nullable) for name, spec in dataset.columns.items()]
    )


@dataclass
class Checked:
    good: pa.RecordBatch  # the rows that passed, in the target schema
    bad: dict[int, str]  # row index in the batch -> the first reason it failed


def check_batch(batch: pa.RecordBatch, dataset: DatasetSpec, max_row_bytes: int) -> Checked:
    bad: dict[int, str] = {}
    for i in _indices(pc.greater(_row_bytes(batch), max_row_bytes)):
        bad[i] = f"the row is longer than {max_row_bytes // 1024} KiB"
    columns: list[pa.Array] = []
    for name, spec in dataset.columns.items():
        index = batch.schema.get_field_index(name)
        raw = batch.column(index) if index >= 0 else pa.nulls(batch.num_rows, pa.string())
        typed = _typed(name, raw, spec, bad)
        if not spec.nullable:
            for i in _indices(pc.is_null(typed)):
                bad.setdefault(i, f"{name} is empty")
        columns.append(typed)
    typed_batch = pa.RecordBatch.from_arrays(columns, schema=arrow_schema(dataset).with_metadata(None))
    if bad:
        keep = pa.array([i not in bad for i in range(batch.num_rows)])
        typed_batch = typed_batch.filter(keep)
    return Checked(typed_batch, bad)


def _row_bytes(batch: pa.RecordBatch) -> pa.Array:
    total = pa.array([0] * batch.num_rows, pa.int64())
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_binary(column.type):
            total = pc.add(total, pc.fill_null(pc.cast(pc.binary_length(column), pa.int64()), 0))
    return total


def _typed(name: str, raw: pa.Array, spec: ColumnSpec, bad: dict[int, str]) -> pa.Array:
    target = arrow_type(spec)
    typed = raw
    if raw.type != target:
        text = _with_zone(raw) if spec.type == "timestamp" and pa.types.is_string(raw.type) else raw
        typed = _cast_or_bisect(_Column(name, raw, spec, bad), text, target, 0)
    if spec.type == "string" and spec.max_length is not None:
        for i in _indices(pc.greater(pc.utf8_length(typed), spec.max_length)):
            bad.setdefault(i, f"{name} is longer than {spec.max_length} characters")
    if spec.type == "number":
        for i in _indices(pc.invert(pc.is_finite(typed))):
            bad.setdefault(i, f"{name} is not a finite number")
    return typed


@dataclass(frozen=True)
class _Column:
    name: str
    original: pa.Array  # for the reason: the value as the file wrote it
    spec: ColumnSpec
    bad: dict[int, str]


def _with_zone(raw: pa.Array) -> pa.Array:
    """A timestamp without an offset is UTC; "2024-01-01 10:00:00" reads like the ISO "T" form."""
    text = pc.replace_substring_regex(raw, r"^([0-9-]{10}) ", r"\1T")
    return pc.if_else(
        pc.match_substring_regex(text, HAS_ZONE), text, pc.binary_join_element_wise(text, "Z", "")
    )


def _cast_or_bisect(column: _Column, values: pa.Array, target: pa.DataType, offset: int) -> pa.Array:
    try:
        return pc.cast(values, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        if len(values) == 1:
            shown = _shown(column.original[offset].as_py())
            column.bad.setdefault(offset, f"{column.name}: {shown} is not {_described(column.spec)}")
            return pa.nulls(1, target)
    half = len(values) // 2
    return pa.concat_arrays(
        [
            _cast_or_bisect(column, values.slice(0, half), target, offset),
            _cast_or_bisect(column, values.slice(half), target, offset + half),
        ]
    )


def _described(spec: ColumnSpec) -> str:
    if spec.type == "decimal":
        return f"a decimal of at most {spec.precision} digits, {spec.scale} after the point"
    return {
        "string": "text",
        "integer": "a whole number (64-bit)",
        "number": "a number",
        "boolean": "true, false, 1 or 0",
        "date": "a date (YYYY-MM-DD)",
        "timestamp": "a timestamp (YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM])",
    }[spec.type]


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _indices(mask: pa.Array) -> list[int]:
    """Where a boolean array is true (nulls count as false)."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return []
    return [int(i) for i in pc.indices_nonzero(mask).to_pylist()]
