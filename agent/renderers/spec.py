"""What every catalog-driven renderer does first: check its ``source`` and fill ``{param}``
templates from the job's params (normalised once, by the job pipeline) and ``{scope:<table>}``
from the job's scope; each problem is a ``Render.Invalid`` with its cause."""

from __future__ import annotations

import re
from collections.abc import Callable
from string import Formatter
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, ValidationError

from agent.jobs.errors import InvalidRenderError
from contracts.catalog import ReportSpec
from contracts.governance.scope_text import UnwritableScope, scope_text
from contracts.messages import JobMessage
from contracts.validation import first_error

SourceT = TypeVar("SourceT", bound=BaseModel)


def parse_source(model: type[SourceT], report: ReportSpec) -> SourceT:
    try:
        return model.model_validate(report.source)
    except ValidationError as exc:
        raise InvalidRenderError(f"report {report.name!r} {first_error(exc, under='source')}") from exc


def scope_texts(job: JobMessage, report: ReportSpec) -> dict[str, str]:
    """Each governed table the report reads, by id: the job's scope of it as text."""
    try:
        return {read.id: scope_text(job.scope.get(read.id, []), read) for read in report.governed}
    except UnwritableScope as exc:
        raise InvalidRenderError(f"report {report.name!r}: {exc}") from exc


def quicksight_tags(job: JobMessage, report: ReportSpec) -> list[dict[str, str]]:
    """QuickSight's row-level-security session tags: one per governed table the report reads, its
    key the table's tag key, its value the job's scope as text."""
    texts = scope_texts(job, report)
    return [{"Key": read.spec.quicksight_tag, "Value": texts[read.id]} for read in report.governed]


def fill(
    template: str,
    params: dict[str, Any],
    report: str,
    escape: Callable[[str], str] = str,
    scopes: dict[str, str] | None = None,
) -> str:
    """``template`` with each ``{name}`` replaced by ``escape(str(params[name]))`` and each
    ``{scope:<table>}`` by ``escape`` of that table's scope text."""
    scopes = scopes or {}
    try:
        parts = list(Formatter().parse(template))
    except ValueError as exc:
        raise InvalidRenderError(f"{template!r} is not a template: {exc}") from exc
    missing = sorted(
        f"scope:{spec}" if _is_scope(field, spec) else field
        for _, field, spec, _ in parts
        if field and (spec not in scopes if _is_scope(field, spec) else field not in params)
    )
    if missing:
        raise InvalidRenderError(f"placeholders {missing} in {template!r} are not params of {report!r}")
    filled = []
    for literal, field, spec, _ in parts:
        filled.append(literal)
        if _is_scope(field, spec):
            filled.append(escape(scopes[spec or ""]))
        elif field:
            filled.append(format(escape(str(params[field])), spec or ""))
    return "".join(filled)


def quicksight_id(template: str, params: dict[str, Any], report: str) -> str:
    """A QuickSight id (dashboard, sheet, visual) filled from params and checked again: a value
    may only make a QuickSight id, never a path or another account's resource."""
    filled = fill(template, params, report)
    if not re.fullmatch(r"[\w\-]{1,512}", filled, flags=re.ASCII):
        raise InvalidRenderError(f"{template!r} makes {filled!r}, not a QuickSight id ([A-Za-z0-9_-])")
    return filled


def _is_scope(field: str | None, spec: str | None) -> bool:
    return field == "scope" and bool(spec)


def _http_or_https(url: str) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("must be an http or https URL")
    return url


# A URL a browser source may open or call (never file:, data:, javascript:, chrome:).
WebUrl = Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_http_or_https)]
