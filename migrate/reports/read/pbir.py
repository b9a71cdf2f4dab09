"""The report as PBIR keeps it: ``definition/pages/<page>/page.json`` and
``visuals/<visual>/visual.json``, whose ``visual.query.queryState`` lists each well's projections.
The same tree can sit in a folder (PBIP) or in a PBIX saved in PBIR mode."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from migrate.reports.model import FieldRef, Page, Visual
from migrate.reports.read.errors import UnreadableReport
from migrate.reports.read.fields import field_ref
from migrate.reports.read.layout import _image, _text, _title

# Files by path relative to the report's ``definition`` folder.
Files = Mapping[str, Callable[[], bytes]]


def pages_of(files: Files, where: str) -> tuple[Page, ...]:
    names = sorted(
        {path.split("/")[1] for path in files if path.startswith("pages/") and path.count("/") >= 2}
    )
    order = _json(files, "pages/pages.json", where).get("pageOrder") if "pages/pages.json" in files else None
    if isinstance(order, list):
        names = [n for n in order if n in names] + [n for n in names if n not in order]
    if not names:
        raise UnreadableReport(f"{where} has no pages")
    return tuple(_page(files, name, where) for name in names)


def _json(files: Files, path: str, where: str) -> dict[str, Any]:
    try:
        found = json.loads(files[path]().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableReport(f"{where}/{path} is not UTF-8 JSON: {exc}") from exc
    if not isinstance(found, dict):
        raise UnreadableReport(f"{where}/{path} is not a JSON object")
    return found


def _page(files: Files, name: str, where: str) -> Page:
    page = _json(files, f"pages/{name}/page.json", where) if f"pages/{name}/page.json" in files else {}
    prefix = f"pages/{name}/visuals/"
    visuals = []
    for path in sorted(p for p in files if p.startswith(prefix) and p.endswith("/visual.json")):
        try:
            visuals.append(_visual(_json(files, path, where)))
        except (AttributeError, TypeError, ValueError) as exc:
            if isinstance(exc, UnreadableReport):
                raise
            visuals.append(Visual(path.split("/")[3], "", {}))
    return Page(str(page.get("name", name)), str(page.get("displayName", name)), tuple(visuals))


def _visual(found: dict[str, Any]) -> Visual:
    visual = found.get("visual") or {}
    wells: dict[str, tuple[FieldRef, ...]] = {}
    for role, state in ((visual.get("query") or {}).get("queryState") or {}).items():
        refs = [field_ref(p.get("field", {}), {}) for p in state.get("projections", [])]
        wells[str(role)] = tuple(r for r in refs if r is not None)
    position = found.get("position") or {}
    return Visual(
        name=str(found.get("name", "")),
        visual_type=str(visual.get("visualType", "")),
        wells=wells,
        title=_title(visual.get("visualContainerObjects") or {}),
        position=(
            float(position.get("x", 0)),
            float(position.get("y", 0)),
            float(position.get("width", 0)),
            float(position.get("height", 0)),
        ),
        text=_text(visual.get("objects") or {}),
        image=_image(visual.get("objects") or {}),
    )
