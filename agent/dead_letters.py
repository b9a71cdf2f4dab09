"""Ends the task of every job that reaches the dead-letter queue, so no execution waits out its
job budget for a message nobody will render.

The agents fail a job as ``Render.Poison`` one receive before the queue would dead-letter it; a
message still gets there when the worker holding that last receive died too. Every
``dead_letter_sweep_seconds`` the sweeper asks the DLQ how deep it is (no receive while it is
empty), fails the task of each message that carries a token and deletes that message. A message
with no token is nobody's task: it stays for an operator, hidden from the sweeps for 15 minutes
after each look (an operator polling the DLQ sees it again after that).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agent.aws import STALE_TOKEN_ERRORS, error_code
from agent.jobs.errors import PoisonError
from agent.metrics import AgentMetrics
from contracts.messages import task_token_in

log = logging.getLogger(__name__)
KEEP_FOR_OPERATOR_SECONDS = 900


class DeadLetterSweeper:
    def __init__(self, sqs: Any, sfn: Any, dlq_url: str, interval: float, metrics: AgentMetrics) -> None:
        self._sqs = sqs
        self._sfn = sfn
        self._dlq_url = dlq_url
        self._interval = interval
        self._metrics = metrics

    async def run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("dead-letter sweep failed")
            await asyncio.sleep(self._interval)

    async def sweep(self) -> None:
        depth = await self._sqs.get_queue_attributes(
            QueueUrl=self._dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
        )
        if int(depth["Attributes"]["ApproximateNumberOfMessages"]) == 0:
            return
        received = await self._sqs.receive_message(
            QueueUrl=self._dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        await asyncio.gather(*(self._settle(m) for m in received.get("Messages", [])))

    async def _settle(self, message: dict[str, Any]) -> None:
        token = task_token_in(message["Body"])
        if token is None:
            log.error("dead letter %s has no task token: kept for an operator", message["MessageId"])
            self._metrics.dead_letters.labels("kept").inc()
            await self._sqs.change_message_visibility(
                QueueUrl=self._dlq_url,
                ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=KEEP_FOR_OPERATOR_SECONDS,
            )
            return
        poison = PoisonError(
            "its message reached the dead-letter queue: every worker that took it stopped before finishing"
        )
        try:
            await self._sfn.send_task_failure(taskToken=token, error=poison.error, cause=poison.cause)
            outcome = "failed"
        except Exception as exc:
            if error_code(exc) not in STALE_TOKEN_ERRORS:
                raise
            outcome = "ended"  # its task had already ended: nothing waits for it
        log.warning("dead letter %s: task %s", message["MessageId"], outcome)
        self._metrics.dead_letters.labels(outcome).inc()
        await self._sqs.delete_message(QueueUrl=self._dlq_url, ReceiptHandle=message["ReceiptHandle"])
