"""A snapshot request, checked against the catalog before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from contracts.catalog import Catalog, ParamsError, ReportSpec
from contracts.governance.policy import Scope
from contracts.http_api import SnapshotRequest
from contracts.identity import snapshot_key


class RequestRejected(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@dataclass(frozen=True)
class CheckedRequest:
    report: ReportSpec
    format: str
    params: dict[str, Any]
    data_version: str | None
    force: bool
    max_age_seconds: int
    scope: Scope = field(default_factory=dict)

    @property
    def key(self) -> str:
        return snapshot_key(self.report.name, self.format, self.params, self.data_version, self.scope)

    def scoped(self, scope: Scope) -> CheckedRequest:
        return replace(self, scope=scope)


def check_request(request: SnapshotRequest, catalog: Catalog) -> CheckedRequest:
    """404 for an unknown report, 422 for a disallowed format or params that do not fit."""
    report = catalog.report(request.report)
    if report is None:
        raise RequestRejected(404, f"unknown report {request.report!r}")
    if request.format not in report.formats:
        raise RequestRejected(
            422, f"report {report.name!r} does not render {request.format!r}; allowed: {report.formats}"
        )
    try:
        params = report.normalise_params(request.params)
    except ParamsError as exc:
        raise RequestRejected(422, f"invalid params for {report.name!r}: {exc}") from exc
    max_age = report.max_age_seconds if request.max_age_seconds is None else request.max_age_seconds
    return CheckedRequest(report, request.format, params, request.data_version, request.force, max_age)
