"""The report layout as PBIX and PBIT keep it (``Report/Layout``, UTF-16 JSON) and as a legacy
PBIP keeps it (``report.json``): sections of visual containers, each a ``config`` JSON string."""

from __future__ import annotations

import json
from typing import Any

from migrate.reports.model import GROUP, FieldRef, Page, Visual
from migrate.reports.read.errors import UnreadableReport
from migrate.reports.read.fields import field_ref
from migrate.reports.read.jsontext import decode_json


def decode_layout(raw: bytes, where: str) -> dict[str, Any]:
    """Report/Layout is UTF-16 JSON; report.json is UTF-8. Either is taken."""
    return decode_json(raw, where, "a Power BI layout")


def pages_of(layout: dict[str, Any], where: str) -> tuple[Page, ...]:
    sections = layout.get("sections")
    if not isinstance(sections, list):
        raise UnreadableReport(f"{where} has no sections")
    ordered = sorted(sections, key=lambda s: s.get("ordinal", 0) if isinstance(s, dict) else 0)
    return tuple(_page(section, f"{where} section {n}") for n, section in enumerate(ordered))


def _page(section: Any, where: str) -> Page:
    if not isinstance(section, dict):
        raise UnreadableReport(f"{where} is not an object")
    containers = section.get("visualContainers")
    visuals = tuple(_guarded(c) for c in (containers if isinstance(containers, list) else []))
    name = str(section.get("name", ""))
    return Page(name, str(section.get("displayName", name)), visuals)


def _guarded(container: Any) -> Visual:
    """A container this reader cannot follow is kept as a visual of no type (a finding), so one
    malformed visual never loses the page."""
    try:
        return _visual(container)
    except (AttributeError, TypeError, ValueError):
        return Visual("", "", {})


def _visual(container: Any) -> Visual:
    if not isinstance(container, dict):
        return Visual("", "", {})
    try:
        config = json.loads(container.get("config") or "{}")
    except json.JSONDecodeError:
        config = {}
    single = config.get("singleVisual") if isinstance(config, dict) else None
    position = _position(container)
    if isinstance(config, dict) and "singleVisualGroup" in config:
        return Visual(str(config.get("name", "")), GROUP, {}, position=position)
    if not isinstance(single, dict):
        # a malformed container: kept with no type, so it is counted
        return Visual(
            str(config.get("name", "")) if isinstance(config, dict) else "", "", {}, position=position
        )
    query = single.get("prototypeQuery") or {}
    sources = {str(f.get("Name")): str(f.get("Entity")) for f in query.get("From", []) if isinstance(f, dict)}
    by_name = {s.get("Name"): field_ref(s, sources) for s in query.get("Select", []) if isinstance(s, dict)}
    wells: dict[str, tuple[FieldRef, ...]] = {}
    for role, projections in (single.get("projections") or {}).items():
        refs = [by_name.get(p.get("queryRef")) for p in projections if isinstance(p, dict)]
        wells[str(role)] = tuple(r for r in refs if r is not None)
    return Visual(
        name=str(config.get("name", "")),
        visual_type=str(single.get("visualType", "")),
        wells=wells,
        title=_title(single.get("vcObjects") or {}),
        position=position,
        text=_text(single.get("objects") or {}),
        image=_image(single.get("objects") or {}),
    )


def _position(container: dict[str, Any]) -> tuple[float, float, float, float]:
    def number(key: str) -> float:
        try:
            return float(container.get(key) or 0)
        except (TypeError, ValueError):
            return 0.0

    return number("x"), number("y"), number("width"), number("height")


def _title(objects: dict[str, Any]) -> str | None:
    for entry in objects.get("title", []):
        value = entry.get("properties", {}).get("text", {}).get("expr", {}).get("Literal", {}).get("Value")
        if isinstance(value, str):
            return value.strip("'")
    return None


def _text(objects: dict[str, Any]) -> str | None:
    runs = [
        run.get("value", "")
        for general in objects.get("general", [])
        for paragraph in general.get("properties", {}).get("paragraphs", [])
        for run in paragraph.get("textRuns", [])
    ]
    return "".join(runs) or None


RESOURCE = "resource:"


def _image(objects: dict[str, Any]) -> str | None:
    """An image visual's picture: a file registered in the report, or a URL."""
    for general in objects.get("general", []):
        expr = general.get("properties", {}).get("imageUrl", {}).get("expr", {})
        item = (expr.get("ResourcePackageItem") or {}).get("ItemName")
        if isinstance(item, str) and item:
            return RESOURCE + item
        url = (expr.get("Literal") or {}).get("Value")
        if isinstance(url, str) and url.strip("'"):
            return url.strip("'")
    return None
