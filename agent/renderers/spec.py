"""What every catalog-driven renderer does first: check its ``source`` and fill ``{param}``
templates from the job's params (normalised once, by the job pipeline); each problem is a
``Render.Invalid`` with its cause."""

from __future__ import annotations

from collections.abc import Callable
from string import Formatter
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from agent.errors import InvalidRenderError
from contracts.catalog import ReportSpec
from contracts.validation import first_error

SourceT = TypeVar("SourceT", bound=BaseModel)


def parse_source(model: type[SourceT], report: ReportSpec) -> SourceT:
    try:
        return model.model_validate(report.source)
    except ValidationError as exc:
        raise InvalidRenderError(f"report {report.name!r} {first_error(exc, under='source')}") from exc


def fill(template: str, params: dict[str, Any], report: str, escape: Callable[[str], str] = str) -> str:
    """``template`` with each ``{name}`` replaced by ``escape(str(params[name]))``."""
    names = {field for _, field, _, _ in Formatter().parse(template) if field}
    missing = names - set(params)
    if missing:
        raise InvalidRenderError(
            f"placeholders {sorted(missing)} in {template!r} are not params of {report!r}"
        )
    return template.format_map({k: escape(str(v)) for k, v in params.items()})
