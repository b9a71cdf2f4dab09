"""One load job, start to end: parse, find the dataset, wait for the earlier files of the dataset,
take its lease, fetch the landed file, check and spool its rows, store the rejects, merge, report
to Step Functions, delete."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from agent.aws import AwsClients
from agent.batcher import Batcher
from agent.catalog_source import CatalogSource
from agent.inflight import InFlight
from agent.jobs.errors import InvalidLoadError, JobError, TransientLoadError
from agent.jobs.load.databases import LoadDatabases
from agent.jobs.load.landed_file import fetch_landed
from agent.jobs.load.merge import LoadRecord, Merged
from agent.jobs.load.pipeline import check_and_merge
from agent.jobs.load.prepare import Prepared
from agent.jobs.load.rejects import store_rejects
from agent.jobs.load.turns import EarlierLoads
from agent.lease import FleetSemaphore
from agent.metrics import AgentMetrics
from agent.settings import AgentSettings
from agent.task_answers import TaskAnswers
from contracts.catalog_cache import CatalogUnavailable
from contracts.datasets import DatasetCatalog, DatasetSpec, FileFormat
from contracts.messages import LoadMessage, LoadOutput
from contracts.validation import first_error

if TYPE_CHECKING:
    from types_aiobotocore_sqs.type_defs import MessageTypeDef

LEASE = "load"  # what a load waits for (the jobs_waiting gauge): its dataset's fleet-wide lease


class LoadProcessor:
    def __init__(
        self,
        settings: AgentSettings,
        aws: AwsClients,
        datasets: CatalogSource[DatasetCatalog] | None,
        databases: LoadDatabases,
        metrics: AgentMetrics,
        deleter: Batcher[InFlight],
    ) -> None:
        self._settings = settings
        self._aws = aws
        self._datasets = datasets
        self._databases = databases
        self._metrics = metrics
        self._answers = TaskAnswers(aws, metrics, deleter, settings.queue_url)
        self._leases: dict[str, FleetSemaphore] = {}

    async def process(self, message: MessageTypeDef, state: InFlight) -> None:
        try:
            job = LoadMessage.model_validate_json(message["Body"])
        except ValidationError as exc:
            cause = f"load message is not v1: {first_error(exc)}"
            await self._answers.unreadable(message, state, InvalidLoadError(cause))
            return
        state.task_token = job.task_token
        started = time.monotonic()
        try:
            dataset, fmt = await self._resolve(job)
            state.label = fmt
            await self._earlier_loads().wait_for_turn(job)
            async with self._serialised(job, dataset), self._workdir() as work:
                merged = await self._load(job, dataset, fmt, work)
        except JobError as exc:
            await self._answers.fail(job.task_token, exc)
            self._answers.finish(state, state.label, exc.error.removeprefix("Load.").lower())
            return
        output = self._output(job, merged, started)
        delivered = await self._answers.succeed(job.task_token, output.model_dump_json(), job.key)
        self._answers.finish(
            state, state.label, ("skipped" if merged.skipped else "loaded") if delivered else "stale"
        )

    async def _resolve(self, job: LoadMessage) -> tuple[DatasetSpec, FileFormat]:
        if self._datasets is None:
            raise InvalidLoadError("this agent has no dataset catalog (SNAPSHOT_DATASETS_URI)")
        try:
            catalog = await self._datasets.get()
        except CatalogUnavailable as exc:
            raise TransientLoadError(str(exc)) from exc
        dataset = catalog.dataset(job.dataset)
        if dataset is None:
            raise InvalidLoadError(f"dataset {job.dataset!r} is not in the dataset catalog")
        if not job.key.startswith(dataset.prefix):
            raise InvalidLoadError(f"{job.key} is not under dataset {dataset.name}'s prefix {dataset.prefix}")
        fmt = dataset.format_of(job.key)
        if fmt is None:
            raise InvalidLoadError(
                f"{job.key}: dataset {dataset.name} takes {', '.join(dataset.formats)} (by the name's suffix)"
            )
        return dataset, fmt

    def _earlier_loads(self) -> EarlierLoads:
        if not self._settings.loads_ledger_table:
            raise InvalidLoadError(
                "this agent has no loads ledger (SNAPSHOT_LOADS_LEDGER_TABLE):"
                " files cannot be loaded in order"
            )
        return EarlierLoads(self._aws.dynamodb, self._aws.stepfunctions, self._settings.loads_ledger_table)

    @contextlib.asynccontextmanager
    async def _serialised(self, job: LoadMessage, dataset: DatasetSpec) -> AsyncIterator[None]:
        """One load per dataset across the fleet. The holder is the load, not the worker: its own
        redelivery takes the slot over at once (the merge then finds it already done)."""
        if not self._settings.lease_table:
            raise InvalidLoadError(
                "this agent has no lease table (SNAPSHOT_LEASE_TABLE): loads cannot be serialised"
            )
        lease = self._leases.get(dataset.name)
        if lease is None:
            lease = FleetSemaphore(
                self._aws.dynamodb,
                self._settings.lease_table,
                f"load#{dataset.name}",
                1,
                self._settings.lease_seconds,
            )
            self._leases[dataset.name] = lease
        with self._metrics.waiting(LEASE):
            await lease.acquire(job.load_id)
        async with lease.held(job.load_id):
            yield

    @contextlib.asynccontextmanager
    async def _workdir(self) -> AsyncIterator[Path]:
        with tempfile.TemporaryDirectory(prefix="load-") as work:
            yield Path(work)

    async def _load(self, job: LoadMessage, dataset: DatasetSpec, fmt: FileFormat, work: Path) -> Merged:
        try:
            async with asyncio.timeout(self._settings.load_timeout_seconds):
                gone = await fetch_landed(self._aws.s3, job.bucket, job.key, job.etag, work / "landed")
                if gone is not None:
                    return Merged(0, 0, skipped=gone)
                engine = await self._databases.get(dataset.datasource)
                return await self._merge(job, dataset, fmt, engine, work)
        except TimeoutError as exc:
            raise TransientLoadError(
                f"the load took longer than {self._settings.load_timeout_seconds:g}s; nothing was merged"
            ) from exc

    async def _merge(
        self, job: LoadMessage, dataset: DatasetSpec, fmt: FileFormat, engine: AsyncEngine, work: Path
    ) -> Merged:
        rejects_key: str | None = None

        async def checked(prepared: Prepared) -> None:
            nonlocal rejects_key
            rejects_key = await store_rejects(
                self._aws.s3, job, prepared, self._settings.multipart_threshold_bytes
            )
            self._count(dataset, prepared)
            _within_threshold(dataset, prepared, job.bucket, rejects_key)

        record = LoadRecord(
            job.load_id, dataset.name, f"s3://{job.bucket}/{job.key}", job.etag, job.sequencer
        )
        merged, _ = await check_and_merge(work / "landed", fmt, dataset, engine, record, work, checked)
        return dataclasses.replace(merged, rejects_key=rejects_key)

    def _count(self, dataset: DatasetSpec, prepared: Prepared) -> None:
        self._metrics.load_rows.labels(dataset.name, "checked").inc(prepared.good_rows)
        self._metrics.load_rows.labels(dataset.name, "rejected").inc(prepared.rejected_rows)

    def _output(self, job: LoadMessage, merged: Merged, started: float) -> LoadOutput:
        return LoadOutput(
            load_id=job.load_id,
            dataset=job.dataset,
            rows=merged.rows,
            rejected_rows=merged.rejected_rows,
            rejects_key=merged.rejects_key or "",
            changed=merged.skipped is None,
            skipped=merged.skipped or "",
            worker_id=self._settings.worker_id,
            load_ms=int((time.monotonic() - started) * 1000),
        )


def _within_threshold(dataset: DatasetSpec, prepared: Prepared, bucket: str, rejects_key: str | None) -> None:
    if prepared.rejected_rows == 0:
        return
    share = prepared.rejected_rows / prepared.rows
    if share > dataset.reject_threshold:
        raise InvalidLoadError(
            f"{prepared.rejected_rows} of {prepared.rows} rows rejected ({share:.1%}), over dataset"
            f" {dataset.name}'s threshold of {dataset.reject_threshold:.1%}; nothing was merged."
            f" First: {'; '.join(prepared.first_rejects)}. All: s3://{bucket}/{rejects_key}"
        )
