"""One message, start to end: parse, fence, render into S3, report to Step Functions, delete."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from pydantic import ValidationError

from agent.artifacts import ArtifactInspector
from agent.aws import AwsClients, conditional_write
from agent.batcher import Batcher
from agent.catalog_source import CatalogSource
from agent.inflight import InFlight
from agent.jobs.errors import (
    InvalidRenderError,
    JobError,
    PoisonError,
    RenderTimeoutError,
    TransientRenderError,
)
from agent.metrics import AgentMetrics
from agent.renderers.base import Renderer, RendererRegistry, admission
from agent.settings import AgentSettings
from agent.sink import S3Sink
from agent.task_answers import TaskAnswers
from contracts.catalog import Catalog, ParamsError, ReportSpec
from contracts.catalog_cache import CatalogUnavailable
from contracts.identity import CONTENT_TYPES, s3_key, snapshot_key
from contracts.messages import JobMessage, TaskOutput
from contracts.timeutil import now_iso
from contracts.topology import SNAPSHOTS_KEY
from contracts.validation import first_error

if TYPE_CHECKING:
    from types_aiobotocore_sqs.type_defs import MessageTypeDef

log = logging.getLogger(__name__)


class JobProcessor:
    def __init__(
        self,
        settings: AgentSettings,
        aws: AwsClients,
        catalog: CatalogSource[Catalog],
        renderers: RendererRegistry,
        metrics: AgentMetrics,
        deleter: Batcher[InFlight],
    ) -> None:
        self._settings = settings
        self._aws = aws
        self._catalog = catalog
        self._renderers = renderers
        self._metrics = metrics
        self._answers = TaskAnswers(aws, metrics, deleter, settings.queue_url)
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._lanes = asyncio.Semaphore(settings.delivery_lanes)

    async def process(self, message: MessageTypeDef, state: InFlight) -> None:
        try:
            job = JobMessage.model_validate_json(message["Body"])
        except ValidationError as exc:
            await self._answers.unreadable(
                message, state, InvalidRenderError(f"job message is not v1: {first_error(exc)}")
            )
            return
        state.task_token = job.task_token
        renderer_name = "unknown"
        try:
            await self._check_receives(job, message)
            refused = await self._fence(job)
            if refused:
                self._answers.finish(state, renderer_name, refused)
                return
            job, report, renderer = await self._resolve(job)
            renderer_name = state.label = renderer.name
            sink, render_seconds = await self._render(job, report, renderer)
        except JobError as exc:
            await self._answers.fail(job.task_token, exc)
            self._answers.finish(state, renderer_name, exc.error.removeprefix("Render.").lower())
            return
        except CatalogUnavailable as exc:
            await self._answers.fail(job.task_token, TransientRenderError(str(exc)))
            self._answers.finish(state, renderer_name, "transient")
            return
        delivered = await self._deliver(job, sink, render_seconds)
        self._answers.finish(state, renderer_name, "ready" if delivered else "stale")

    async def _check_receives(self, job: JobMessage, message: MessageTypeDef) -> None:
        """A message received more than ``max_receives`` times took down every worker that tried it:
        fail its task now instead of letting it kill more, or wait out the job budget."""
        receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        if receives <= self._settings.max_receives:
            return
        item = await self._aws.dynamodb.get_item(
            TableName=self._settings.table,
            Key={SNAPSHOTS_KEY: {"S": job.key}},
            ProjectionExpression="generation, worker_id",
            ConsistentRead=True,
        )
        found = item.get("Item", {})
        same = found.get("generation", {}).get("N") == str(job.generation)
        last = found.get("worker_id", {}).get("S") if same else None
        raise PoisonError(
            f"received {receives} times; the workers rendering it stopped before finishing"
            f" (last: {last or 'none recorded'})"
        )

    async def _fence(self, job: JobMessage) -> str | None:
        """QUEUED/RENDERING -> RENDERING for this generation. Refused, the outcome: ``stale`` when
        the task no longer waits (the job budget ran out and the item is FAILED), ``duplicate`` when
        the generation is READY or superseded."""
        try:
            written, old = await conditional_write(
                self._aws.dynamodb.update_item,
                TableName=self._settings.table,
                Key={SNAPSHOTS_KEY: {"S": job.key}},
                UpdateExpression="SET #s = :rendering, worker_id = :worker, started_at = :now",
                ConditionExpression="generation = :g AND #s IN (:queued, :rendering)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":rendering": {"S": "RENDERING"},
                    ":queued": {"S": "QUEUED"},
                    ":worker": {"S": self._settings.worker_id},
                    ":now": {"S": now_iso()},
                    ":g": {"N": str(job.generation)},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except Exception as exc:
            raise TransientRenderError(f"metadata fence failed: {exc}") from exc
        if written:
            return None
        if (
            old.get("generation", {}).get("N") == str(job.generation)
            and old.get("status", {}).get("S") == "FAILED"
        ):
            log.info("%s: its task no longer waits (FAILED): stale message dropped", job.snapshot_id)
            return "stale"
        log.info("%s is done or superseded: duplicate message dropped", job.snapshot_id)
        return "duplicate"

    async def _resolve(self, job: JobMessage) -> tuple[JobMessage, ReportSpec, Renderer]:
        """The job's report and renderer, and the job with its params normalised: the one place
        they are checked, so every renderer reads ``job.params`` as the catalog declares them."""
        report = (await self._catalog.get()).report(job.report)
        if report is None:
            raise InvalidRenderError(f"report {job.report!r} is not in the catalog")
        renderer = self._renderers.get(report.renderer)
        if renderer is None:
            raise InvalidRenderError(
                f"renderer {report.renderer!r} is not available; this agent has {self._renderers.names()}"
            )
        if job.format not in report.formats or job.format not in renderer.formats:
            raise InvalidRenderError(f"report {report.name!r} cannot be rendered as {job.format!r}")
        _check_identity(job, report)
        try:
            params = report.normalise_params(job.params)
        except ParamsError as exc:
            raise InvalidRenderError(f"invalid params: {exc}") from exc
        expected = s3_key(job.report, job.key, job.generation, job.format)
        if job.bucket != self._settings.bucket or job.s3_key != expected:
            raise InvalidRenderError(f"message names s3://{job.bucket}/{job.s3_key}, expected {expected}")
        if params != job.params:  # the trigger sends them normalised; an older message may not
            job = job.model_copy(update={"params": params})
        return job, report, renderer

    async def _render(self, job: JobMessage, report: ReportSpec, renderer: Renderer) -> tuple[S3Sink, float]:
        """Run the renderer into a sink, within the render timeout; the artifact is not stored yet.
        The timeout starts once the renderer admits the job (a fleet-wide slot, for QuickSight)."""
        limit = self._limits.setdefault(renderer.name, asyncio.Semaphore(renderer.max_concurrency))
        async with contextlib.AsyncExitStack() as admitted:
            with self._metrics.waiting(renderer.name):
                await admitted.enter_async_context(limit)
                await admitted.enter_async_context(admission(renderer, job, report))
            started = time.monotonic()
            inspector = ArtifactInspector(job.format)
            sink = S3Sink(
                self._aws.s3,
                job.bucket,
                job.s3_key,
                CONTENT_TYPES[job.format],
                self._settings.multipart_threshold_bytes,
                {"snapshot-id": job.snapshot_id, "worker-id": self._settings.worker_id},
                inspector,
            )
            try:
                async with asyncio.timeout(self._settings.render_timeout_seconds):
                    await renderer.render(job, report, sink)
                self._inspect(inspector, renderer.name, job.format)
            except TimeoutError as exc:
                await sink.abort()
                raise RenderTimeoutError(
                    f"render took longer than {self._settings.render_timeout_seconds:g}s"
                ) from exc
            except BaseException:
                await sink.abort()
                raise
            elapsed = time.monotonic() - started
        self._metrics.render_seconds.labels(renderer.name, job.format).observe(elapsed)
        return sink, elapsed

    def _inspect(self, inspector: ArtifactInspector, renderer: str, fmt: str) -> None:
        """Never deliver a broken artifact: raises Render.Invalid or Render.Transient with the cause."""
        verdict = inspector.verdict()
        if verdict.rows is not None:
            self._metrics.rows.labels(renderer, fmt).inc(verdict.rows)

    async def _deliver(self, job: JobMessage, sink: S3Sink, render_seconds: float) -> bool:
        """Store the artifact and report it. Few jobs deliver at once (``delivery_lanes``): when
        many renders end together, they then finish one after another instead of all waiting for
        the last one, which also keeps their next renders from starting in lockstep."""
        async with self._lanes:
            try:
                result = await sink.finish()
            except BaseException:
                await sink.abort()
                raise
            output = TaskOutput(
                size_bytes=result.size_bytes,
                sha256=result.sha256,
                content_type=CONTENT_TYPES[job.format],
                rendered_at=now_iso(),
                worker_id=self._settings.worker_id,
                render_ms=int(render_seconds * 1000),
            )
            return await self._answers.succeed(job.task_token, output.model_dump_json(), job.s3_key)


def _check_identity(job: JobMessage, report: ReportSpec) -> None:
    """The job is what its key says (so its scope is the one the trigger decided), and it carries
    a scope for exactly the governed tables its report reads: never rendered unfiltered."""
    if snapshot_key(job.report, job.format, job.params, job.data_version, job.scope) != job.key:
        raise InvalidRenderError(
            "the job's key is not the hash of its report, format, params, data version and scope"
        )
    wanted = {read.id for read in report.governed}
    if set(job.scope) != wanted:
        raise InvalidRenderError(
            f"report {report.name!r} reads governed tables {sorted(wanted)}; the job carries a scope"
            f" for {sorted(job.scope)}"
        )
