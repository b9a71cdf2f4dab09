"""Files of one dataset merge in the order they landed.

Before a load takes its dataset's lease, it asks the ledger's by-dataset index for a file of its
dataset that landed before it (by time, then key) and is still LOADING. While one is there and its
execution still runs, the load answers ``Load.Queued``: the state machine asks again later, and
the wait holds no agent and no lease, so loads queued behind one another can never take every
slot of the fleet from the file they wait for. A LOADING item whose execution ended without
marking it (an operator aborted it) blocks nothing.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from agent.aws import error_code
from agent.jobs.errors import QueuedLoadError, TransientLoadError
from contracts import topology
from contracts.messages import LoadMessage


class EarlierLoads:
    def __init__(self, dynamodb: Any, stepfunctions: Any, ledger_table: str) -> None:
        self._ddb = dynamodb
        self._sfn = stepfunctions
        self._table = ledger_table

    async def wait_for_turn(self, job: LoadMessage) -> None:
        """Returns when no earlier file of the job's dataset is still loading, else raises
        ``Load.Queued`` naming the first one. A message without ``landed_at`` has no place in the
        order and goes ahead."""
        if not job.landed_at:
            return
        try:
            earlier = await self._first_running(job)
        except (BotoCoreError, ClientError) as exc:
            raise TransientLoadError(f"could not read the loads ledger {self._table}: {exc}") from exc
        if earlier is not None:
            raise QueuedLoadError(
                f"waiting for {earlier['key']['S']} (landed {earlier['landed_at']['S']}), an earlier"
                f" file of dataset {job.dataset} that is still loading"
            )

    async def _first_running(self, job: LoadMessage) -> dict[str, Any] | None:
        mine = (job.landed_at, job.key)
        for item in await self._loading_up_to(job):
            if item[topology.LOADS_KEY]["S"] == job.load_id:
                continue
            if (item["landed_at"]["S"], item["key"]["S"]) >= mine:
                continue
            if await self._running(item["execution_arn"]["S"]):
                return item
        return None

    async def _loading_up_to(self, job: LoadMessage) -> list[dict[str, Any]]:
        """The dataset's LOADING items that landed no later than the job's file, oldest first."""
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": topology.LOADS_BY_DATASET_INDEX,
            "KeyConditionExpression": "#d = :dataset AND #t <= :landed",
            "FilterExpression": "#s = :loading",
            "ExpressionAttributeNames": {
                "#d": topology.LOADS_BY_DATASET_HASH_KEY,
                "#t": topology.LOADS_BY_DATASET_RANGE_KEY,
                "#s": "status",
            },
            "ExpressionAttributeValues": {
                ":dataset": {"S": job.dataset},
                ":landed": {"S": job.landed_at},
                ":loading": {"S": "LOADING"},
            },
        }
        items: list[dict[str, Any]] = []
        while True:
            page = await self._ddb.query(**query)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    async def _running(self, execution_arn: str) -> bool:
        try:
            described = await self._sfn.describe_execution(executionArn=execution_arn)
        except ClientError as exc:
            if error_code(exc) == "ExecutionDoesNotExist":
                return False
            raise
        return bool(described["status"] == "RUNNING")
