"""A render's Step Functions execution: its name, its ARN, and whether it still runs.

Each attempt at a generation has a name of its own, ``<key>-g<generation>-<attempt>``, with the
attempt a nonce recorded in the item when the generation is written. Step Functions keeps a
closed Standard execution's name for 90 days, longer than an item lives (``RETENTION_DAYS``,
30), so a name made from the key and generation alone could be taken by a closed execution when
the same request comes again after its item expired: the start would fail and the item stay
PENDING forever. A start retried for the *same* attempt meets its own execution
(``ExecutionAlreadyExists``), which counts as started only while that execution runs.

Whether an execution still runs is asked of Step Functions (DescribeExecution) and kept for
``LIVENESS_TTL_SECONDS``, so a hot snapshot joined by many requests costs one call per that
time per Lambda container, not one per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from contracts.messages import ExecutionInput

# How long a container keeps what Step Functions said of an execution (the timers table's).
LIVENESS_TTL_SECONDS = 10.0
# Executions that no longer run: their item can never be finished by them.
CLOSED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def execution_name(item: dict[str, Any]) -> str:
    """The item's current attempt's execution name (an item written before attempts existed
    has its snapshot id as the name)."""
    attempt = item.get("attempt")
    return f"{item['snapshot_id']}-{attempt}" if attempt else str(item["snapshot_id"])


def execution_arn(state_machine_arn: str, name: str) -> str:
    return state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"


def execution_input(item: dict[str, Any]) -> ExecutionInput:
    return ExecutionInput(
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


class Executions:
    """The snapshot state machine's executions as the trigger and the reconciler use them."""

    def __init__(self, sfn: Any, state_machine_arn: str) -> None:
        self._sfn = sfn
        self._state_machine_arn = state_machine_arn
        self.liveness = Liveness(sfn)

    def arn(self, item: dict[str, Any]) -> str:
        return execution_arn(self._state_machine_arn, execution_name(item))

    def start(self, item: dict[str, Any]) -> bool:
        """Start the item's attempt: True once it runs, False when its execution exists but no
        longer runs (it can never finish the item). Any other failure raises ``ClientError``."""
        try:
            self._sfn.start_execution(
                stateMachineArn=self._state_machine_arn,
                name=execution_name(item),
                input=execution_input(item).model_dump_json(),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            return self.liveness.running(self.arn(item)) is True
        return True

    def running(self, item: dict[str, Any]) -> bool | None:
        return self.liveness.running(self.arn(item))


class Liveness:
    """``running(arn)``: True while the execution runs, False once it closed; None when it does not
    exist (it was never started)."""

    def __init__(
        self, sfn: Any, ttl_seconds: float = LIVENESS_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._sfn = sfn
        self._ttl = ttl_seconds
        self._clock = clock
        self._seen: dict[str, tuple[float, bool | None]] = {}

    def running(self, arn: str) -> bool | None:
        now = self._clock()
        cached = self._seen.get(arn)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        try:
            status = self._sfn.describe_execution(executionArn=arn)["status"]
            found: bool | None = status not in CLOSED
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ExecutionDoesNotExist":
                raise
            found = None
        if found is not None:  # one never started may be started any moment: not kept
            self._seen[arn] = (now, found)
        if len(self._seen) > 10_000:
            self._seen.clear()
        return found

    def forget(self, arn: str) -> None:
        self._seen.pop(arn, None)
