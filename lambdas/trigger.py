"""Trigger Lambda: ``POST /snapshots`` (HTTP API, payload v2) and EventBridge requests.

Like every function here: a class made from its settings once per container
(``default_trigger``), whose ``handle`` is the Lambda entry point with Powertools' logging and
correlation id, and a module-level ``handler`` that Terraform names.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from contracts.catalog_cache import CatalogUnavailable
from contracts.http_api import SnapshotAccepted, SnapshotRequest
from contracts.validation import first_error
from lambdas import clients
from lambdas.audit import audit_denial, count_request
from lambdas.caller import Caller, event_caller, http_caller
from lambdas.catalog_cache import CatalogCache
from lambdas.entitlements import EntitlementStore, check_entitled, fill_entitled
from lambdas.entry import entry_point
from lambdas.events import InvalidEvent, is_eventbridge_event, requests_from_event
from lambdas.json_body import json_object, raw_body
from lambdas.requests import CheckedRequest, RequestRejected, check_request
from lambdas.routes import resolver_for
from lambdas.scope import request_scope
from lambdas.settings import TriggerSettings
from lambdas.snapshots import Outcome, SnapshotService
from lambdas.views import error_response, json_response, snapshot_view

logger = Logger(service="snapshot-trigger")
tracer = Tracer(service="snapshot-trigger")
# An HTTP request is correlated by API Gateway's request id, an EventBridge event by its id.
CORRELATION_ID_PATH = "requestContext.requestId || id"


class Trigger:
    def __init__(self, settings: TriggerSettings) -> None:
        self.settings = settings
        self.catalog = CatalogCache(settings.catalog_uri, clients.s3(), settings.catalog_ttl_seconds)
        self.sfn = clients.stepfunctions()
        self.entitlements = EntitlementStore(
            clients.dynamodb(), settings.entitlements_table, settings.entitlements_ttl_seconds
        )
        self.service = SnapshotService(
            clients.dynamodb(),
            settings.table_name,
            self.sfn,
            settings.state_machine_arn,
            settings.bucket_name,
            settings.retention_days,
        )
        self.app = resolver_for(self, "trigger")
        self.app.exception_handler(RequestRejected)(rejected)
        self.app.exception_handler(CatalogUnavailable)(catalog_unavailable)
        self.handle = entry_point(logger, tracer, CORRELATION_ID_PATH, self._handle)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        if is_eventbridge_event(event):
            return self.handle_event(event)
        return self.app.resolve(event, context)

    def submit(self, request: SnapshotRequest, caller: Caller) -> Outcome:
        checked = self._entitled(request, caller)
        outcome = self.service.request(checked)
        count_request(checked.report.name, outcome.decision)
        logger.info(
            "snapshot request",
            extra={
                "caller": caller.principal,
                "caller_kind": caller.kind,
                "params": checked.params,
                "scope": checked.scope,
                "decision": outcome.decision,
                "snapshot_id": outcome.item["snapshot_id"],
                "report": checked.report.name,
                "format": checked.format,
            },
        )
        return outcome

    def _entitled(self, request: SnapshotRequest, caller: Caller) -> CheckedRequest:
        """The request checked against the catalog with its entitled params filled in and held to
        the caller's entitlement; a denial is logged with its reason and counted."""
        catalog = self.catalog.get()
        report = catalog.report(request.report)
        if report is None:
            return check_request(request, catalog)
        try:
            entitlement = self.entitlements.for_caller(caller)
            filled = fill_entitled(report, caller, request.params, entitlement)
            checked = check_request(request.model_copy(update={"params": filled}), catalog)
            check_entitled(report, caller, checked.params, entitlement)
            checked = checked.scoped(request_scope(report, caller, checked.params, entitlement))
        except RequestRejected as exc:
            if exc.status_code == 403:
                audit_denial(logger, caller, report.name, request.params, exc.message)
            raise
        return checked

    def create_snapshot(self) -> Response[str]:
        event = self.app.current_event
        caller = http_caller(event.raw_event)
        raw = raw_body(event.body, bool(event.is_base64_encoded))
        data = json_object(raw, self.settings.max_body_bytes)
        try:
            request = SnapshotRequest.model_validate(data)
        except ValidationError as exc:
            raise RequestRejected(422, f"invalid request: {first_error(exc)}") from exc
        outcome = self.submit(request, caller)
        return json_response(
            outcome.status_code, SnapshotAccepted(decision=outcome.decision, **snapshot_view(outcome.item))
        )

    def handle_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """EventBridge delivery. A request that can never be valid (a malformed event, an unknown
        report, bad params) is logged with its reason and answered, not raised: retrying it would
        only fill the DLQ. A transient failure (the catalog or Step Functions unavailable) raises,
        so the async invoke's retries and DLQ apply."""
        try:
            requests = requests_from_event(event, self.catalog.get())
        except InvalidEvent as exc:
            logger.error("event refused, not retried", extra={"reason": str(exc)})
            return {"requested": [], "rejected": [str(exc)]}
        caller = event_caller(event)
        results, refused = [], []
        for request in requests:
            try:
                outcome = self.submit(request, caller)
            except RequestRejected as exc:
                if exc.status_code >= 500:
                    raise
                logger.error(
                    "request refused, not retried", extra={"reason": exc.message, "report": request.report}
                )
                refused.append(f"{request.report}: {exc.message}")
                continue
            results.append({"decision": outcome.decision, "snapshot_id": outcome.item["snapshot_id"]})
        return {"requested": results, "rejected": refused}


def rejected(exc: RequestRejected) -> Response[str]:
    return error_response(exc.status_code, exc.message)


def catalog_unavailable(exc: CatalogUnavailable) -> Response[str]:
    logger.exception("catalog unavailable")
    return error_response(503, str(exc))


@functools.cache
def default_trigger() -> Trigger:
    """Made once per container, on the first invocation."""
    return Trigger(TriggerSettings.from_env())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return default_trigger().handle(event, context)
