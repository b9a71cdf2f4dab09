"""The trigger's decision table (docs/design.md: Identity and reuse), one conditional write per branch.

No branch reads, modifies and writes back: each write is conditioned on what was read, and a
lost race re-reads and answers from the winner's state. Starting the execution is idempotent by
its name ``<key>-g<generation>``, so two requests that both believe they created a generation
still start one render.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from botocore.exceptions import ClientError

from contracts.identity import s3_key, snapshot_id
from contracts.messages import ExecutionInput
from contracts.metadata import IN_PROGRESS
from contracts.timeutil import iso, parse_iso, utc_now
from contracts.topology import SNAPSHOTS_KEY, TTL_ATTRIBUTE
from lambdas.dynamo_types import deserialize, serialize
from lambdas.requests import CheckedRequest, RequestRejected

Decision = Literal["created", "reused", "joined", "regenerated"]
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    item: dict[str, Any]

    @property
    def status_code(self) -> int:
        return 200 if self.decision == "reused" else 202


class SnapshotService:
    def __init__(
        self, ddb: Any, table: str, sfn: Any, state_machine_arn: str, bucket: str, retention_days: int
    ) -> None:
        self._ddb = ddb
        self._table = table
        self._sfn = sfn
        self._state_machine_arn = state_machine_arn
        self._bucket = bucket
        self._retention = timedelta(days=retention_days)

    def request(self, req: CheckedRequest) -> Outcome:
        for _ in range(MAX_ATTEMPTS):
            found = self._ddb.get_item(
                TableName=self._table, Key={SNAPSHOTS_KEY: {"S": req.key}}, ConsistentRead=True
            ).get("Item")
            item = deserialize(found) if found else None
            try:
                return self._decide(req, item)
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        raise RequestRejected(503, "the snapshot is contended; try again")

    def _decide(self, req: CheckedRequest, item: dict[str, Any] | None) -> Outcome:
        if item is None:
            created = self._new_generation(req, 1, previous=None)
            self._start(created)
            return Outcome("created", created)
        status = item["status"]
        if status == "READY" and not req.force and self._is_fresh(item, req.max_age_seconds):
            return Outcome("reused", self._count_request(item))
        if status in IN_PROGRESS:
            # A PENDING item may be one whose StartExecution failed: start it again (same name).
            if status == "PENDING":
                self._start(item)
            return Outcome("joined", self._count_request(item))
        generation = int(item["generation"]) + 1
        renewed = self._new_generation(req, generation, previous=int(item["generation"]))
        self._start(renewed)
        return Outcome("regenerated", renewed)

    @staticmethod
    def _is_fresh(item: dict[str, Any], max_age_seconds: int) -> bool:
        rendered_at = item.get("rendered_at")
        if not rendered_at:
            return False
        return utc_now() - parse_iso(str(rendered_at)) < timedelta(seconds=max_age_seconds)

    def _new_generation(self, req: CheckedRequest, generation: int, previous: int | None) -> dict[str, Any]:
        now = utc_now()
        key = req.key
        item: dict[str, Any] = {
            "key": key,
            "snapshot_id": snapshot_id(key, generation),
            "generation": generation,
            "report": req.report.name,
            "format": req.format,
            "params": req.params,
            "data_version": req.data_version,
            "scope": req.scope,
            "status": "PENDING",
            "requested_at": iso(now),
            "s3_bucket": self._bucket,
            "s3_key": s3_key(req.report.name, key, generation, req.format),
            "request_count": 1,
            TTL_ATTRIBUTE: int((now + self._retention).timestamp()),
        }
        if previous is None:
            self._ddb.put_item(
                TableName=self._table,
                Item=serialize(item),
                ConditionExpression="attribute_not_exists(#k)",
                ExpressionAttributeNames={"#k": SNAPSHOTS_KEY},
            )
        else:
            # Replace the whole item: the previous generation's outputs must not linger.
            self._ddb.put_item(
                TableName=self._table,
                Item=serialize(item),
                ConditionExpression="generation = :g",
                ExpressionAttributeValues={":g": {"N": str(previous)}},
            )
        return item

    def _count_request(self, item: dict[str, Any]) -> dict[str, Any]:
        self._ddb.update_item(
            TableName=self._table,
            Key={SNAPSHOTS_KEY: {"S": item["key"]}},
            UpdateExpression="ADD request_count :one",
            ConditionExpression="generation = :g",
            ExpressionAttributeValues={":one": {"N": "1"}, ":g": {"N": str(item["generation"])}},
        )
        return item

    def _start(self, item: dict[str, Any]) -> None:
        payload = ExecutionInput(
            snapshot_id=str(item["snapshot_id"]),
            key=str(item["key"]),
            generation=int(item["generation"]),
            report=str(item["report"]),
            format=str(item["format"]),
            params=item.get("params") or {},
            data_version=item.get("data_version"),
            scope=item.get("scope") or {},
            bucket=str(item["s3_bucket"]),
            s3_key=str(item["s3_key"]),
        )
        try:
            self._sfn.start_execution(
                stateMachineArn=self._state_machine_arn,
                name=payload.snapshot_id,
                input=payload.model_dump_json(),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ExecutionAlreadyExists":
                return
            raise RequestRejected(
                503, "the snapshot was recorded but its render could not start yet; retry the request"
            ) from exc
