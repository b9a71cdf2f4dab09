"""Compare one table on two databases without moving it: checksum the whole key range on both
sides at once; where the checksums differ, split the range (32 ways) and checksum the parts, down
to ranges small enough to list; then list those ranges' keys and row hashes and name each missing,
extra and different key (the approach data-diff made known). Equal tables cost one scan a side.

A wide integer key is cut into its 32 parts from the start: the parts are read in parallel on
each side (one query a side would use one core of each server), and a table that differs needs
no whole-table pass before its first split."""

from __future__ import annotations

import datetime
import decimal
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from migrate.verify.table_side import Checksum, Key, KeyRange, TableSide

FACTOR = 32  # parts a differing range splits into
DOWNLOAD_ROWS = 2048  # a differing range this small is listed row by row
MAX_KEYS = 100  # keys listed per kind of difference (the counts are always whole)


@dataclass
class TableResult:
    table: str
    status: str = "match"  # match | differ | error
    source_rows: int = 0
    target_rows: int = 0
    missing: int = 0  # keys the source has and the target lacks
    extra: int = 0  # keys only the target has
    different: int = 0  # keys on both whose rows differ
    missing_keys: list[Any] = field(default_factory=list)
    extra_keys: list[Any] = field(default_factory=list)
    different_keys: list[dict[str, Any]] = field(default_factory=list)  # {"key", "columns"}
    columns_only_in_source: list[str] = field(default_factory=list)
    columns_only_in_target: list[str] = field(default_factory=list)
    segments: int = 0  # key ranges checksummed
    seconds: float = 0.0
    error: str = ""

    def summary(self) -> str:
        if self.status == "error":
            return f"{self.table}: ERROR {self.error}"
        counts = f"source {self.source_rows:,} rows, target {self.target_rows:,}"
        if self.status == "match":
            return f"{self.table}: MATCH ({counts})"
        parts = [f"{self.missing:,} missing", f"{self.extra:,} extra", f"{self.different:,} different"]
        if self.columns_only_in_source or self.columns_only_in_target:
            parts.append(
                f"columns only in the source {self.columns_only_in_source},"
                f" only in the target {self.columns_only_in_target}"
            )
        return f"{self.table}: DIFFER ({counts}): " + ", ".join(parts)


Progress = Callable[[str], None]


