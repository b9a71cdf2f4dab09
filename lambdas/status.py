"""Status Lambda: ``GET /snapshots/{id}`` and ``GET /reports/{report}/snapshots``, made the way
every function here is (see ``lambdas.trigger``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from contracts.catalog import REPORT_NAME, ReportSpec
from contracts.catalog_cache import CatalogUnavailable
from contracts.http_api import (
    DEFAULT_PAGE,
    MAX_PAGE,
    SNAPSHOT_REF_PATTERN,
    CurrentSnapshot,
    SnapshotPage,
    SnapshotStatus,
    SnapshotView,
    Superseded,
    links_for,
)
from contracts.identity import parse_snapshot_id
from contracts.identity import snapshot_id as generation_id
from contracts.topology import BY_REPORT_HASH_KEY, BY_REPORT_INDEX, SNAPSHOTS_KEY
from lambdas import clients
from lambdas.audit import audit_denial
from lambdas.caller import Caller, http_caller
from lambdas.catalog_cache import CatalogCache
from lambdas.dynamo_types import deserialize
from lambdas.entitlements import EntitlementStore, may_request
from lambdas.entry import entry_point
from lambdas.page_tokens import PageTokens
from lambdas.requests import RequestRejected
from lambdas.routes import resolver_for
from lambdas.scope import readable_by
from lambdas.settings import StatusSettings
from lambdas.views import error_response, json_response, snapshot_view

logger = Logger(service="snapshot-status")
tracer = Tracer(service="snapshot-status")
CORRELATION_ID_PATH = "requestContext.requestId"
SNAPSHOT_REF = re.compile(SNAPSHOT_REF_PATTERN)
REPORT = re.compile(REPORT_NAME)


class Status:
    def __init__(self, settings: StatusSettings) -> None:
        self.settings = settings
        self._ddb = clients.dynamodb()
        self._s3 = clients.s3()
        self.catalog = CatalogCache(settings.catalog_uri, self._s3, settings.catalog_ttl_seconds)
        self.entitlements = EntitlementStore(
            self._ddb, settings.entitlements_table, settings.entitlements_ttl_seconds
        )
        self.tokens = PageTokens(clients.kms(), settings.page_token_key)
        self.app = resolver_for(self, "status")
        self.app.exception_handler(RequestRejected)(rejected)
        self.app.exception_handler(CatalogUnavailable)(catalog_unavailable)
        self.handle = entry_point(logger, tracer, CORRELATION_ID_PATH, self.app.resolve)

    def get_snapshot(self, snapshot_id: str) -> Response[str]:
        """``<key>-g<n>`` names one generation; a bare ``<key>`` names the current one."""
        caller = self._caller("snapshot read", snapshot_id=snapshot_id)
        if not SNAPSHOT_REF.match(snapshot_id):
            raise RequestRejected(400, f"{snapshot_id!r} is not a snapshot id (<key>-g<generation>)")
        parsed = parse_snapshot_id(snapshot_id)
        key, generation = parsed if parsed else (snapshot_id, None)
        found = self._ddb.get_item(TableName=self.settings.table_name, Key={SNAPSHOTS_KEY: {"S": key}})
        item = deserialize(found["Item"]) if "Item" in found else None
        # One the caller may not see is answered as one that does not exist: ids leak nothing.
        if item is not None and not self._may_read(caller, item):
            item = None
        if item is None or (generation is not None and generation > int(item["generation"])):
            raise RequestRejected(404, f"no snapshot {snapshot_id!r}")
        if generation is not None and generation < int(item["generation"]):
            current = generation_id(key, int(item["generation"]))
            message = f"{snapshot_id} was superseded by {current}"
            return json_response(
                410,
                Superseded(
                    statusCode=410,
                    message=message,
                    current=CurrentSnapshot(snapshot_id=current, links=links_for(current)),
                ),
            )
        view = SnapshotStatus(**snapshot_view(item))
        if item["status"] == "READY":
            view.download_url = self._s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": item["s3_bucket"], "Key": item["s3_key"]},
                ExpiresIn=self.settings.presign_seconds,
            )
            view.download_expires_in = self.settings.presign_seconds
        return json_response(200, view)

    def _caller(self, what: str, **fields: str) -> Caller:
        """Who reads what, logged; a request with no caller identity is refused before any read."""
        caller = http_caller(self.app.current_event.raw_event)
        logger.info(what, extra={"caller": caller.principal, "caller_kind": caller.kind, **fields})
        return caller

    def _may_read(self, caller: Caller, item: dict[str, Any]) -> bool:
        return self._readable(caller, self.catalog.get().report(item["report"]))(item)

    def _readable(self, caller: Caller, report: ReportSpec | None) -> Callable[[dict[str, Any]], bool]:
        """Whether the caller may see an item of ``report``: the catalog and the caller's
        entitlement are read once, however many items are checked."""
        if report is None:
            return lambda _: False
        return readable_by(report, caller, self.entitlements.for_caller(caller))

    def list_snapshots(self, report: str) -> Response[str]:
        """Newest first through the ``by-report`` index; ``next_token`` pages on."""
        caller = self._caller("snapshots listed", report=report)
        if not REPORT.match(report):
            raise RequestRejected(400, f"{report!r} is not a report name")
        spec = self.catalog.get().report(report)
        if spec is not None and not may_request(spec, caller):
            reason = f"{caller.principal} may not request {report!r}"
            audit_denial(logger, caller, report, {}, reason)
            raise RequestRejected(403, reason)
        query = self.app.current_event.query_string_parameters or {}
        limit = _limit(query.get("limit", str(DEFAULT_PAGE)))
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
            kwargs["ExclusiveStartKey"] = self.tokens.read(query["next_token"], report, caller.principal)
        page = self._ddb.query(**kwargs)
        readable = self._readable(caller, spec)
        last = page.get("LastEvaluatedKey")
        listing = SnapshotPage(
            report=report,
            snapshots=[
                SnapshotView(**snapshot_view(item))
                for item in map(deserialize, page["Items"])
                if readable(item)
            ],
            next_token=self.tokens.issue(last, report, caller.principal) if last else None,
        )
        return json_response(200, listing)


def _limit(text: str) -> int:
    try:
        limit = int(text)
    except ValueError as exc:
        raise RequestRejected(400, "limit must be an integer") from exc
    if not 1 <= limit <= MAX_PAGE:
        raise RequestRejected(400, f"limit must be between 1 and {MAX_PAGE}")
    return limit


def rejected(exc: RequestRejected) -> Response[str]:
    return error_response(exc.status_code, exc.message)


def catalog_unavailable(exc: CatalogUnavailable) -> Response[str]:
    logger.exception("catalog unavailable")
    return error_response(503, str(exc))


@functools.cache
def default_status() -> Status:
    """Made once per container, on the first invocation."""
    return Status(StatusSettings.from_env())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return default_status().handle(event, context)
