"""How a job ends, for renders and loads alike: the answer to Step Functions (a task that no
longer waits is not an error), the job's outcome counted, and its message queued for deletion."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from agent.aws import STALE_TOKEN_ERRORS, AwsClients, error_code
from agent.batcher import Batcher
from agent.inflight import InFlight
from agent.jobs.errors import JobError
from agent.metrics import AgentMetrics
from contracts.messages import task_token_in

if TYPE_CHECKING:
    from types_aiobotocore_sqs.type_defs import MessageTypeDef

log = logging.getLogger(__name__)


class TaskAnswers:
    def __init__(
        self, aws: AwsClients, metrics: AgentMetrics, deleter: Batcher[InFlight], queue_url: str
    ) -> None:
        self._aws = aws
        self._queue_url = queue_url
        self._metrics = metrics
        self._deleter = deleter

    async def succeed(self, token: str, output: str, what: str) -> bool:
        """False when the task no longer waits (its budget ran out, or it was answered already)."""
        try:
            await self._aws.stepfunctions.send_task_success(taskToken=token, output=output)
        except Exception as exc:
            if error_code(exc) in STALE_TOKEN_ERRORS:
                log.warning("finished %s but its task no longer waits: %s", what, exc)
                return False
            raise
        return True

    async def fail(self, token: str, error: JobError) -> None:
        log.warning("job failed: %s: %s", error.error, error.cause)
        try:
            await self._aws.stepfunctions.send_task_failure(
                taskToken=token, error=error.error, cause=error.cause
            )
        except Exception as exc:
            if error_code(exc) not in STALE_TOKEN_ERRORS:
                raise

    def finish(self, state: InFlight, label: str, outcome: str) -> None:
        self._metrics.jobs.labels(state.kind, label, outcome).inc()
        state.settled = True
        self._deleter.add(state)

    async def unreadable(self, message: MessageTypeDef, state: InFlight, error: JobError) -> None:
        """A body that is not a job: fail its task if it names one, else it is poison."""
        token = task_token_in(message["Body"])
        if token is not None:
            await self.fail(token, error)
            self.finish(state, "unknown", "invalid")
            return
        # No token: nobody to tell. Hand it straight back so redrive moves it to the DLQ soon.
        log.error("poison message %s: %s", state.message_id, error.cause)
        self._metrics.jobs.labels(state.kind, "unknown", "poison").inc()
        state.settled = True
        await self._aws.sqs.change_message_visibility(
            QueueUrl=self._queue_url, ReceiptHandle=state.receipt_handle, VisibilityTimeout=0
        )
