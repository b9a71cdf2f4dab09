"""``migrate verify --reports SOURCE... --converted DIR [--source URL] --target URL``: read-only
on both sides (a PBIX with no ``--source``: its own decoded data is the Power BI side); one line
per visual, a JSON report, exit 0 when no comparable visual differs, 1 when one does, 2 for bad
arguments, an unreadable source or a database it cannot read."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from migrate.reports.read.sources import read_source
from migrate.reports.run import report_folder, sources
from migrate.reports.verify.pbix_data import decoded, load_tables
from migrate.reports.verify.visuals import Sides, VisualResult, verify_report
from migrate.verify.engines import display, readonly_engine, readonly_sqlite


def engine(url: str) -> sa.Engine:
    """A read-only engine: SQLite opened read-only by URI (the sandbox's data), else the table
    verifier's read-only sessions."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return readonly_sqlite(Path(parsed.database or ""))
    return readonly_engine(url, 1)


def verify_reports(
    paths: list[Path],
    converted: Path,
    source: str | None,
    target: str,
    schemas: tuple[str | None, str | None],
) -> tuple[dict[str, list[VisualResult]], dict[str, Any]]:
    """With no ``source``, every report must be a PBIX: its own data is the Power BI side."""
    found: dict[str, list[VisualResult]] = {}
    reports = sources(paths)
    if source is None and any(p.suffix.lower() != ".pbix" for p in reports):
        raise ValueError("--source is needed for a PBIT or PBIP: they carry no data of their own")
    target_engine = engine(target)
    source_engine = engine(source) if source is not None else None
    try:
        for path in reports:
            report = read_source(path)
            folder = report_folder(converted, report.name)
            if not (folder / "dashboard.json").is_file():
                raise ValueError(f"{folder}: no dashboard.json: run migrate reports on {path} first")
            if source_engine is not None:
                found[report.name] = verify_report(
                    report, folder, Sides(source_engine, target_engine, *schemas)
                )
                continue
            with tempfile.TemporaryDirectory() as scratch:
                assert report.model is not None
                own = load_tables(
                    decoded(path),
                    [t.name for t in report.model.tables if t.columns],
                    Path(scratch) / "pbix.db",
                )
                try:
                    sides = Sides(own, target_engine, None, schemas[1], source_by_model_names=True)
                    found[report.name] = verify_report(report, folder, sides)
                finally:
                    own.dispose()
    finally:
        target_engine.dispose()
        if source_engine is not None:
            source_engine.dispose()
    summary = {
        "source": display(source) if source is not None else "each PBIX's own data",
        "target": display(target),
        "reports": {
            name: [
                {
                    "page": r.page,
                    "visual": r.visual,
                    "status": r.status,
                    "why": r.why,
                    "groups": r.groups,
                    "differences": r.differences,
                }
                for r in results
            ]
            for name, results in found.items()
        },
    }
    return found, summary


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
