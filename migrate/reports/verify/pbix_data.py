"""The Power BI side from a PBIX's own data: the tables its visuals read, decoded by pbixray
(``get_table``) into a SQLite file, named as the model names them, so the same DAX-to-SQL
compiler runs over exactly the rows Power BI showed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from migrate.reports.read.errors import UnreadableReport


def decoded(path: Path) -> Any:
    try:
        from pbixray import PBIXRay
    except ImportError as exc:
        raise UnreadableReport(f"{path}: reading a PBIX's data needs the migrate extra") from exc
    try:
        return PBIXRay(str(path))
    except Exception as exc:  # pbixray's own and struct errors on a damaged model
        raise UnreadableReport(
            f"{path}: its DataModel cannot be decoded ({type(exc).__name__}: {exc})"
        ) from exc


def load_tables(found: Any, tables: list[str], into: Path) -> sa.Engine:
    """Each named table's rows into SQLite at ``into``; a table pbixray cannot decode is left out
    (the visuals over it are then not comparable, and say so)."""
    engine = sa.create_engine(f"sqlite:///{into}")
    for name in tables:
        try:
            frame = found.get_table(name)
        except Exception:  # a calculated table, a DirectQuery one: no stored rows to decode
            continue
        for column in frame.columns:  # currency columns decode as Decimal, which SQLite cannot bind
            if frame[column].dtype == object:
                frame[column] = frame[column].map(lambda v: float(v) if isinstance(v, Decimal) else v)
        frame.to_sql(name, engine, index=False, if_exists="replace", chunksize=10_000)
    return engine
