"""The first line of a database error, short enough for a job's failure reason."""

from __future__ import annotations


def reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:500]


# Waiting on another transaction's locks: worth another try, not the query's fault (SQLite busy,
# MySQL lock wait timeout and deadlock, PostgreSQL lock and serialization failures).
CONTENTION = ("database is locked", "database table is locked", "lock wait timeout", "deadlock")


def is_contention(exc: BaseException) -> bool:
    text = reason(exc).lower()
    return any(marker in text for marker in CONTENTION) or getattr(
        getattr(exc, "orig", None), "sqlstate", None
    ) in ("40001", "40P01", "55P03")
