"""``migrate reports SOURCE... --out DIR``: each source read, converted, validated and written to
``DIR/<report>/``: ``datasets/<id>.json`` (CreateDataSet inputs), ``dashboard.json``
(CreateDashboard with its Definition), ``governance.json`` (RLS roles as governed tables and
entitlements), ``catalog.toml`` (the engine's catalog entries for the dashboard),
``findings.json`` and ``findings.md``, and ``images/`` (the report's own pictures, which
``--deploy`` uploads where the dashboard's static files say)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from migrate.reports.catalog_entry import catalog_entries
from migrate.reports.convert.dashboard import Converted, convert
from migrate.reports.convert.datasets import Target
from migrate.reports.findings import Finding, markdown
from migrate.reports.model import Report
from migrate.reports.read.errors import UnreadableReport
from migrate.reports.read.sources import read_source
from migrate.reports.validate import problems

SUFFIXES = (".pbix", ".pbit", ".pbip")


@dataclass(frozen=True)
class Written:
    report: str
    folder: Path
    coverage: str
    findings: int


def sources(paths: list[Path]) -> list[Path]:
    """Each path, or for a folder that is not itself a PBIP project, the reports it holds."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UnreadableReport(f"{path}: no such file or folder")
        if path.is_dir() and not list(path.glob("*.Report")) and not path.name.endswith(".Report"):
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
            if not inside:
                raise UnreadableReport(f"{path}: holds no .pbix, .pbit or .pbip")
            found += inside
        else:
            found.append(path)
    return found


def migrate_report(source: Path, out: Path, target: Target, datasource: str = "reporting") -> Written:
    report = read_source(source)
    if report.model is None:
        raise UnreadableReport(f"{source}: no model of its own")
    return write_report(report, convert(report, target), out, str(source), datasource)


def write_report(report: Report, converted: Converted, out: Path, source: str, datasource: str) -> Written:
    """A converted report validated and written to its folder under ``out``."""
    _validate(converted)
    folder = report_folder(out, report.name)
    (folder / "datasets").mkdir(parents=True, exist_ok=True)
    for data_set in converted.data_sets:
        _write(folder / "datasets" / f"{data_set['DataSetId']}.json", data_set)
    _write(folder / "dashboard.json", converted.dashboard)
    if converted.images.uploads:
        (folder / "images").mkdir(exist_ok=True)
        for key, body in converted.images.uploads.items():
            (folder / "images" / key.rsplit("/", 1)[-1]).write_bytes(body)
    _write(folder / "governance.json", converted.governance)
    (folder / "catalog.toml").write_text(catalog_entries(converted, datasource), encoding="utf-8")
    summary = {
        "report": report.name,
        "source": source,
        "format": report.source_format,
        "coverage": converted.coverage,
        "data_visuals": converted.data_visuals,
        "visuals_converted": converted.visuals_converted,
        "measures": converted.measures,
        "measures_converted": converted.measures_converted,
        "decoration_dropped": converted.decoration_dropped,
        "findings": [f.as_json() for f in converted.findings],
    }
    _write(folder / "findings.json", summary)
    (folder / "findings.md").write_text(
        markdown(report.name, converted.findings, converted.coverage), encoding="utf-8"
    )
    return Written(report.name, folder, converted.coverage, len(converted.findings))


def _validate(converted: Converted) -> None:
    for data_set in converted.data_sets:
        for problem in problems("CreateDataSet", data_set):
            converted.findings.append(Finding("INVALID", f"data set {data_set['DataSetId']}", problem))
    for problem in problems("CreateDashboard", converted.dashboard):
        converted.findings.append(Finding("INVALID", "dashboard", problem))


def report_folder(out: Path, name: str) -> Path:
    """A report's folder: its own name with nothing that could leave ``--out``."""
    cleaned = "".join(c if c.isalnum() or c in " -_." else "_" for c in name).strip(" .")
    return out / (cleaned or "report")


def _write(path: Path, body: object) -> None:
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
