"""Reconciler Lambda: every item converges, whatever ended its execution.

An execution can end without marking its item: an operator's StopExecution, a MarkFailed that
failed for good, a ``States.Runtime`` error (which no Catch can catch). The item would then stay
PENDING, QUEUED or RENDERING until its TTL. Two ways in, one repair:

- **Step Functions' events**: "Step Functions Execution Status Change" (FAILED, TIMED_OUT,
  ABORTED) of both state machines, from the default bus. A snapshot's item that still names that
  execution (its generation and its attempt) and is not READY becomes FAILED with the
  execution's error and cause, and "Snapshot Failed" is announced; a load's ledger item still
  LOADING under that execution becomes FAILED, and "Load Failed" is announced. Both announcements
  come from the source ``snapshot-engine``: the bus lets only the load state machine speak as
  ``datalake.ingest``.
- **The sweep** (a schedule, every ``SWEEP_SECONDS``), for an event that never came: the items in
  the ``in-progress`` index that are PENDING longer than ``PENDING_SECONDS`` are started (the same
  attempt) or, when their execution already ended, failed; those QUEUED or RENDERING longer than
  the job budget (``STUCK_SECONDS``) have their execution asked and, when it ended, are failed
  with its error and cause.
"""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError
from pydantic import ValidationError

from contracts.messages import ExecutionInput
from contracts.metadata import IN_PROGRESS
from contracts.timeutil import iso, parse_iso, utc_now
from contracts.topology import (
    ENDED_STATUSES,
    EVENT_SOURCE,
    EXECUTION_STATUS_CHANGE,
    IN_PROGRESS_HASH_KEY,
    IN_PROGRESS_INDEX,
    IN_PROGRESS_RANGE_KEY,
    IN_PROGRESS_SHARDS,
    LOAD_FAILED,
    LOADS_KEY,
    SNAPSHOTS_KEY,
)
from lambdas import clients
from lambdas.dynamo_types import deserialize
from lambdas.entry import entry_point
from lambdas.executions import CLOSED, Executions
from lambdas.settings import SWEEP_EVENT, ReconcilerSettings

logger = Logger(service="snapshot-reconciler")
tracer = Tracer(service="snapshot-reconciler")
CORRELATION_ID_PATH = "id"
SNAPSHOT_FAILED = "Snapshot Failed"
# What an execution that ended with no error of its own is failed with.
WHY = {
    "ABORTED": ("States.Aborted", "its execution was stopped before it finished"),
    "TIMED_OUT": ("States.Timeout", "its execution timed out before it finished"),
    "FAILED": ("States.Runtime", "its execution failed before it marked the snapshot"),
}


