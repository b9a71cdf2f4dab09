"""``read_source(path)``: a ``.pbix``, a ``.pbit`` or a PBIP folder (its ``.pbip`` file, the
folder holding it, or its ``.Report`` folder) as one ``Report``."""

from __future__ import annotations

import functools
import json
import zipfile
from pathlib import Path

from migrate.reports.model import Page, Report, SemanticModel
from migrate.reports.read import layout, pbir, tmsl
from migrate.reports.read.errors import UnreadableReport
from migrate.reports.read.tmdl import model_of_folder

# A zip member or file larger than this is refused before it is read (a zip bomb, a wrong file).
MAX_PART_BYTES = 200 * 1024 * 1024
# An image larger than this is left out (a finding); QuickSight documents no limit of its own.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
RESOURCES = "StaticResources/RegisteredResources/"


def read_source(path: Path) -> Report:
    if path.is_dir() or path.suffix.lower() == ".pbip":
        return _pbip(path)
    suffix = path.suffix.lower()
    if suffix not in (".pbix", ".pbit"):
        raise UnreadableReport(f"{path}: not a .pbix, .pbit or PBIP folder")
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UnreadableReport(f"{path}: not a Power BI file ({exc})") from exc
    with archive:
        return _archive(archive, path, suffix[1:])


def _member(archive: zipfile.ZipFile, name: str, where: Path) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise UnreadableReport(f"{where}: {name} is larger than {MAX_PART_BYTES // 2**20} MB")
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # truncated, or a bad CRC
        raise UnreadableReport(f"{where}: {name} cannot be read ({exc})") from exc


def _archive(archive: zipfile.ZipFile, path: Path, kind: str) -> Report:
    names = set(archive.namelist())
    if "Report/Layout" in names:
        pages = layout.pages_of(
            layout.decode_layout(_member(archive, "Report/Layout", path), f"{path}:Report/Layout"), str(path)
        )
    elif any(n.startswith("Report/definition/pages/") for n in names):
        files = {
            n.removeprefix("Report/definition/"): functools.partial(_member, archive, n, path)
            for n in names
            if n.startswith("Report/definition/")
        }
        pages = pbir.pages_of(files, f"{path}:Report/definition")
    else:
        raise UnreadableReport(f"{path}: no report layout (Report/Layout or Report/definition)")
    model: SemanticModel | None
    if "DataModelSchema" in names:
        schema = tmsl.decode_schema(_member(archive, "DataModelSchema", path), f"{path}:DataModelSchema")
        model = tmsl.model_of(schema, f"{path}:DataModelSchema")
    elif "DataModel" in names:
        from migrate.reports.read.pbix_model import model_of_pbix

        model = model_of_pbix(path)
    elif "Connections" in names:
        raise UnreadableReport(
            f"{path}: a live-connection report: its model lives in the service, not the file"
        )
    else:
        raise UnreadableReport(f"{path}: no model (DataModel or DataModelSchema)")
    members = {
        n.removeprefix("Report/" + RESOURCES): archive.getinfo(n)
        for n in names
        if n.startswith("Report/" + RESOURCES)
    }
    images = {
        name: _member(archive, members[name].filename, path)
        for name in _images_shown(pages)
        if name in members and members[name].file_size <= MAX_IMAGE_BYTES
    }
    return Report(path.stem, kind, pages, model, images=images)


def _pbip(path: Path) -> Report:
    folder = path.parent if path.suffix.lower() == ".pbip" else path
    if folder.name.endswith(".Report"):
        report_dir = folder
    else:
        found = sorted(folder.glob("*.Report"))
        if len(found) != 1:
            raise UnreadableReport(f"{path}: expected one .Report folder, found {len(found)}")
        report_dir = found[0]
    name = report_dir.name.removesuffix(".Report")
    model_dir = _model_dir(report_dir, name)
    definition = report_dir / "definition"
    if definition.is_dir():
        files = {
            str(p.relative_to(definition)).replace("\\", "/"): p.read_bytes
            for p in definition.rglob("*.json")
        }
        pages = pbir.pages_of(files, str(definition))
    elif (report_dir / "report.json").is_file():
        raw = (report_dir / "report.json").read_bytes()
        pages = layout.pages_of(layout.decode_layout(raw, str(report_dir / "report.json")), str(report_dir))
    else:
        raise UnreadableReport(f"{report_dir}: no definition/ (PBIR) and no report.json")
    if (model_dir / "definition").is_dir():
        model = model_of_folder(model_dir / "definition")
    elif (model_dir / "model.bim").is_file():
        bim = model_dir / "model.bim"
        model = tmsl.model_of(tmsl.decode_schema(bim.read_bytes(), str(bim)), str(bim))
    else:
        raise UnreadableReport(f"{model_dir}: no definition/ (TMDL) and no model.bim")
    registered = {p.name: p for p in (report_dir / RESOURCES).glob("*") if p.is_file() and not p.is_symlink()}
    images = {
        name: registered[name].read_bytes()
        for name in _images_shown(pages)
        if name in registered and registered[name].stat().st_size <= MAX_IMAGE_BYTES
    }
    return Report(name, "pbip", pages, model, images=images)


def _images_shown(pages: tuple[Page, ...]) -> set[str]:
    """The registered resources image visuals show (looked up by exact name, never as a path)."""
    return {
        v.image.removeprefix(layout.RESOURCE)
        for page in pages
        for v in page.visuals
        if v.image and v.image.startswith(layout.RESOURCE)
    }


def _model_dir(report_dir: Path, name: str) -> Path:
    """definition.pbir names the semantic model by a relative path; else ``<name>.SemanticModel``."""
    pbir_file = report_dir / "definition.pbir"
    if pbir_file.is_file():
        try:
            reference = json.loads(pbir_file.read_text(encoding="utf-8-sig"))["datasetReference"]
        except (ValueError, KeyError, TypeError) as exc:
            raise UnreadableReport(f"{pbir_file}: no datasetReference ({exc})") from exc
        by_path: str | None = (reference.get("byPath") or {}).get("path")
        if by_path:
            target: Path = (report_dir / by_path).resolve()
            if report_dir.parent.resolve() not in target.parents:
                raise UnreadableReport(f"{pbir_file}: the model path leaves the project folder")
            return target
        if reference.get("byConnection"):
            raise UnreadableReport(f"{report_dir}: a live-connection report: its model lives in the service")
    return report_dir.parent / f"{name}.SemanticModel"
