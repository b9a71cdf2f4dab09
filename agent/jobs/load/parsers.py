"""A landed file as a stream of Arrow batches of its raw values, one parser per format.

CSV and JSON Lines come out as strings (the checks turn them into the declared types, row by
row where a batch holds a bad value); Parquet keeps its own types. Malformed records (a CSV row
with the wrong number of fields, a JSON line that is not an object) never reach a batch: they go
to ``reject``. Anything that makes the whole file unreadable raises ``InvalidLoadError``.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from agent.jobs.errors import InvalidLoadError
from contracts.datasets import DatasetSpec, FileFormat

# The longest record accepted (a longer one is rejected); also CSV's block size.
MAX_ROW_BYTES = 1 << 20
JSON_BATCH_LINES = 10_000
PARQUET_BATCH_ROWS = 65_536

Reject = Callable[[str, str, str], None]  # (where, reason, record text)


def read_batches(
    path: Path, fmt: FileFormat, dataset: DatasetSpec, reject: Reject
) -> Iterator[pa.RecordBatch]:
    if path.stat().st_size == 0:
        raise InvalidLoadError("the file is empty (not even a header)")
    try:
        if fmt in ("csv", "csv.gz"):
            yield from _csv(path, fmt == "csv.gz", dataset, reject)
        elif fmt in ("jsonl", "jsonl.gz"):
            yield from _json_lines(path, fmt == "jsonl.gz", dataset, reject)
        else:
            yield from _parquet(path, dataset)
    except (pa.ArrowInvalid, OSError, EOFError, zlib.error) as exc:
        raise InvalidLoadError(f"the file cannot be read as {fmt}: {_explain(exc)}") from exc


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "straddling" in text or "block size" in text:
        return f"a row runs over {MAX_ROW_BYTES // 1024} KiB without ending (an unclosed quote?)"
    if "UTF8" in text or "utf-8" in text.lower():
        return "it is not UTF-8 text"
    if isinstance(exc, EOFError) or "truncated" in text.lower() or "gzip" in text.lower():
        return f"the compressed data is cut short or damaged ({text[:200]})"
    return text[:300]


def check_header(names: list[str], dataset: DatasetSpec) -> None:
    """The file's columns, in any order: every declared column that cannot be empty, and no other."""
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise InvalidLoadError(f"the header repeats column(s) {', '.join(repeated)}")
    unknown = [n for n in names if n not in dataset.columns]
    if unknown:
        raise InvalidLoadError(
            f"the header names column(s) {', '.join(unknown)} that dataset {dataset.name!r} does not declare"
            f" (it has {', '.join(dataset.columns)})"
        )
    missing = [c for c, spec in dataset.columns.items() if c not in names and not spec.nullable]
    if missing:
        raise InvalidLoadError(f"the header lacks required column(s) {', '.join(missing)}")


def _csv(path: Path, gzipped: bool, dataset: DatasetSpec, reject: Reject) -> Iterator[pa.RecordBatch]:
    def malformed(row: Any) -> str:
        reject(
            f"line {row.number}" if row.number is not None else "a row",
            f"expected {row.expected_columns} fields, found {row.actual_columns}",
            row.text[:1000],
        )
        return "skip"

    stream = pa.input_stream(str(path), compression="gzip" if gzipped else None)
    parsed = pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(block_size=MAX_ROW_BYTES, use_threads=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=malformed),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(dataset.columns, pa.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            null_values=[""],
        ),
    )
    with parsed:
        check_header(parsed.schema.names, dataset)
        yield from parsed


def _parquet(path: Path, dataset: DatasetSpec) -> Iterator[pa.RecordBatch]:
    with pq.ParquetFile(path) as parquet:
        check_header(parquet.schema_arrow.names, dataset)
        yield from parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, use_threads=False)


def _json_lines(path: Path, gzipped: bool, dataset: DatasetSpec, reject: Reject) -> Iterator[pa.RecordBatch]:
    opener = gzip.open if gzipped else open
    with opener(path, "rb") as lines:
        records: list[dict[str, str | None]] = []
        for number, line in enumerate(_bounded_lines(lines), start=1):
            if line is None:
                reject(f"line {number}", f"the line is longer than {MAX_ROW_BYTES // 1024} KiB", "")
                continue
            if not line.strip():
                continue
            record = _json_record(line, number, dataset, reject)
            if record is not None:
                records.append(record)
            if len(records) >= JSON_BATCH_LINES:
                yield _string_batch(records, dataset)
                records = []
        if records:
            yield _string_batch(records, dataset)


def _bounded_lines(lines: Any) -> Iterator[bytes | None]:
    """Each line, or None for one longer than ``MAX_ROW_BYTES`` (read past, never held whole)."""
    while line := lines.readline(MAX_ROW_BYTES + 1):
        if len(line) <= MAX_ROW_BYTES or line.endswith(b"\n"):
            yield line
            continue
        while (rest := lines.readline(MAX_ROW_BYTES)) and not rest.endswith(b"\n"):
            pass
        yield None


def _json_record(
    line: bytes, number: int, dataset: DatasetSpec, reject: Reject
) -> dict[str, str | None] | None:
    try:
        text = line.decode()
    except UnicodeDecodeError as exc:
        raise InvalidLoadError(f"line {number} is not UTF-8 text") from exc
    try:
        value = json.loads(text)
    except ValueError as exc:
        reject(f"line {number}", f"not JSON: {exc}", text[:1000])
        return None
    if not isinstance(value, dict):
        reject(f"line {number}", "not a JSON object", text[:1000])
        return None
    unknown = [k for k in value if k not in dataset.columns]
    if unknown:
        reject(f"line {number}", f"unknown field(s) {', '.join(unknown)}", text[:1000])
        return None
    record: dict[str, str | None] = {}
    for name, item in value.items():
        if isinstance(item, dict | list):
            reject(f"line {number}", f"{name} is not a single value", text[:1000])
            return None
        record[name] = _json_text(item)
    return record


def _json_text(item: Any) -> str | None:
    """A JSON scalar as the text the checks read: the same rules as a CSV field."""
    if item is None:
        return None
    if isinstance(item, bool):
        return "true" if item else "false"
    return item if isinstance(item, str) else json.dumps(item)


def _string_batch(records: list[dict[str, str | None]], dataset: DatasetSpec) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [pa.array([r.get(name) for r in records], pa.string()) for name in dataset.columns],
        names=list(dataset.columns),
    )
