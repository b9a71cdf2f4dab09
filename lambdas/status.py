"""Status Lambda: ``GET /snapshots/{id}`` and ``GET /reports/{report}/snapshots``, made the way
every function here is (see ``lambdas.trigger``)."""

from __future__ import annotations

import base64
import binascii
import functools
import json
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from contracts.identity import KEY_PATTERN, parse_snapshot_id, snapshot_id
from contracts.topology import BY_REPORT_HASH_KEY, BY_REPORT_INDEX, BY_REPORT_RANGE_KEY, SNAPSHOTS_KEY
from lambdas import clients
from lambdas.dynamo_types import deserialize, serialize
from lambdas.entry import entry_point
from lambdas.requests import RequestRejected
from lambdas.settings import StatusSettings
from lambdas.views import error_response, json_response, snapshot_view

logger = Logger(service="snapshot-status")
tracer = Tracer(service="snapshot-status")
CORRELATION_ID_PATH = "requestContext.requestId"
MAX_PAGE = 100


class Status:
    def __init__(self, settings: StatusSettings) -> None:
        self.settings = settings
        self._ddb = clients.dynamodb()
        self._s3 = clients.s3()
        self.app = APIGatewayHttpResolver()
        self.app.get("/snapshots/<snapshot_ref>")(self.get_snapshot)
        self.app.get("/reports/<report>/snapshots")(self.list_snapshots)
        self.app.exception_handler(RequestRejected)(rejected)
        self.handle = entry_point(logger, tracer, CORRELATION_ID_PATH, self.app.resolve)

    def get_snapshot(self, snapshot_ref: str) -> Response[str]:
        """``<key>-g<n>`` names one generation; a bare ``<key>`` names the current one."""
        parsed = parse_snapshot_id(snapshot_ref)
        if parsed is None and not KEY_PATTERN.match(snapshot_ref):
            raise RequestRejected(400, f"{snapshot_ref!r} is not a snapshot id (<key>-g<generation>)")
        key, generation = parsed if parsed else (snapshot_ref, None)
        found = self._ddb.get_item(TableName=self.settings.table_name, Key={SNAPSHOTS_KEY: {"S": key}})
        item = deserialize(found["Item"]) if "Item" in found else None
        if item is None or (generation is not None and generation > int(item["generation"])):
            raise RequestRejected(404, f"no snapshot {snapshot_ref!r}")
        if generation is not None and generation < int(item["generation"]):
            current = snapshot_id(key, int(item["generation"]))
            return json_response(
                410,
                {
                    "statusCode": 410,
                    "message": f"{snapshot_ref} was superseded by {current}",
                    "current": {"snapshot_id": current, "links": {"self": f"/snapshots/{current}"}},
                },
            )
        view = snapshot_view(item)
        if item["status"] == "READY":
            view["download_url"] = self._s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": item["s3_bucket"], "Key": item["s3_key"]},
                ExpiresIn=self.settings.presign_seconds,
            )
            view["download_expires_in"] = self.settings.presign_seconds
        return json_response(200, view)

    def list_snapshots(self, report: str) -> Response[str]:
        """Newest first through the ``by-report`` index; ``next_token`` pages on."""
        query = self.app.current_event.query_string_parameters or {}
        try:
            limit = int(query.get("limit", "20"))
        except ValueError as exc:
            raise RequestRejected(400, "limit must be an integer") from exc
        if not 1 <= limit <= MAX_PAGE:
            raise RequestRejected(400, f"limit must be between 1 and {MAX_PAGE}")
        kwargs: dict[str, Any] = {
            "TableName": self.settings.table_name,
            "IndexName": BY_REPORT_INDEX,
            "KeyConditionExpression": "#r = :r",
            "ExpressionAttributeNames": {"#r": BY_REPORT_HASH_KEY},
            "ExpressionAttributeValues": {":r": {"S": report}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if "next_token" in query:
            kwargs["ExclusiveStartKey"] = serialize(_decode_token(query["next_token"], report))
        page = self._ddb.query(**kwargs)
        snapshots = [snapshot_view(deserialize(i)) for i in page["Items"]]
        body: dict[str, Any] = {"report": report, "snapshots": snapshots}
        if "LastEvaluatedKey" in page:
            body["next_token"] = _encode_token(page["LastEvaluatedKey"])
        return json_response(200, body)


def _encode_token(last_key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(deserialize(last_key)).encode()).decode()


def _decode_token(token: str, report: str) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError) as exc:
        raise RequestRejected(400, "next_token is not one this API issued") from exc
    if (
        not isinstance(decoded, dict)
        or decoded.get("report") != report
        or set(decoded) != {SNAPSHOTS_KEY, BY_REPORT_HASH_KEY, BY_REPORT_RANGE_KEY}
    ):
        raise RequestRejected(400, "next_token is not one this API issued")
    return decoded


def rejected(exc: RequestRejected) -> Response[str]:
    return error_response(exc.status_code, exc.message)


@functools.cache
def default_status() -> Status:
    """Made once per container, on the first invocation."""
    return Status(StatusSettings.from_env())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return default_status().handle(event, context)
