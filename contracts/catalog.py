"""The report catalog: a TOML file naming each report's renderer, typed params and formats.

Read with stdlib ``tomllib`` by the Lambdas and the agent alike. ``normalise_params`` is the one
place a request's params are checked: the trigger answers 422 with its messages, the agent fails
the task with ``Render.Invalid``. Defaults are filled in before the key is computed, so a request
that leaves out a defaulted param gets the same snapshot as one that spells the default.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from contracts.governance.policy import DatasourceSpec, GovernedRead, governed_reads
from contracts.governance.report_reads import reads_of
from contracts.identity import EXTENSIONS
from contracts.named_tables import parse_named_tables

ParamType = Literal["string", "integer", "number", "boolean", "date"]
REPORT_NAME = r"^[a-z][a-z0-9_]{0,62}$"


class CatalogError(ValueError):
    """The catalog file itself is wrong: raised at load, never per request."""


class ParamsError(ValueError):
    """A request's params do not fit the report's declaration."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ParamSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ParamType
    description: str = ""
    required: bool | None = None
    default: Any = None
    choices: list[Any] | None = None
    min: float | None = None
    max: float | None = None
    max_length: int = Field(default=256, ge=1, le=4096)

    @property
    def is_required(self) -> bool:
        return self.default is None if self.required is None else self.required


class AccessSpec(BaseModel):
    """Who may request a report, and which params take their values from the caller.

    ``callers`` are patterns: an IAM principal ARN (``fnmatch``: ``arn:aws:iam::*:user/*``),
    ``group:<name>`` for a JWT group, ``system:<source>`` for EventBridge events from that
    source, or ``*`` for any authenticated caller. An ``entitled`` param's allowed values come
    from the caller's entitlements (the entitlements table), never from the request alone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    callers: list[str] = Field(min_length=1)
    entitled: list[str] = Field(default_factory=list)


class ReportSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=REPORT_NAME)
    title: str = ""
    renderer: str
    formats: list[str] = Field(min_length=1)
    max_age_seconds: int = Field(default=3600, ge=0)
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    source: dict[str, Any] = Field(default_factory=dict)
    datasets: list[str] = Field(default_factory=list)
    schedule: str | None = None
    schedule_format: str | None = None
    access: AccessSpec
    # The governed tables a quicksight or browser report shows ("<datasource>.<table>"); a sql
    # report's come from its query. Settled by the catalog: ``governed``.
    reads: list[str] | None = None
    _governed: tuple[GovernedRead, ...] = PrivateAttr(default=())
    _datasource: DatasourceSpec | None = PrivateAttr(default=None)

    @property
    def governed(self) -> tuple[GovernedRead, ...]:
        """The governed tables this report reads, each filtered to the caller's scope."""
        return self._governed

    @property
    def datasource_spec(self) -> DatasourceSpec | None:
        """A sql report's datasource as the catalog declares it (its dialect, its governed
        tables), or None when the catalog does not declare it."""
        return self._datasource

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, formats: list[str]) -> list[str]:
        unknown = sorted(set(formats) - set(EXTENSIONS))
        if unknown:
            raise ValueError(f"unknown formats {unknown}; known: {sorted(EXTENSIONS)}")
        return formats

    @model_validator(mode="after")
    def _defaults_fit(self) -> ReportSpec:
        for name, spec in self.params.items():
            if spec.default is not None:
                try:
                    _coerce(name, spec, spec.default)
                except ParamsError as exc:
                    raise ValueError(f"default of {name!r}: {exc}") from exc
        return self

    @model_validator(mode="after")
    def _entitled_params_declared(self) -> ReportSpec:
        undeclared = sorted(set(self.access.entitled) - set(self.params))
        if undeclared:
            raise ValueError(f"access.entitled names undeclared params {undeclared}")
        return self

    def normalise_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Checked params with defaults filled in, or ``ParamsError`` listing every problem."""
        problems = [f"param {name!r} is not declared" for name in sorted(set(params) - set(self.params))]
        result: dict[str, Any] = {}
        for name, spec in sorted(self.params.items()):
            if name not in params or params[name] is None:
                if spec.is_required:
                    problems.append(f"param {name!r} is required ({spec.type})")
                elif spec.default is not None:
                    result[name] = _coerce(name, spec, spec.default)
                continue
            try:
                result[name] = _coerce(name, spec, params[name])
            except ParamsError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ParamsError(problems)
        return result

    def has_all_defaults(self) -> bool:
        return not any(spec.is_required for spec in self.params.values())


def _coerce(name: str, spec: ParamSpec, value: Any) -> Any:
    def wrong(what: str) -> ParamsError:
        return ParamsError([f"param {name!r} must be {what}, got {value!r}"])

    coerced: Any
    if spec.type == "string":
        if not isinstance(value, str):
            raise wrong("a string")
        if len(value) > spec.max_length:
            raise ParamsError([f"param {name!r} is longer than {spec.max_length} characters"])
        coerced = value
    elif spec.type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong("an integer")
        coerced = value
    elif spec.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong("a number")
        coerced = value
    elif spec.type == "boolean":
        if not isinstance(value, bool):
            raise wrong("true or false")
        coerced = value
    else:
        try:
            coerced = date.fromisoformat(value).isoformat() if isinstance(value, str) else None
        except ValueError:
            coerced = None
        if coerced is None:
            raise wrong("a date (YYYY-MM-DD)")
    if spec.choices is not None and coerced not in spec.choices:
        raise ParamsError([f"param {name!r} must be one of {spec.choices}, got {value!r}"])
    if spec.type in ("integer", "number"):
        if spec.min is not None and coerced < spec.min:
            raise ParamsError([f"param {name!r} must be >= {spec.min:g}, got {value!r}"])
        if spec.max is not None and coerced > spec.max:
            raise ParamsError([f"param {name!r} must be <= {spec.max:g}, got {value!r}"])
    return coerced


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    datasources: dict[str, DatasourceSpec] = Field(default_factory=dict)
    reports: dict[str, ReportSpec]

    @model_validator(mode="after")
    def _settle_governed_reads(self) -> Catalog:
        """Each report's governed reads, or the catalog refused with the report and the reason."""
        governed = governed_reads(self.datasources)
        for report in self.reports.values():
            report._governed = reads_of(
                report.name, report.renderer, report.source, report.reads, self.datasources, governed
            )
            if report.renderer == "sql":
                report._datasource = self.datasources.get(str(report.source.get("datasource")))
        return self

    def report(self, name: str) -> ReportSpec | None:
        return self.reports.get(name)

    def reports_for_dataset(self, dataset: str) -> list[ReportSpec]:
        return [r for r in self.reports.values() if dataset in r.datasets]


def parse_catalog(text: str | bytes) -> Catalog:
    """Parse and check a catalog; ``CatalogError`` says what is wrong and where."""
    return parse_named_tables(text, "reports", Catalog, CatalogError, "catalog")
