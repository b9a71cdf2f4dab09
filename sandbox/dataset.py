"""The sandbox's sample SQLite dataset: a ``sales`` table of about a million rows.

Generated deterministically (seeded) and rebuilt only when missing or of an older version.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

VERSION = 1
ROWS = 1_000_000
REGIONS = ("EMEA", "AMER", "APAC")
PRODUCTS = tuple(f"product-{n:02d}" for n in range(1, 25))
FIRST_DAY = date(2023, 1, 1)
DAYS = 731


def ensure_dataset(path: Path, rows: int = ROWS) -> Path:
    if _is_current(path, rows):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(tmp) as db:
        db.execute(
            "CREATE TABLE sales (id INTEGER PRIMARY KEY, day TEXT NOT NULL, region TEXT NOT NULL,"
            " product TEXT NOT NULL, units INTEGER NOT NULL, amount REAL NOT NULL)"
        )
        db.executemany("INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?)", sales_rows(rows))
        db.execute("CREATE INDEX sales_region_day ON sales (region, day)")
        db.execute("CREATE TABLE dataset_info (version INTEGER, rows INTEGER)")
        db.execute("INSERT INTO dataset_info VALUES (?, ?)", (VERSION, rows))
    tmp.replace(path)
    return path


def _is_current(path: Path, rows: int) -> bool:
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            found = db.execute("SELECT version, rows FROM dataset_info").fetchone()
    except sqlite3.Error:
        return False
    return bool(found == (VERSION, rows))


def sales_rows(count: int) -> Iterator[tuple[int, str, str, str, int, float]]:
    rng = random.Random(20240601)
    days = [(FIRST_DAY + timedelta(days=n)).isoformat() for n in range(DAYS)]
    for n in range(1, count + 1):
        units = rng.randint(1, 20)
        yield (
            n,
            days[(n * DAYS) // (count + 1)],
            REGIONS[rng.randrange(3)],
            PRODUCTS[rng.randrange(len(PRODUCTS))],
            units,
            round(units * rng.uniform(4.0, 250.0), 2),
        )
