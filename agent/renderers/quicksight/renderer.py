"""``quicksight``: a dashboard snapshot job (PDF, CSV or Excel) streamed into the snapshot's key.

StartDashboardSnapshotJob -> DescribeDashboardSnapshotJob, polled with a growing delay ->
DescribeDashboardSnapshotJobResult -> the result's presigned URL, downloaded through the sink
(so the artifact is checked and hashed like any other and lands at the snapshot's own key).

The account runs at most 12 snapshot jobs and about 10 API calls a second. The fleet keeps to
both with a lease: ``admit`` waits for one of ``max_jobs`` slots of a DynamoDB semaphore (held
until the job's result is fetched) and each lease holder spaces its calls ``max_jobs /
calls_per_second`` apart, so the holders together stay under the rate. The wait for a slot is
not part of the render timeout. ThrottlingException and LimitExceededException (someone else's
jobs fill the account) back off and try again; they never fail the job.

The SnapshotJobId is the snapshot_id, so a job resumed after a worker died finds its QuickSight
job (ResourceExistsException) and keeps polling it instead of starting another. A FAILED job
whose error a rerun may cure gets the next id in a fixed sequence (``snapshot_job_id``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from agent.jobs.errors import InvalidRenderError, TransientRenderError
from agent.lease import FleetSemaphore
from agent.pacer import Pacer
from agent.renderers.base import Sink
from agent.renderers.quicksight.calls import JobExists, QuickSightCalls
from agent.renderers.quicksight.source import QuickSightSource, snapshot_job_id, start_request
from agent.renderers.spec import parse_source, quicksight_tags
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage

log = logging.getLogger(__name__)

RUNS = 3  # QuickSight jobs per attempt when a rerun may help
CHUNK = 1 << 20
# A FAILED job's ErrorType: these will fail the same way again; any other may not.
PERMANENT_JOB_ERRORS = {
    "DASHBOARD_ACCESS_DENIED",
    "CAPABILITY_RESTRICTED",
    "DATASET_DELETED",
    "ACCESS_DENIED",
    "INVALID_PARAMETER_VALUE",
    "RESOURCE_NOT_FOUND",
    "VISUAL_NOT_FOUND",
    "SHEET_NOT_FOUND",
}


class QuickSightRenderer:
    name = "quicksight"
    formats = frozenset({"pdf", "csv", "xlsx"})

    def __init__(
        self,
        client: Any,
        slots: FleetSemaphore,
        account_id: str,
        calls_per_second: float,
        poll_seconds: float,
        poll_max_seconds: float,
        concurrency: int,
    ) -> None:
        self._qs = client
        self._slots = slots
        self._account = account_id
        self._call_interval = slots.slots / calls_per_second
        self._poll_seconds = poll_seconds
        self._poll_max_seconds = poll_max_seconds
        self.max_concurrency = concurrency
        self._http: aiohttp.ClientSession | None = None

    @contextlib.asynccontextmanager
    async def admit(self, job: JobMessage, report: ReportSpec) -> AsyncIterator[None]:
        self._request(job, report)  # a bad report fails now, not after waiting for a slot
        try:
            await self._slots.acquire(job.snapshot_id)
        except Exception as exc:
            raise TransientRenderError(f"no QuickSight job slot: the leases table failed: {exc}") from exc
        async with self._slots.held(job.snapshot_id):
            yield

    async def render(self, job: JobMessage, report: ReportSpec, sink: Sink) -> None:
        request = self._request(job, report)
        calls = QuickSightCalls(self._qs, Pacer(self._call_interval))
        where = {"AwsAccountId": self._account, "DashboardId": request["DashboardId"]}
        for run in range(RUNS):
            job_id = snapshot_job_id(job.snapshot_id, run)
            status = await self._start_or_find(calls, request, job_id)
            if status not in ("COMPLETED", "FAILED"):
                status = await self._wait(calls, where, job_id)
            result = await calls.call("describe_dashboard_snapshot_job_result", **where, SnapshotJobId=job_id)
            if status == "COMPLETED":
                await self._download(_result_uri(result, job_id), sink)
                return
            error_type, message = _job_error(result)
            cause = f"QuickSight snapshot job {job_id} FAILED: {error_type}: {message}"
            if error_type in PERMANENT_JOB_ERRORS:
                raise InvalidRenderError(cause)
            log.warning("%s; running it again", cause)
        raise TransientRenderError(f"{cause} ({RUNS} runs)")

    async def _start_or_find(self, calls: QuickSightCalls, request: dict[str, Any], job_id: str) -> str:
        try:
            await calls.call("start_dashboard_snapshot_job", **request, SnapshotJobId=job_id)
        except JobExists:
            described = await calls.call(
                "describe_dashboard_snapshot_job",
                AwsAccountId=request["AwsAccountId"],
                DashboardId=request["DashboardId"],
                SnapshotJobId=job_id,
            )
            log.info("resuming QuickSight snapshot job %s (%s)", job_id, described.get("JobStatus"))
            return str(described.get("JobStatus", "QUEUED"))
        return "QUEUED"

    async def _wait(self, calls: QuickSightCalls, where: dict[str, str], job_id: str) -> str:
        delay = self._poll_seconds
        while True:
            await asyncio.sleep(delay)
            described = await calls.call("describe_dashboard_snapshot_job", **where, SnapshotJobId=job_id)
            status = str(described.get("JobStatus"))
            if status in ("COMPLETED", "FAILED"):
                return status
            delay = min(delay * 1.5, self._poll_max_seconds)

    async def _download(self, uri: str, sink: Sink) -> None:
        if not uri.startswith(("https://", "http://")):
            raise TransientRenderError(f"the snapshot result is at {uri.split('?')[0]}, not a download URL")
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_read=60))
        try:
            async with self._http.get(uri) as response:
                if response.status != 200:
                    raise TransientRenderError(f"the snapshot download answered HTTP {response.status}")
                async for chunk in response.content.iter_chunked(CHUNK):
                    await sink.write(chunk)
        except aiohttp.ClientError as exc:
            raise TransientRenderError(f"the snapshot download failed: {exc}") from exc

    def _request(self, job: JobMessage, report: ReportSpec) -> dict[str, Any]:
        source = parse_source(QuickSightSource, report)
        return start_request(
            self._account, source, report, job.params, job.format, quicksight_tags(job, report)
        )

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


def _result_uri(result: dict[str, Any], job_id: str) -> str:
    for user in result.get("Result", {}).get("AnonymousUsers", []):
        for group in user.get("FileGroups", []):
            for s3_result in group.get("S3Results", []):
                errors = s3_result.get("ErrorInfo") or []
                if errors:
                    first = errors[0]
                    cause = f"{first.get('ErrorType')}: {first.get('ErrorMessage')}"
                    raise TransientRenderError(f"QuickSight snapshot job {job_id}: {cause}")
                if s3_result.get("S3Uri"):
                    return str(s3_result["S3Uri"])
    raise TransientRenderError(f"QuickSight snapshot job {job_id} COMPLETED without a file")


def _job_error(result: dict[str, Any]) -> tuple[str, str]:
    info = result.get("ErrorInfo") or {}
    return str(info.get("ErrorType", "UNKNOWN")), str(info.get("ErrorMessage", "no message"))
