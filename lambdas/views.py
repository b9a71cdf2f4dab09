"""What the API shows of a metadata item, and the JSON responses it sends."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from contracts.metadata import ITEM_FIELDS

# Everything but the internals an API client has no use for.
PUBLIC_FIELDS = tuple(
    f for f in ITEM_FIELDS if f not in ("execution_arn", "s3_bucket", "s3_key", "worker_id", "expires_at")
)


def snapshot_view(item: dict[str, Any]) -> dict[str, Any]:
    view = {name: item[name] for name in PUBLIC_FIELDS if item.get(name) is not None}
    view["links"] = {"self": f"/snapshots/{item['snapshot_id']}"}
    return view


def json_response(status_code: int, body: dict[str, Any]) -> Response[str]:
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(body, separators=(",", ":")),
    )


def error_response(status_code: int, message: str) -> Response[str]:
    return json_response(status_code, {"statusCode": status_code, "message": message})
