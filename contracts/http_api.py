"""The HTTP API's bodies and limits. ``contracts.openapi`` turns them into the OpenAPI document; the
Lambdas validate requests and build responses with the same models, so the two cannot drift."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

from contracts.catalog import REPORT_NAME

# Limits a request is held to before anything is read or written. The trigger's MAX_BODY_BYTES
# setting may lower the body limit; API Gateway's own payload limit (10 MB) is far above it.
MAX_BODY_BYTES = 16_384
# A snapshot request is two levels deep (the body, its params); anything far deeper is not one.
MAX_NESTING = 32
MAX_PARAMS = 32
MAX_PARAM_NAME = 64
MAX_STRING_PARAM = 4096
MAX_DATA_VERSION = 128
MAX_AGE_LIMIT_SECONDS = 366 * 24 * 3600
MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_NEXT_TOKEN = 512
NEXT_TOKEN_PATTERN = r"^[A-Za-z0-9_=-]+$"  # base64url, as the API issues them
# What DynamoDB can store: a number's magnitude lies in [1e-130, 1e126) and integers here are 64-bit.
INT64 = 2**63
NUMBER_MAGNITUDE = (1e-125, 1e125)

FORMAT_PATTERN = r"^[a-z]{1,16}$"
SNAPSHOT_REF_PATTERN = r"^[0-9a-f]{32}(-g[1-9][0-9]{0,8})?$"

Decision = Literal["created", "reused", "joined", "regenerated"]
Status = Literal["PENDING", "QUEUED", "RENDERING", "READY", "FAILED"]

ParamValue = (
    StrictBool
    | Annotated[StrictInt, Field(ge=-INT64, lt=INT64)]
    | Annotated[StrictFloat, Field(allow_inf_nan=False, ge=-NUMBER_MAGNITUDE[1], le=NUMBER_MAGNITUDE[1])]
    | Annotated[StrictStr, Field(max_length=MAX_STRING_PARAM)]
)
ParamName = Annotated[str, Field(min_length=1, max_length=MAX_PARAM_NAME)]


class SnapshotRequest(BaseModel):
    """Body of ``POST /snapshots`` and the ``detail`` of a "Snapshot Requested" event."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"report": "daily_sales", "format": "csv", "params": {"region": "EMEA", "day": "2024-11-25"}},
                {"report": "daily_sales", "format": "xlsx", "data_version": "2024-11-25", "force": True},
            ]
        },
    )

    report: str = Field(pattern=REPORT_NAME, description="A report the catalog names.")
    format: str = Field(
        pattern=FORMAT_PATTERN, description="One of the report's formats: csv, parquet, xlsx, pdf or png."
    )
    params: dict[ParamName, ParamValue] = Field(
        default_factory=dict,
        max_length=MAX_PARAMS,
        description="The report's declared params; the catalog fills in defaults and checks types strictly.",
    )
    data_version: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_DATA_VERSION,
        description="The data the snapshot is of; part of its identity.",
    )
    force: bool = Field(default=False, description="Render a new generation even when a fresh one exists.")
    max_age_seconds: int | None = Field(
        default=None,
        ge=0,
        le=MAX_AGE_LIMIT_SECONDS,
        description="Overrides the report's reuse window for this request.",
    )

    @field_validator("params", mode="before")
    @classmethod
    def _storable_numbers(cls, params: Any) -> Any:
        """Numbers DynamoDB can hold and the catalog can type: a 64-bit integer, or a float whose
        magnitude is 0 or within DynamoDB's range (a too-large integer would become a float)."""
        low, high = NUMBER_MAGNITUDE
        for name, value in params.items() if isinstance(params, dict) else ():
            if isinstance(value, bool):
                continue
            if isinstance(value, int) and not -INT64 <= value < INT64:
                raise ValueError(f"param {name!r}: an integer must fit in 64 bits")
            if (
                isinstance(value, float)
                and math.isfinite(value)
                and value != 0
                and not low <= abs(value) <= high
            ):
                raise ValueError(
                    f"param {name!r}: a number's magnitude must be 0 or within [{low:g}, {high:g}]"
                )
        return params


class Links(BaseModel):
    model_config = ConfigDict(extra="forbid")

    self: str = Field(description="This snapshot's status URL, relative to the API.")


class SnapshotView(BaseModel):
    """What the API shows of a metadata item: everything but the internals a client has no use for."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(
        description="The request's identity: sha256 of report, format, params, data_version and the"
        " caller's scope of the governed tables the report reads."
    )
    snapshot_id: str = Field(description="`<key>-g<generation>`: one render of the request.")
    generation: int = Field(ge=1)
    report: str
    format: str
    params: dict[str, Any] = Field(description="The params after the catalog's defaults were filled in.")
    data_version: str | None = None
    status: Status
    requested_at: str
    queued_at: str | None = None
    started_at: str | None = None
    rendered_at: str | None = None
    size_bytes: int | None = Field(default=None, ge=0)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    content_type: str | None = None
    render_ms: int | None = Field(default=None, ge=0)
    error: str | None = Field(default=None, description="When FAILED: Render.Invalid, Render.Timeout, ...")
    cause: str | None = None
    links: Links


class SnapshotAccepted(SnapshotView):
    decision: Decision = Field(description="What the trigger did with the request.")


class SnapshotStatus(SnapshotView):
    download_url: str | None = Field(default=None, description="When READY: a presigned S3 URL.")
    download_expires_in: int | None = Field(default=None, description="Seconds the download URL stays valid.")


class SnapshotPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report: str
    snapshots: list[SnapshotView] = Field(description="Newest first.")
    next_token: str | None = Field(default=None, description="Pass it back for the next page.")


class ApiError(BaseModel):
    """Every error the Lambdas answer. A rejected request has written nothing."""

    model_config = ConfigDict(extra="forbid")

    statusCode: int = Field(ge=400, le=599)
    message: str


class CurrentSnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    snapshot_id: str
    links: Links


class Superseded(ApiError):
    current: CurrentSnapshot = Field(description="The generation that replaced the one asked for.")


class GatewayError(BaseModel):
    """What API Gateway itself answers (no Lambda ran): 403 for a missing or bad signature, 404 for
    no route, 413 over its payload limit, 429 when throttled."""

    model_config = ConfigDict(extra="forbid")

    message: str


def links_for(snapshot_ref: str) -> Links:
    return Links(self=f"/snapshots/{snapshot_ref}")
