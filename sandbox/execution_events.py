"""What Step Functions does on AWS and moto does not: when an execution ends without succeeding
(FAILED, TIMED_OUT, ABORTED), put a "Step Functions Execution Status Change" event on the account's
default bus, with the execution's input, error and cause as AWS's event carries them. The rule the
platform puts on that bus then delivers it (to a queue the event shim reads, here).

It watches by polling ``ListExecutions`` every ``POLL_SECONDS``: an event comes up to that much
later than AWS would send it, and each ended execution is announced once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import boto3

from contracts.topology import ENDED_STATUSES, EXECUTION_STATUS_CHANGE, STATES_EVENT_SOURCE

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0


class ExecutionEvents:
    def __init__(self, state_machine_arns: list[str]) -> None:
        self._arns = state_machine_arns
        self._sfn: Any = boto3.client("stepfunctions")
        self._events = boto3.client("events")
        self._announced: set[str] = set()

    def announce_ended(self) -> int:
        """One look at every state machine: the ended executions not yet announced are. Returns
        how many were."""
        count = 0
        for machine in self._arns:
            for status in ENDED_STATUSES:
                for page in self._sfn.get_paginator("list_executions").paginate(
                    stateMachineArn=machine, statusFilter=status
                ):
                    for listed in page["executions"]:
                        if listed["executionArn"] not in self._announced:
                            self._announce(machine, listed["executionArn"])
                            count += 1
        return count

    def _announce(self, machine: str, arn: str) -> None:
        described = self._sfn.describe_execution(executionArn=arn)
        detail = {
            "executionArn": arn,
            "stateMachineArn": machine,
            "name": described["name"],
            "status": described["status"],
            "startDate": int(described["startDate"].timestamp() * 1000),
            "stopDate": int(described["stopDate"].timestamp() * 1000) if described.get("stopDate") else None,
            "input": described.get("input"),
            "output": described.get("output"),
            "error": described.get("error"),
            "cause": described.get("cause"),
        }
        self._events.put_events(
            Entries=[
                {
                    "Source": STATES_EVENT_SOURCE,
                    "DetailType": EXECUTION_STATUS_CHANGE,
                    "Resources": [arn],
                    "Detail": json.dumps(detail),
                    "Time": described.get("stopDate") or described["startDate"],
                }
            ]
        )
        self._announced.add(arn)
        log.info("announced %s %s", detail["status"], arn)

    async def run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.announce_ended)
            except Exception:
                log.exception("could not announce ended executions; trying again")
            await asyncio.sleep(POLL_SECONDS)


@contextlib.asynccontextmanager
async def execution_events(*state_machine_arns: str) -> AsyncIterator[ExecutionEvents]:
    """Runs while the block runs."""
    watcher = ExecutionEvents(list(state_machine_arns))
    task = asyncio.create_task(watcher.run(), name="execution-events")
    try:
        yield watcher
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
