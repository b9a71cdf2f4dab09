"""What the API shows of a metadata item, and the JSON responses it sends, each built through its
model in ``contracts.http_api`` so a response cannot stray from the OpenAPI document."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from contracts.http_api import ApiError, SnapshotView, links_for

# Everything but the internals an API client has no use for.
PUBLIC_FIELDS = tuple(name for name in SnapshotView.model_fields if name != "links")


def snapshot_view(item: dict[str, Any]) -> dict[str, Any]:
    """The public fields of a metadata item, with a link to its status."""
    view = {name: item[name] for name in PUBLIC_FIELDS if item.get(name) is not None}
    view["links"] = links_for(item["snapshot_id"])
    return view


def json_response(status_code: int, body: BaseModel) -> Response[str]:
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(exclude_none=True),
    )


def error_response(status_code: int, message: str) -> Response[str]:
    return json_response(status_code, ApiError(statusCode=status_code, message=message))