class TableComparison:
    def __init__(
        self,
        name: str,
        source: TableSide,
        target: TableSide,
        integer_key: bool,
        pool: ThreadPoolExecutor,
        progress: Progress,
        factor: int = FACTOR,
        download_rows: int = DOWNLOAD_ROWS,
    ) -> None:
        self.factor = factor
        self.download_rows = download_rows
        self.name = name
        self.source = source
        self.target = target
        self.integer_key = integer_key
        self.pool = pool
        self.progress = progress
        self.result = TableResult(name)
        self._key_bounds: tuple[int, int] | None = None

    def run(self) -> TableResult:
        started = time.monotonic()
        first = self._first_ranges()
        pending = [(span, s, t) for span, (s, t) in zip(first, self._checksums(first), strict=True)]
        self.result.source_rows = sum(s.rows for _, s, _ in pending)
        self.result.target_rows = sum(t.rows for _, _, t in pending)
        level = 0
        while pending:
            level += 1
            differing = [(span, s, t) for span, s, t in pending if s != t]
            self.progress(f"{self.name}: level {level}, {len(pending)} ranges, {len(differing)} differ")
            parts: list[KeyRange] = []
            for span, s, t in differing:
                split = [] if self._listable(span, s, t) else self._split(span, s, t)
                if len(split) > 1:
                    parts += split
                else:  # small enough, or no longer divisible: listed row by row
                    self._list(span)
            pending = [(span, s, t) for span, (s, t) in zip(parts, self._checksums(parts), strict=True)]
        result = self.result
        result.missing_keys.sort(key=_order)
        result.extra_keys.sort(key=_order)
        result.different_keys.sort(key=lambda d: _order(d["key"]))
        if result.missing or result.extra or result.different:
            result.status = "differ"
        self.result.seconds = round(time.monotonic() - started, 3)
        return self.result

    def _first_ranges(self) -> list[KeyRange]:
        whole = KeyRange()
        if not self.integer_key:
            return [whole]
        bounds = [b for side in (self.source, self.target) for b in side.bounds() if b is not None]
        if not bounds or max(bounds) - min(bounds) < self.factor * self.download_rows:
            return [whole]
        self._key_bounds = (min(bounds), max(bounds))
        return self._split_by_value(whole)

    def _checksums(self, spans: list[KeyRange]) -> list[tuple[Checksum, Checksum]]:
        self.result.segments += len(spans)
        # in turns, so that each side has about half the pool's queries running
        pairs = [
            (self.pool.submit(self.source.checksum, span), self.pool.submit(self.target.checksum, span))
            for span in spans
        ]
        return [(s.result(), t.result()) for s, t in pairs]

    def _listable(self, span: KeyRange, source: Checksum, target: Checksum) -> bool:
        if max(source.rows, target.rows) <= self.download_rows:
            return True
        if self.integer_key and span.low is not None and span.high is not None:
            return bool(span.high[0] - span.low[0] <= 1)
        return False

    def _split(self, span: KeyRange, source: Checksum, target: Checksum) -> list[KeyRange]:
        if self.integer_key:
            return self._split_by_value(span)
        side, rows = (self.source, source.rows) if source.rows >= target.rows else (self.target, target.rows)
        edges = side.edges(span, step=max(1, math.ceil(rows / self.factor)), count=self.factor - 1)
        return [KeyRange(a, b) for a, b in pairwise([span.low, *edges, span.high])]

    def _split_by_value(self, span: KeyRange) -> list[KeyRange]:
        """Equal widths of key values. An open end (the whole table's first and last ranges) is
        closed at the smallest or largest key either side has, and stays open in the parts."""
        low = span.low[0] if span.low is not None else self._bounds()[0]
        high = span.high[0] if span.high is not None else self._bounds()[1] + 1
        width = max(1, math.ceil((high - low) / self.factor))
        edges = [*range(low, high, width), high]
        parts = [KeyRange((a,), (b,)) for a, b in pairwise(edges)]
        parts[0] = KeyRange(span.low, parts[0].high)
        parts[-1] = KeyRange(parts[-1].low, span.high)
        return parts

    def _bounds(self) -> tuple[int, int]:
        if self._key_bounds is None:
            found = [b for side in (self.source, self.target) for b in side.bounds() if b is not None]
            self._key_bounds = (min(found), max(found))
        return self._key_bounds

    def _list(self, span: KeyRange) -> None:
        listed = [self.pool.submit(side.rows, span) for side in (self.source, self.target)]
        source_rows, target_rows = (f.result() for f in listed)
        missing = sorted(source_rows.keys() - target_rows.keys(), key=_sortable)
        extra = sorted(target_rows.keys() - source_rows.keys(), key=_sortable)
        both = source_rows.keys() & target_rows.keys()
        different = sorted((k for k in both if source_rows[k] != target_rows[k]), key=_sortable)
        result = self.result
        result.missing += len(missing)
        result.extra += len(extra)
        result.different += len(different)
        result.missing_keys += [_json_key(k) for k in missing[: MAX_KEYS - len(result.missing_keys)]]
        result.extra_keys += [_json_key(k) for k in extra[: MAX_KEYS - len(result.extra_keys)]]
        for key in different[: MAX_KEYS - len(result.different_keys)]:
            source, target = self.source.normalised(key), self.target.normalised(key)
            pairs = zip(self.source.columns, source or [], target or [], strict=False)
            columns = [name for name, a, b in pairs if a != b]
            result.different_keys.append({"key": _json_key(key), "columns": columns})


def _sortable(key: Key) -> tuple[tuple[str, Any], ...]:
    return tuple((type(part).__name__, part) for part in key)


def _order(json_key: Any) -> tuple[tuple[str, Any], ...]:
    """Listed keys in key order: numbers as numbers, text as text."""
    parts = json_key if isinstance(json_key, list) else [json_key]
    return tuple((type(part).__name__, part) for part in parts)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def _json_key(key: Key) -> Any:
    return _json_value(key[0]) if len(key) == 1 else [_json_value(v) for v in key]
