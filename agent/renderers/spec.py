"""What every catalog-driven renderer does first: check its ``source``, the request's params,
and fill ``{param}`` templates from them; each problem is a ``Render.Invalid`` with its cause."""

from __future__ import annotations

from collections.abc import Callable
from string import Formatter
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from agent.errors import InvalidRenderError
from contracts.catalog import ParamsError, ReportSpec
from contracts.messages import JobMessage

SourceT = TypeVar("SourceT", bound=BaseModel)


def parse_source(model: type[SourceT], report: ReportSpec) -> SourceT:
    try:
        return model.model_validate(report.source)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidRenderError(f"report {report.name!r} source.{where}: {first['msg']}") from exc


def checked_params(job: JobMessage, report: ReportSpec) -> dict[str, Any]:
    try:
        return report.normalise_params(job.params)
    except ParamsError as exc:
        raise InvalidRenderError(f"invalid params: {exc}") from exc


def fill(template: str, params: dict[str, Any], report: str, escape: Callable[[str], str] = str) -> str:
    """``template`` with each ``{name}`` replaced by ``escape(str(params[name]))``."""
    names = {field for _, field, _, _ in Formatter().parse(template) if field}
    missing = names - set(params)
    if missing:
        raise InvalidRenderError(
            f"placeholders {sorted(missing)} in {template!r} are not params of {report!r}"
        )
    return template.format_map({k: escape(str(v)) for k, v in params.items()})
