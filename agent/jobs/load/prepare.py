"""The CPU half of a load, run in a worker thread: read the landed file batch by batch, check
every row, spool the good ones in the form the target's bulk path reads and the bad ones, each
with its reason, as JSON Lines. Memory holds one batch at a time; both spools are on disk."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import pyarrow as pa
import pyarrow.ipc as ipc

from agent.jobs.load.checks import arrow_schema, check_batch
from agent.jobs.load.encode import csv_lines
from agent.jobs.load.parsers import MAX_ROW_BYTES, read_batches
from contracts.datasets import DatasetSpec, FileFormat


class LoadCancelled(Exception):
    pass


# A part of the CSV spool stays under this: aiomysql sends a LOCAL file in packets of up to 16 MiB
# and loses the protocol's sequence past one, so MySQL loads each part with a LOAD DATA of its own.
PART_BYTES = 8 << 20


class Spool(Protocol):
    parts: list[Path]

    def write(self, batch: pa.RecordBatch) -> None: ...

    def close(self) -> None: ...


PartDone = Callable[[Path], None]


def _ignore(_: Path) -> None:
    pass


class CsvSpool:
    """For MySQL's LOAD DATA and PostgreSQL's COPY (see ``encode``), in parts of ``PART_BYTES``;
    ``part_done`` hears of each part once it is complete (the merge may load it then)."""

    def __init__(self, stem: Path, dataset: DatasetSpec, part_done: PartDone = _ignore) -> None:
        self.parts: list[Path] = []
        self._stem = stem
        self._dataset = dataset
        self._part_done = part_done
        self._file: IO[bytes] | None = None
        self._size = 0

    def write(self, batch: pa.RecordBatch) -> None:
        data = csv_lines(batch, self._dataset)
        if len(data) > PART_BYTES and batch.num_rows > 1:
            half = batch.num_rows // 2
            self.write(batch.slice(0, half))
            self.write(batch.slice(half))
            return
        if self._file is None or self._size + len(data) > PART_BYTES:
            self._next_part()
        assert self._file is not None
        self._file.write(data)
        self._size += len(data)

    def _next_part(self) -> None:
        self.close()
        self.parts.append(self._stem.with_name(f"{self._stem.name}-{len(self.parts):05d}.csv"))
        self._file = self.parts[-1].open("wb")
        self._size = 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._part_done(self.parts[-1])


class ArrowSpool:
    """For SQLite, which has no bulk path: typed batches in one part, read back for executemany."""

    def __init__(self, path: Path, dataset: DatasetSpec, part_done: PartDone = _ignore) -> None:
        self.parts = [path]
        self._part_done = part_done
        self._writer = ipc.new_stream(str(path), arrow_schema(dataset))

    def write(self, batch: pa.RecordBatch) -> None:
        self._writer.write_batch(batch)

    def close(self) -> None:
        self._writer.close()
        self._part_done(self.parts[0])


@dataclass
class Prepared:
    good_rows: int
    rejected_rows: int
    parts: list[Path]  # the good rows, in order, as the target's bulk path reads them
    rejects: Path
    first_rejects: list[str]  # a few reasons, for the failure's cause

    @property
    def rows(self) -> int:
        return self.good_rows + self.rejected_rows


class _Rejects:
    KEPT_REASONS = 3
    KEPT_CHARACTERS = 1000

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self.count = 0
        self.first: list[str] = []

    def add(self, where: str, reason: str, record: object) -> None:
        self.count += 1
        if len(self.first) < self.KEPT_REASONS:
            self.first.append(f"{where}: {reason}")
        if isinstance(record, dict):
            record = {k: _shortened(v) for k, v in record.items()}
        line = {"where": where, "reason": reason, "record": _shortened(record)}
        self._out.write(json.dumps(line, default=str) + "\n")


def _shortened(value: object) -> object:
    """A rejected value as kept in the rejects file: enough to find it, never a megabyte."""
    if isinstance(value, str) and len(value) > _Rejects.KEPT_CHARACTERS:
        return value[: _Rejects.KEPT_CHARACTERS] + f"... ({len(value)} characters)"
    return value


def prepare(
    source: Path,
    fmt: FileFormat,
    dataset: DatasetSpec,
    make_spool: Callable[[Path, DatasetSpec], Spool],
    workdir: Path,
    cancelled: threading.Event,
) -> Prepared:
    rejects_path = workdir / "rejects.jsonl"
    good = 0
    records = 0
    with (
        contextlib.closing(make_spool(workdir / "good", dataset)) as spool,
        rejects_path.open("w", encoding="utf-8") as out,
    ):
        rejects = _Rejects(out)
        for batch in read_batches(source, fmt, dataset, rejects.add):
            if cancelled.is_set():
                raise LoadCancelled
            checked = check_batch(batch, dataset, MAX_ROW_BYTES)
            for index, reason in sorted(checked.bad.items()):
                rejects.add(f"record {records + index + 1}", reason, batch.slice(index, 1).to_pylist()[0])
            spool.write(checked.good)
            good += checked.good.num_rows
            records += batch.num_rows
    return Prepared(good, rejects.count, spool.parts, rejects_path, rejects.first)
