"""Trigger Lambda: ``POST /snapshots`` (HTTP API, payload v2) and EventBridge requests."""

from __future__ import annotations

import json
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from contracts.catalog_cache import CatalogUnavailable
from lambdas import clients
from lambdas.catalog_cache import CatalogCache
from lambdas.events import first_error, is_eventbridge_event, requests_from_event
from lambdas.requests import RequestRejected, SnapshotRequest, check_request
from lambdas.snapshots import Outcome, SnapshotService
from lambdas.views import error_response, json_response, snapshot_view

logger = Logger(service="snapshot-trigger")
app = APIGatewayHttpResolver()
sfn = boto3.client("stepfunctions", config=clients.retries)
catalog = CatalogCache(clients.settings.catalog_uri, clients.s3, clients.settings.catalog_ttl_seconds)
service = SnapshotService(
    clients.dynamodb,
    clients.settings.table_name,
    sfn,
    clients.settings.state_machine_arn,
    clients.settings.bucket_name,
    clients.settings.retention_days,
)


def submit(request: SnapshotRequest) -> Outcome:
    checked = check_request(request, catalog.get())
    outcome = service.request(checked)
    logger.info(
        "snapshot request",
        extra={
            "decision": outcome.decision,
            "snapshot_id": outcome.item["snapshot_id"],
            "report": checked.report.name,
            "format": checked.format,
        },
    )
    return outcome


@app.post("/snapshots")
def create_snapshot() -> Response[str]:
    body = app.current_event.decoded_body or ""
    if len(body.encode()) > clients.settings.max_body_bytes:
        raise RequestRejected(413, f"body is larger than {clients.settings.max_body_bytes} bytes")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise RequestRejected(400, f"body is not valid JSON: {exc.msg} at position {exc.pos}") from exc
    if not isinstance(data, dict):
        raise RequestRejected(400, "body must be a JSON object")
    try:
        request = SnapshotRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestRejected(422, f"invalid request: {first_error(exc)}") from exc
    outcome = submit(request)
    return json_response(outcome.status_code, {"decision": outcome.decision, **snapshot_view(outcome.item)})


@app.exception_handler(RequestRejected)
def rejected(exc: RequestRejected) -> Response[str]:
    return error_response(exc.status_code, exc.message)


@app.exception_handler(CatalogUnavailable)
def catalog_unavailable(exc: CatalogUnavailable) -> Response[str]:
    logger.exception("catalog unavailable")
    return error_response(503, str(exc))


def handle_event(event: dict[str, Any]) -> dict[str, Any]:
    """EventBridge delivery: a failure raises, so the async invoke's retries and DLQ apply."""
    results = []
    for request in requests_from_event(event, catalog.get()):
        outcome = submit(request)
        results.append({"decision": outcome.decision, "snapshot_id": outcome.item["snapshot_id"]})
    return {"requested": results}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_eventbridge_event(event):
        return handle_event(event)
    return app.resolve(event, context)
