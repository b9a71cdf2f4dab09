"""What every catalog-driven renderer does first: check its ``source`` and fill ``{param}``
templates from the job's params (normalised once, by the job pipeline); each problem is a
``Render.Invalid`` with its cause."""

from __future__ import annotations

from collections.abc import Callable
from string import Formatter
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, ValidationError

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


def _http_or_https(url: str) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("must be an http or https URL")
    return url


# A URL a browser source may open or call (never file:, data:, javascript:, chrome:).
WebUrl = Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_http_or_https)]
