"""Denied requests, logged with who asked for what and why, and counted in the metric
``EntitlementDenials`` (CloudWatch embedded metric format, namespace ``SnapshotEngine``,
dimensions ``report`` and Powertools' ``service``) that an alarm can watch; and every answered
request counted in ``SnapshotRequests`` (dimensions ``report`` and ``decision``), where a
snapshot's popularity is seen without a write to its item per request."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from lambdas.caller import Caller

METRIC_NAMESPACE = "SnapshotEngine"
DENIALS_METRIC = "EntitlementDenials"
REQUESTS_METRIC = "SnapshotRequests"


def audit_denial(logger: Logger, caller: Caller, report: str, params: dict[str, Any], reason: str) -> None:
    logger.warning(
        "access denied",
        extra={
            "caller": caller.principal,
            "caller_kind": caller.kind,
            "report": report,
            "params": params,
            "reason": reason,
        },
    )
    with single_metric(
        name=DENIALS_METRIC, unit=MetricUnit.Count, value=1, namespace=METRIC_NAMESPACE
    ) as metric:
        metric.add_dimension(name="report", value=report)


def count_request(report: str, decision: str) -> None:
    """One line of EMF in the function's log: CloudWatch counts it, DynamoDB is not written."""
    with single_metric(
        name=REQUESTS_METRIC, unit=MetricUnit.Count, value=1, namespace=METRIC_NAMESPACE
    ) as metric:
        metric.add_dimension(name="report", value=report)
        metric.add_dimension(name="decision", value=decision)
