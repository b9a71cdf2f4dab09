"""Landed Lambda: S3's EventBridge "Object Created" → one load state machine execution per file.

The execution's name is the load id, made from bucket, key and ETag, so a duplicate event (S3
delivers at least once) starts nothing new. A load that failed may run again for the same file
(an operator fixed the table, a retry after an outage): its next execution takes the name
``<load id>-<attempt>``, and the ledger's conditional Register lets a FAILED load through.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from contracts.loads import LandedObject, landed_object
from lambdas import clients
from lambdas.entry import entry_point
from lambdas.settings import LandedSettings

logger = Logger(service="snapshot-landed")
tracer = Tracer(service="snapshot-landed")
CORRELATION_ID_PATH = "id"
MAX_ATTEMPTS = 20  # executions of one file; past this, someone should look at it
RETRYABLE = {"FAILED", "TIMED_OUT", "ABORTED"}


class Landed:
    def __init__(self, settings: LandedSettings, sfn: Any | None = None) -> None:
        self.settings = settings
        self.sfn = sfn or clients.stepfunctions()
        self.handle = entry_point(logger, tracer, CORRELATION_ID_PATH, self._handle)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            landed = landed_object(event)
        except ValueError as exc:
            logger.error("event refused, not retried", extra={"reason": str(exc)})
            return {"started": None, "ignored": str(exc)}
        return self.start(landed)

    def start(self, landed: LandedObject) -> dict[str, Any]:
        """Starts the file's load unless one runs or ran: ``started`` is the execution's name, or
        None with ``ignored`` saying which execution has it."""
        body = json.dumps(landed.execution_input())
        for attempt in range(1, MAX_ATTEMPTS + 1):
            name = landed.load_id if attempt == 1 else f"{landed.load_id}-{attempt}"
            try:
                self.sfn.start_execution(
                    stateMachineArn=self.settings.state_machine_arn, name=name, input=body
                )
            except self.sfn.exceptions.ExecutionAlreadyExists:
                status = self._status(name)
                if status not in RETRYABLE:
                    return {
                        "started": None,
                        "ignored": f"{name} is {status}: a duplicate event starts nothing",
                    }
                continue
            logger.info("load started", extra={"execution": name, "key": landed.key})
            return {"started": name, "ignored": None}
        return {
            "started": None,
            "ignored": f"{landed.load_id} failed {MAX_ATTEMPTS} times; not started again",
        }

    def _status(self, name: str) -> str:
        arn = self.settings.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
        status: str = self.sfn.describe_execution(executionArn=arn)["status"]
        return status


@functools.cache
def default_landed() -> Landed:
    return Landed(LandedSettings.from_env())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return default_landed().handle(event, context)
