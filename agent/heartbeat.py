"""One background task keeps every in-flight job alive: its message stays invisible while the
agent works on it, and comes back for another agent soon after the agent dies.

Each tick it takes the jobs whose last beat is older than the interval, extends their visibility
in batches of ten and sends SendTaskHeartbeat for each. The state machine has no heartbeat clock
(a job waiting for capacity could not keep one); the heartbeat's answer says whether the task still
waits. A task that no longer does (its execution was stopped, or timed out, or failed otherwise)
is abandoned: the job's work is cancelled and its message dropped, instead of a render finished
for nobody and refused at the end.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from agent.aws import STALE_TOKEN_ERRORS, error_code, sqs_batch
from agent.inflight import InFlight

log = logging.getLogger(__name__)


class Heartbeat:
    def __init__(
        self,
        sqs: Any,
        sfn: Any,
        queue_url: str,
        jobs: dict[str, InFlight],
        interval: float,
        visibility_timeout: int,
    ) -> None:
        self._sqs = sqs
        self._sfn = sfn
        self._queue_url = queue_url
        self._jobs = jobs
        self._interval = interval
        self._visibility = visibility_timeout

    async def run(self) -> None:
        tick = max(0.05, self._interval / 4)
        while True:
            await asyncio.sleep(tick)
            try:
                await self.beat()
            except Exception:
                log.exception("heartbeat round failed")

    async def beat(self) -> None:
        now = time.monotonic()
        due = [j for j in self._jobs.values() if not j.settled and now - j.last_beat >= self._interval]
        if not due:
            return
        for job in due:
            job.last_beat = now
        await asyncio.gather(
            sqs_batch(
                self._sqs.change_message_visibility_batch,
                self._queue_url,
                due,
                lambda _: {"VisibilityTimeout": self._visibility},
                "visibility extension",
            ),
            *(self._task_heartbeat(job) for job in due if job.task_token),
        )

    async def _task_heartbeat(self, job: InFlight) -> None:
        try:
            await self._sfn.send_task_heartbeat(taskToken=job.task_token)
        except Exception as exc:
            code = error_code(exc)
            if code in STALE_TOKEN_ERRORS:
                log.warning(
                    "task of message %s is no longer waiting (%s): abandoning it", job.message_id, code
                )
                abandon(job, f"its task no longer waits ({code})")
            else:
                log.exception("task heartbeat failed for %s", job.message_id)


def abandon(job: InFlight, why: str) -> None:
    """Stop working on a job nobody waits for: its work is cancelled where it stands."""
    if job.settled or job.abandoned is not None:
        return
    job.abandoned = why
    if job.task is not None and not job.task.done():
        job.task.cancel()
