"""The trigger's decision table (docs/design.md: Identity and reuse): a read, and at most one
conditional write.

No branch reads, modifies and writes back: each write is conditioned on what was read, and a
lost race re-reads and answers from the winner's state. A reuse or a join is the read alone (the
hot path: one GetItem, no write). Starting the execution is idempotent by its name
(``lambdas.executions``: one per attempt at a generation), so two requests that both believe
they created a generation still start one render. An in-progress item is joined only while its
execution can still finish it: a PENDING item's start is made again, and an item older than
``STALE_CHECK_SECONDS`` (or any, under ``force``) has its execution asked; a dead one is
rendered anew as the next generation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from botocore.exceptions import ClientError

from contracts.identity import s3_key, snapshot_id
from contracts.metadata import IN_PROGRESS
from contracts.timeutil import iso, parse_iso, utc_now
from contracts.topology import IN_PROGRESS_HASH_KEY, SNAPSHOTS_KEY, TTL_ATTRIBUTE
from lambdas.dynamo_types import deserialize, serialize
from lambdas.executions import Executions
from lambdas.requests import CheckedRequest, RequestRejected

Decision = Literal["created", "reused", "joined", "regenerated"]
MAX_ATTEMPTS = 5
# An in-progress item older than this has its execution asked before a request joins it (the
# timers table's): a render normally leaves PENDING within a second, but may wait hours queued.
STALE_CHECK_SECONDS = 60


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
        self.executions = Executions(sfn, state_machine_arn)

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
            return Outcome("reused", item)
        if status in IN_PROGRESS and self._can_finish(item, req.force):
            return Outcome("joined", item)
        generation = int(item["generation"]) + 1
        renewed = self._new_generation(req, generation, previous=int(item["generation"]))
        self._start(renewed)
        return Outcome("regenerated", renewed)

    def _can_finish(self, item: dict[str, Any], force: bool) -> bool:
        """Whether an in-progress item's execution can still finish it. A PENDING item may be one
        whose StartExecution failed: it is started again (same attempt, same name)."""
        if item["status"] == "PENDING":
            return self._start(item)
        if not force and not self._is_older(item, STALE_CHECK_SECONDS):
            return True
        return self.executions.running(item) is True

    @staticmethod
    def _is_older(item: dict[str, Any], seconds: int) -> bool:
        requested_at = item.get("requested_at")
        return not requested_at or utc_now() - parse_iso(str(requested_at)) >= timedelta(seconds=seconds)

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
            "attempt": secrets.token_hex(6),
            IN_PROGRESS_HASH_KEY: key[0],  # in the reconciler's index until READY or FAILED
            "s3_bucket": self._bucket,
            "s3_key": s3_key(req.report.name, key, generation, req.format),
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

    def _start(self, item: dict[str, Any]) -> bool:
        """Start the item's attempt; False when its execution exists but no longer runs. A failure
        to start is a 503: the item stays PENDING for the next request, or the reconciler's sweep,
        to start."""
        try:
            return self.executions.start(item)
        except ClientError as exc:
            raise RequestRejected(
                503, "the snapshot was recorded but its render could not start yet; retry the request"
            ) from exc
