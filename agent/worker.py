"""The agent's loop (after arq's worker): pollers bounded by free capacity, a set of job tasks
reaped as they finish, one heartbeat task, and a two-phase stop.

``concurrency`` slots run jobs; up to ``prefetch`` more messages are held waiting for a slot, so
a slot that frees starts its next job at once instead of after a receive round trip.

Stop: intake ends at once; prefetched messages that never started go straight back; running
jobs get ``drain_seconds`` to finish; whatever is still running is cancelled and its message made
visible again (visibility 0), so another agent takes it. Nothing is lost: a message leaves the
queue only after Step Functions has its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.aws import AwsClients, sqs_batch
from agent.batcher import Batcher
from agent.catalog_source import CatalogSource, report_catalog
from agent.dead_letters import DeadLetterSweeper
from agent.heartbeat import Heartbeat
from agent.inflight import InFlight
from agent.jobs.load.databases import LoadDatabases
from agent.jobs.load.processor import LoadProcessor
from agent.jobs.render import JobProcessor
from agent.metrics import AgentMetrics
from agent.renderers.base import RendererRegistry
from agent.secret_passwords import SecretPasswords
from agent.settings import AgentSettings
from contracts.datasets import parse_datasets
from contracts.messages import job_kind

if TYPE_CHECKING:
    from types_aiobotocore_sqs.type_defs import MessageTypeDef

log = logging.getLogger(__name__)
MAX_RECEIVE_BACKOFF = 30.0
BATCH_WAIT = 0.05


@dataclass
class Backoff:
    """Doubling waits after failed receives, from 1 s up to ``MAX_RECEIVE_BACKOFF``."""

    delay: float = 1.0

    async def wait(self) -> None:
        await asyncio.sleep(self.delay)
        self.delay = min(self.delay * 2, MAX_RECEIVE_BACKOFF)

    def reset(self) -> None:
        self.delay = 1.0


class Agent:
    def __init__(
        self,
        settings: AgentSettings,
        aws: AwsClients,
        renderers: RendererRegistry,
        metrics: AgentMetrics,
        passwords: SecretPasswords | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.jobs: dict[str, InFlight] = {}
        self.ready = False
        self.draining = False
        self._aws = aws
        self._stop = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._orphans: list[InFlight] = []
        self._deleter: Batcher[InFlight] = Batcher(self._delete_batch)
        catalog = report_catalog(settings.catalog_uri, aws.s3, settings.catalog_ttl_seconds)
        self._processor = JobProcessor(settings, aws, catalog, renderers, metrics, self._deleter)
        self._databases = LoadDatabases(settings.data_sources, passwords)
        datasets = (
            CatalogSource(
                settings.datasets_uri, aws.s3, settings.catalog_ttl_seconds, parse_datasets, "dataset catalog"
            )
            if settings.datasets_uri
            else None
        )
        self._loads = LoadProcessor(settings, aws, datasets, self._databases, metrics, self._deleter)
        self._heartbeat = Heartbeat(
            aws.sqs,
            aws.stepfunctions,
            settings.queue_url,
            self.jobs,
            settings.heartbeat_seconds,
            settings.visibility_timeout_seconds,
        )
        self._sweeper = (
            DeadLetterSweeper(
                aws.sqs,
                aws.stepfunctions,
                settings.dead_letter_queue_url,
                settings.dead_letter_sweep_seconds,
                metrics,
            )
            if settings.dead_letter_queue_url
            else None
        )
        self._pollers: list[asyncio.Task[None]] = []
        self._reserved = 0
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._running = 0
        self.holding_limit = settings.concurrency + min(settings.prefetch, settings.concurrency // 4)
        metrics.set_load(0, settings.concurrency)

    def request_stop(self) -> None:
        if not self._stop.is_set():
            log.info("stop requested: draining %d jobs", len(self.jobs))
            self._stop.set()

    @property
    def running(self) -> int:
        """Jobs holding a slot now (prefetched messages waiting for one are not counted)."""
        return self._running

    @property
    def polling(self) -> bool:
        return bool(self._pollers) and all(not p.done() for p in self._pollers)

    async def run(self) -> None:
        heartbeat = asyncio.create_task(self._heartbeat.run(), name="heartbeat")
        self._pollers = [
            asyncio.create_task(self._poll(), name=f"poller-{n}") for n in range(self.settings.pollers)
        ]
        if self._sweeper is not None:
            self._pollers.append(asyncio.create_task(self._sweeper.run(), name="dead-letters"))
        self.ready = True
        try:
            await self._stop.wait()
        finally:
            await self._shutdown(heartbeat)

    async def _shutdown(self, heartbeat: asyncio.Task[None]) -> None:
        self.ready = False
        self.draining = True
        self.metrics.draining.set(1)
        for poller in self._pollers:
            poller.cancel()
        await asyncio.gather(*self._pollers, return_exceptions=True)
        waiting = [job.task for job in self.jobs.values() if job.task is not None and not job.started]
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        tasks = [job.task for job in self.jobs.values() if job.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.settings.drain_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._release(self._orphans)
        await self._databases.close()
        heartbeat.cancel()
        await asyncio.gather(heartbeat, return_exceptions=True)
        await self._deleter.close()
        log.info("drained; released %d messages", len(self._orphans))

    async def _poll(self) -> None:
        """One of ``settings.pollers`` loops. Each reserves the slots it asks for before asking,
        so all of them together never receive more than the free capacity."""
        backoff = Backoff()
        while True:
            want = await self._free_batch()
            self._reserved += want
            try:
                messages = await self._receive(want, backoff)
            finally:
                self._reserved -= want
            for message in messages:
                self._start(message)

    async def _free_batch(self) -> int:
        """Waits for free capacity and returns how much to ask for (at most ten). A nearly full
        agent waits up to ``BATCH_WAIT`` for a full batch, so it does not spend one receive on
        every slot that frees (a busy agent frees ten in a few milliseconds)."""
        batch = min(10, self.holding_limit)
        partial_since: float | None = None
        loop = asyncio.get_running_loop()
        while True:
            want = min(10, self.holding_limit - len(self.jobs) - self._reserved)
            if want <= 0:
                await self._slot_frees()
                continue
            if want < batch:
                partial_since = partial_since or loop.time()
                left = partial_since + BATCH_WAIT - loop.time()
                if left > 0:
                    await self._slot_frees(within=left)
                    continue
            return want

    async def _slot_frees(self, within: float | None = None) -> None:
        self._slot_freed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._slot_freed.wait(), within)

    async def _receive(self, want: int, backoff: Backoff) -> list[MessageTypeDef]:
        """One long-poll receive; a failure waits out the backoff and returns nothing."""
        try:
            response = await self._aws.sqs.receive_message(
                QueueUrl=self.settings.queue_url,
                MaxNumberOfMessages=want,
                WaitTimeSeconds=self.settings.poll_wait_seconds,
                VisibilityTimeout=self.settings.visibility_timeout_seconds,
                MessageSystemAttributeNames=["SentTimestamp", "ApproximateReceiveCount"],
            )
        except Exception:
            log.exception("receive failed; retrying in %.0fs", backoff.delay)
            await backoff.wait()
            return []
        backoff.reset()
        return response.get("Messages", [])

    def _start(self, message: MessageTypeDef) -> None:
        held = self.jobs.get(message["MessageId"])
        if held is not None and not held.settled:
            self._received_again(held, message["ReceiptHandle"])
            return
        sent = message.get("Attributes", {}).get("SentTimestamp")
        if sent:
            self.metrics.queue_lag_seconds.observe(max(0.0, time.time() - int(sent) / 1000))
        state = InFlight(message["MessageId"], message["ReceiptHandle"])
        self.jobs[state.message_id] = state
        state.task = asyncio.create_task(self._run_job(message, state), name=state.message_id)

    async def _run_job(self, message: MessageTypeDef, state: InFlight) -> None:
        try:
            async with self._slots:
                state.started = True
                self._count_running(+1)
                try:
                    state.kind = job_kind(message["Body"])
                    processor = self._loads if state.kind == "load" else self._processor
                    await processor.process(message, state)
                finally:
                    self._count_running(-1)
        except asyncio.CancelledError:
            if state.abandoned is not None and not state.settled:
                # Its task ended: the work stopped where it stood, the message goes.
                log.info("job %s abandoned: %s", state.message_id, state.abandoned)
                self.metrics.jobs.labels(state.kind, state.label, "abandoned").inc()
                state.settled = True
                self._deleter.add(state)
            elif not state.settled:
                self._orphans.append(state)
        except Exception:
            # The message stays invisible until its timeout, then another agent retries it.
            log.exception("job %s failed unexpectedly; it will be redelivered", state.message_id)
            state.settled = True
        finally:
            if self.jobs.get(state.message_id) is state:  # not a later receipt's job of its own
                del self.jobs[state.message_id]
            self._slot_freed.set()

    def _received_again(self, held: InFlight, receipt_handle: str) -> None:
        """A message this agent still works on came back (its visibility ran out before an
        extension reached SQS: a starved loop, a slow call). SQS honours only the newest receipt
        handle for extending and deleting it, so the job takes that one (the receive hid the
        message for a full visibility timeout, as a beat does); a second job for the same message
        would render it twice."""
        log.warning("job %s was received again while this agent works on it", held.message_id)
        self.metrics.received_again.inc()
        held.receipt_handle = receipt_handle
        held.last_beat = time.monotonic()

    def _count_running(self, change: int) -> None:
        self._running += change
        self.metrics.set_load(self._running, self.settings.concurrency)

    async def _delete_batch(self, batch: list[InFlight]) -> None:
        await sqs_batch(
            self._aws.sqs.delete_message_batch, self.settings.queue_url, batch, lambda _: {}, "delete"
        )

    async def _release(self, states: list[InFlight]) -> None:
        """Visible again at once, for another agent; one that cannot be released comes back when
        its visibility runs out."""
        await sqs_batch(
            self._aws.sqs.change_message_visibility_batch,
            self.settings.queue_url,
            states,
            lambda _: {"VisibilityTimeout": 0},
            "release",
        )
        for s in states:
            s.settled = True
