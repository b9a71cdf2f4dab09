"""The first line of a database error, short enough for a job's failure reason."""

from __future__ import annotations


def reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:500]
