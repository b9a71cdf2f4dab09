"""Denied requests, logged with who asked for what and why, and counted in the metric
``EntitlementDenials`` (CloudWatch embedded metric format, namespace ``SnapshotEngine``,
dimensions ``report`` and Powertools' ``service``) that an alarm can watch; and every answered
request counted in ``SnapshotRequests`` (dimensions ``report`` and ``decision``), where a
snapshot's popularity is seen without a write to its item per request."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from contracts.metrics import PLATFORM_NAMESPACE
from lambdas.caller import Caller

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
    _count(DENIALS_METRIC, report=report)


def count_request(report: str, decision: str) -> None:
    """One line of EMF in the function's log: CloudWatch counts it, DynamoDB is not written."""
    _count(REQUESTS_METRIC, report=report, decision=decision)


def _count(name: str, **dimensions: str) -> None:
    """One count as its own EMF line (Powertools' service dimension added); none where
    ``POWERTOOLS_METRICS_DISABLED`` is set, as the sandbox sets it."""
    metrics = EphemeralMetrics(namespace=PLATFORM_NAMESPACE)
    for dimension, value in dimensions.items():
        metrics.add_dimension(name=dimension, value=value)
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