class Reconciler:
    def __init__(self, settings: ReconcilerSettings) -> None:
        self.settings = settings
        self._ddb = clients.dynamodb()
        self._sfn = clients.stepfunctions()
        self._events = clients.events()
        self.executions = Executions(self._sfn, settings.state_machine_arn)
        self.handle = entry_point(logger, tracer, CORRELATION_ID_PATH, self._handle)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        if event.get("detail-type") == EXECUTION_STATUS_CHANGE:
            return self.on_status_change(event.get("detail") or {})
        if event == SWEEP_EVENT:
            return self.sweep()
        logger.error("event refused, not retried", extra={"detail_type": event.get("detail-type")})
        return {"repaired": [], "ignored": "not a status change or a sweep"}

    def on_status_change(self, detail: dict[str, Any]) -> dict[str, Any]:
        status, arn = detail.get("status"), str(detail.get("executionArn", ""))
        if status not in ENDED_STATUSES:
            return {"repaired": [], "ignored": f"{status} needs no repair"}
        error, cause = _failure(status, detail.get("error"), detail.get("cause"))
        machine = detail.get("stateMachineArn")
        if machine not in (self.settings.state_machine_arn, self.settings.load_state_machine_arn):
            return {"repaired": [], "ignored": f"{arn} is not one of this platform's executions"}
        if not arn.startswith(str(machine).replace(":stateMachine:", ":execution:") + ":"):
            return {"repaired": [], "ignored": f"{arn} is not an execution of {machine}"}
        given = self._input(detail, arn)
        if machine == self.settings.state_machine_arn and _is_snapshot_input(given):
            repaired = self._fail_snapshot(given, arn, error, cause)
        elif machine == self.settings.load_state_machine_arn and isinstance(given.get("load_id"), str):
            repaired = self._fail_load(given, arn, error, cause)
        else:
            return {"repaired": [], "ignored": f"{arn}: its input is not one this platform starts"}
        return {"repaired": [repaired] if repaired else [], "ignored": None if repaired else "already marked"}

    def _input(self, detail: dict[str, Any], arn: str) -> dict[str, Any]:
        """The execution's input as the event carries it or, where the event left it out (AWS
        omits an input over its event size), as Step Functions describes it; {} when not an
        object."""
        text = detail.get("input")
        if not isinstance(text, str):
            text = (self._described(arn) or {}).get("input") or "{}"
        try:
            given = json.loads(text)
        except ValueError:
            return {}
        return given if isinstance(given, dict) else {}

    def sweep(self) -> dict[str, Any]:
        now = utc_now()
        youngest = min(self.settings.pending_seconds, self.settings.stuck_seconds)
        cutoff = iso(now - timedelta(seconds=youngest))
        repaired: list[str] = []
        for shard in IN_PROGRESS_SHARDS:
            for entry in self._in_progress(shard, cutoff):
                age = (now - parse_iso(str(entry[IN_PROGRESS_RANGE_KEY]))).total_seconds()
                if entry["status"] == "PENDING" or age >= self.settings.stuck_seconds:
                    found = self._repair(entry[SNAPSHOTS_KEY])
                    if found:
                        repaired.append(found)
        if repaired:
            logger.info("sweep repaired items", extra={"repaired": repaired})
        return {"repaired": repaired, "ignored": None}

    def _in_progress(self, shard: str, cutoff: str) -> Any:
        query: dict[str, Any] = {
            "TableName": self.settings.table_name,
            "IndexName": IN_PROGRESS_INDEX,
            "KeyConditionExpression": "#p = :shard AND #r < :cutoff",
            "ExpressionAttributeNames": {"#p": IN_PROGRESS_HASH_KEY, "#r": IN_PROGRESS_RANGE_KEY},
            "ExpressionAttributeValues": {":shard": {"S": shard}, ":cutoff": {"S": cutoff}},
        }
        while True:
            page = self._ddb.query(**query)
            yield from map(deserialize, page["Items"])
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _repair(self, key: str) -> str | None:
        """One item past its bound: a PENDING one is started (its attempt's name); one whose
        execution ended is failed with the execution's error and cause."""
        found = self._ddb.get_item(
            TableName=self.settings.table_name, Key={SNAPSHOTS_KEY: {"S": key}}, ConsistentRead=True
        ).get("Item")
        item = deserialize(found) if found else None
        if item is None or item["status"] not in IN_PROGRESS:
            return None
        if item["status"] == "PENDING":
            try:
                if self.executions.start(item):
                    return f"{item['snapshot_id']}: started"
            except ClientError as exc:  # throttled: the next sweep starts it
                logger.warning("could not start a PENDING item", extra={"key": key, "error": str(exc)})
                return None
        described = self._described(self.executions.arn(item))
        if described is not None and described["status"] not in CLOSED:
            return None
        status = described["status"] if described else "FAILED"
        error, cause = _failure(status, (described or {}).get("error"), (described or {}).get("cause"))
        given = {"key": item["key"], "generation": item["generation"], "snapshot_id": item["snapshot_id"]}
        given |= {"report": item["report"], "format": item["format"]}
        return self._fail_snapshot(given, self.executions.arn(item), error, cause)

    def _described(self, arn: str) -> dict[str, Any] | None:
        try:
            described: dict[str, Any] = self._sfn.describe_execution(executionArn=arn)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
                return None
            raise
        return described

    def _fail_snapshot(self, given: dict[str, Any], arn: str, error: str, cause: str) -> str | None:
        """FAILED, on condition the item is still this execution's generation and attempt (or, for
        an item from before attempts, this execution's) and is in progress."""
        name = arn.rsplit(":", 1)[-1]
        snapshot_id = str(given.get("snapshot_id", ""))
        attempt = name.removeprefix(f"{snapshot_id}-") if name != snapshot_id else ""
        try:
            self._ddb.update_item(
                TableName=self.settings.table_name,
                Key={SNAPSHOTS_KEY: {"S": str(given["key"])}},
                UpdateExpression="SET #s = :failed, #e = :error, cause = :cause REMOVE in_progress",
                ConditionExpression=(
                    "generation = :g AND #s IN (:pending, :queued, :rendering)"
                    " AND (attempt = :attempt OR execution_arn = :arn"
                    " OR (attribute_not_exists(attempt) AND snapshot_id = :name))"
                ),
                ExpressionAttributeNames={"#s": "status", "#e": "error"},
                ExpressionAttributeValues={
                    ":failed": {"S": "FAILED"},
                    ":error": {"S": error},
                    ":cause": {"S": cause},
                    ":g": {"N": str(given["generation"])},
                    ":pending": {"S": "PENDING"},
                    ":queued": {"S": "QUEUED"},
                    ":rendering": {"S": "RENDERING"},
                    ":attempt": {"S": attempt or "-"},
                    ":arn": {"S": arn},
                    ":name": {"S": name},
                },
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        self._announce(
            SNAPSHOT_FAILED,
            {
                "snapshot_id": snapshot_id,
                "key": given["key"],
                "generation": int(given["generation"]),
                "report": given.get("report"),
                "format": given.get("format"),
                "error": error,
                "cause": cause,
            },
        )
        logger.warning(
            "snapshot failed by the reconciler", extra={"snapshot_id": snapshot_id, "error": error}
        )
        return f"{snapshot_id}: FAILED {error}"

    def _fail_load(self, given: dict[str, Any], arn: str, error: str, cause: str) -> str | None:
        try:
            self._ddb.update_item(
                TableName=self.settings.ledger_table,
                Key={LOADS_KEY: {"S": str(given["load_id"])}},
                UpdateExpression="SET #s = :failed, #e = :error, cause = :cause, failed_at = :now",
                ConditionExpression="#s = :loading AND execution_arn = :arn",
                ExpressionAttributeNames={"#s": "status", "#e": "error"},
                ExpressionAttributeValues={
                    ":failed": {"S": "FAILED"},
                    ":loading": {"S": "LOADING"},
                    ":error": {"S": error},
                    ":cause": {"S": cause},
                    ":now": {"S": iso(utc_now())},
                    ":arn": {"S": arn},
                },
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        detail = {k: given.get(k) for k in ("load_id", "dataset", "bucket", "key")} | {
            "error": error,
            "cause": cause,
        }
        self._announce(LOAD_FAILED, detail)
        return f"{given['load_id']}: FAILED {error}"

    def _announce(self, detail_type: str, detail: dict[str, Any]) -> None:
        self._events.put_events(
            Entries=[
                {
                    "EventBusName": self.settings.event_bus_name,
                    "Source": EVENT_SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail),
                }
            ]
        )


def _is_snapshot_input(given: dict[str, Any]) -> bool:
    try:
        ExecutionInput.model_validate(given)
    except ValidationError:
        return False
    return True


def _failure(status: str, error: Any, cause: Any) -> tuple[str, str]:
    default_error, default_cause = WHY.get(status, WHY["FAILED"])
    return (str(error) if error else default_error), (str(cause)[:1000] if cause else default_cause)


@functools.cache
def default_reconciler() -> Reconciler:
    return Reconciler(ReconcilerSettings.from_env())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return default_reconciler().handle(event, context)
