"""A ``quicksight`` report's catalog ``source`` and the StartDashboardSnapshotJob request it makes.

```toml
[reports.sales_dashboard.source]
dashboard_id = "sales-overview"        # {param} placeholders allowed, as in every id below
sheet_id = "{sheet}"
visual_ids = ["revenue-table"]         # csv: exactly one; xlsx: one to five; pdf: none (whole sheet)
parameters = { region = "Region" }     # request param -> dashboard parameter
```

The snapshot API renders for one anonymous user, restricted by row-level-security tags: the
caller's scope of each governed table the report ``reads`` (docs/governance.md), never free text.
A registered user's view (their own RLS rules) is rendered by the ``browser`` renderer
from a registered-user embed URL (``source.quicksight.user_arn``): ``identity = "registered"``
here is refused with that advice rather than silently rendering the anonymous view.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agent.jobs.errors import InvalidRenderError
from agent.renderers.spec import quicksight_id
from contracts.catalog import ReportSpec

FORMAT_TYPES = {"pdf": "PDF", "csv": "CSV", "xlsx": "EXCEL"}
ID_PATTERN = r"^[\w\-{}]+$"


class QuickSightSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dashboard_id: str = Field(pattern=ID_PATTERN, max_length=512)
    sheet_id: str = Field(pattern=ID_PATTERN, max_length=512)
    visual_ids: list[str] = Field(default_factory=list, max_length=5)
    parameters: dict[str, str] = Field(default_factory=dict)
    identity: Literal["anonymous", "registered"] = "anonymous"

    @field_validator("visual_ids")
    @classmethod
    def _ids(cls, ids: list[str]) -> list[str]:
        for visual in ids:
            if not visual or len(visual) > 512:
                raise ValueError("visual ids are 1 to 512 characters")
        return ids

    @model_validator(mode="after")
    def _anonymous_only(self) -> QuickSightSource:
        if self.identity == "registered":
            raise ValueError(
                "the snapshot job API renders for anonymous users only; render a registered"
                " user's view with the browser renderer (source.quicksight.user_arn)"
            )
        return self


def snapshot_job_id(snapshot_id: str, run: int) -> str:
    """The same snapshot always maps to the same QuickSight job; a rerun after a FAILED job
    takes the next id in a fixed sequence, so a restarted worker walks to the same live job."""
    return snapshot_id if run == 0 else f"{snapshot_id}-r{run}"


def start_request(
    account_id: str,
    source: QuickSightSource,
    report: ReportSpec,
    params: dict[str, Any],
    fmt: str,
    tags: list[dict[str, str]],
) -> dict[str, Any]:
    """StartDashboardSnapshotJob's arguments, less SnapshotJobId; ``tags`` are the anonymous
    user's row-level-security tags."""
    dashboard = quicksight_id(source.dashboard_id, params, report.name)
    sheet = quicksight_id(source.sheet_id, params, report.name)
    visuals = [quicksight_id(v, params, report.name) for v in source.visual_ids]
    selection: dict[str, Any] = {"SheetId": sheet, "SelectionScope": "ALL_VISUALS"}
    if fmt == "csv" and len(visuals) != 1:
        raise InvalidRenderError(f"report {report.name!r}: a csv snapshot needs exactly one visual_id")
    if fmt == "xlsx" and not visuals:
        raise InvalidRenderError(f"report {report.name!r}: an xlsx snapshot needs one to five visual_ids")
    if fmt in ("csv", "xlsx"):
        selection = {"SheetId": sheet, "SelectionScope": "SELECTED_VISUALS", "VisualIds": visuals}
    user: dict[str, Any] = {"RowLevelPermissionTags": tags} if tags else {}
    request: dict[str, Any] = {
        "AwsAccountId": account_id,
        "DashboardId": dashboard,
        "UserConfiguration": {"AnonymousUsers": [user]},
        "SnapshotConfiguration": {
            "FileGroups": [{"Files": [{"SheetSelections": [selection], "FormatType": FORMAT_TYPES[fmt]}]}]
        },
    }
    dashboard_parameters = _parameters(source, report, params)
    if dashboard_parameters:
        request["SnapshotConfiguration"]["Parameters"] = dashboard_parameters
    return request


def _parameters(source: QuickSightSource, report: ReportSpec, params: dict[str, Any]) -> dict[str, Any]:
    """Request params as dashboard parameters, each in the list its declared type calls for."""
    lists: dict[str, list[dict[str, Any]]] = {}
    for param, dashboard_name in source.parameters.items():
        spec = report.params.get(param)
        if spec is None:
            raise InvalidRenderError(
                f"report {report.name!r}: source.parameters names {param!r}, not a param"
            )
        if param not in params:
            continue
        value = params[param]
        if spec.type == "integer":
            kind, converted = "IntegerParameters", value
        elif spec.type == "number":
            kind, converted = "DecimalParameters", float(value)
        elif spec.type == "date":
            kind, converted = "DateTimeParameters", datetime.fromisoformat(value).replace(tzinfo=UTC)
        elif spec.type == "boolean":
            kind, converted = "StringParameters", "true" if value else "false"
        else:
            kind, converted = "StringParameters", value
        lists.setdefault(kind, []).append({"Name": dashboard_name, "Values": [converted]})
    return lists
