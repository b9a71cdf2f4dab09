"""Every generated input held to botocore's QuickSight model: ``validate_parameters`` (types,
required members), and what that validator leaves out: each string's enum and length, each
list's and map's item count, each number's range. Problems come back as lines naming the path."""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.validate import ParamValidator


@functools.cache
def _model() -> Any:
    return botocore.session.get_session().get_service_model("quicksight")


def most_items(structure: str, member: str) -> int | None:
    """How many items the model lets a list member of a structure hold (a visual's field well)."""
    shape = _model().shape_for(structure)
    found = shape.members.get(member) if isinstance(shape, StructureShape) else None
    limit = found.metadata.get("max") if found is not None else None
    return int(limit) if limit is not None else None


def input_shape(operation: str) -> StructureShape:
    """An operation's input shape from the QuickSight model (loaded once)."""
    shape = _model().operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    return shape


def problems(operation: str, params: dict[str, Any]) -> list[str]:
    shape = input_shape(operation)
    report = ParamValidator().validate(params, shape)
    found = (
        [line.strip() for line in report.generate_report().splitlines() if line.strip()]
        if report.has_errors()
        else []
    )
    _walk(shape, params, operation, found)
    return found


def _walk(shape: Shape, value: Any, path: str, found: list[str]) -> None:
    meta = shape.metadata
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for name, member in value.items():
            if name in shape.members:
                _walk(shape.members[name], member, f"{path}.{name}", found)
        return
    if isinstance(shape, ListShape) and isinstance(value, list):
        _count(meta, len(value), path, found)
        for n, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{n}]", found)
        return
    if isinstance(shape, MapShape) and isinstance(value, dict):
        _count(meta, len(value), path, found)
        for key, item in value.items():
            _walk(shape.key, key, f"{path} key {key!r}", found)
            _walk(shape.value, item, f"{path}[{key!r}]", found)
        return
    if shape.type_name == "string" and isinstance(value, str):
        enum: list[str] = getattr(shape, "enum", None) or []
        if enum and value not in enum:
            found.append(f"{path}: {value!r} is not one of {', '.join(enum)}")
        _count(meta, len(value), path, found, "characters")
    elif shape.type_name in ("integer", "long", "double", "float") and isinstance(value, int | float):
        _range(meta, value, path, found)


def _range(meta: dict[str, Any], value: float, path: str, found: list[str]) -> None:
    if "max" in meta and value > meta["max"]:
        found.append(f"{path}: {value} is above the maximum {meta['max']}")


def _count(meta: dict[str, Any], count: int, path: str, found: list[str], unit: str = "items") -> None:
    # the minimum is validate_parameters' own check: only the maximum is added here
    if "max" in meta and count > meta["max"]:
        found.append(f"{path}: {count} {unit}, at most {meta['max']} allowed")
