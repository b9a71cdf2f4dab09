"""A stand-in for Amazon QuickSight's snapshot-job and embed APIs (moto has neither).

It speaks the service's rest-json wire protocol, so the agent's real aiobotocore client talks to
it unchanged (``SNAPSHOT_QUICKSIGHT_ENDPOINT_URL``), and it keeps the account's limits: at most
``max_running`` jobs at once (one more is ``LimitExceededException``) and a token bucket of
``calls_per_second`` (beyond it, HTTP 429 ``ThrottlingException``). Each dashboard may be slow,
fail with an ErrorType, or render a blank page. Results are served from short-lived download
URLs, like QuickSight's presigned S3 URLs, and embed URLs open a small dashboard page.
The ``stats`` record what the tests assert: the most jobs ever running, when each call arrived,
how often it throttled or refused, and how many jobs each SnapshotJobId started.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox.loopback import serve_on_loopback
from sandbox.quicksight_assets import Assets
from sandbox.quicksight_files import render_file
from sandbox.quicksight_migrated import Unrenderable, render_migrated


@dataclass
class Dashboard:
    seconds: float = 0.3
    fail: str | None = None  # a FAILED job's ErrorType
    blank: bool = False


@dataclass
class SnapshotJob:
    job_id: str
    dashboard: str
    request: dict[str, Any]
    created: float
    seconds: float
    fail: str | None
    blank: bool

    def status(self, now: float) -> str:
        if now < self.created + min(0.05, self.seconds / 4):
            return "QUEUED"
        if now < self.created + self.seconds:
            return "RUNNING"
        return "FAILED" if self.fail else "COMPLETED"


@dataclass
class Stats:
    calls: Counter[str] = field(default_factory=Counter)
    throttled: int = 0
    limit_exceeded: int = 0
    max_running: int = 0
    starts: Counter[str] = field(default_factory=Counter)
    downloads: int = 0
    arrivals: list[float] = field(default_factory=list)  # each call's arrival, monotonic, in order

    def mean_rate(self) -> float:
        """Calls per second from the first call to the last."""
        span = self.arrivals[-1] - self.arrivals[0] if self.arrivals else 0.0
        return len(self.arrivals) / span if span > 0 else 0.0

    def busiest(self, window: float) -> int:
        """The most calls that arrived within any ``window`` seconds."""
        most, first = 0, 0
        for last, arrived in enumerate(self.arrivals):
            while arrived - self.arrivals[first] >= window:
                first += 1
            most = max(most, last - first + 1)
        return most


Handler = Callable[["QuickSightDouble", web.Request], Awaitable[web.Response]]


def _api(operation: str) -> Callable[[Handler], Handler]:
    """An API operation: the account and signature checked, the call counted and rate-limited."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(double: QuickSightDouble, request: web.Request) -> web.Response:
            refused = double._check_account(request) or double._admit_call(operation)
            return refused if refused is not None else await handler(double, request)

        return checked

    return wrap


class QuickSightDouble:
    def __init__(
        self,
        account_id: str = "123456789012",
        max_running: int = 12,
        calls_per_second: float = 10.0,
        dashboards: dict[str, Dashboard] | None = None,
        database: Path | None = None,
    ) -> None:
        self.account_id = account_id
        self.max_running = max_running
        self.calls_per_second = calls_per_second
        self.dashboards = dashboards if dashboards is not None else {}
        self.jobs: dict[tuple[str, str], SnapshotJob] = {}
        self.stats = Stats()
        self.forced_throttles = 0
        self._tokens = calls_per_second
        self._refilled = time.monotonic()
        self._files: dict[str, tuple[float, bytes, str]] = {}  # download token -> (expiry, data, type)
        self._sessions: dict[str, tuple[float, dict[str, str]]] = {}  # embed code -> (expiry, session)
        self.embed_sessions: list[dict[str, str]] = []  # each issued embed URL's session tags or user
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.assets = Assets(self)
        self.database = database  # where a migrated dashboard's visuals are computed from

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        base = "/accounts/{account}"
        app.router.add_post(base + "/dashboards/{dashboard}/snapshot-jobs", self._start_job)
        app.router.add_get(base + "/dashboards/{dashboard}/snapshot-jobs/{job}", self._describe)
        app.router.add_get(base + "/dashboards/{dashboard}/snapshot-jobs/{job}/result", self._result)
        app.router.add_post(base + "/embed-url/anonymous-user", self._embed_anonymous)
        app.router.add_post(base + "/embed-url/registered-user", self._embed_registered)
        app.router.add_get("/files/{token}", self._download)
        app.router.add_get("/embed/{dashboard}", self._embed_page)
        self.assets.routes(app)
        self._runner, bound = await serve_on_loopback(app, port)
        self.url = f"http://127.0.0.1:{bound}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def running(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        return sum(1 for job in self.jobs.values() if job.status(now) in ("QUEUED", "RUNNING"))

    # -- the account's limits ------------------------------------------------------------------

    def _admit_call(self, operation: str) -> web.Response | None:
        now = time.monotonic()
        self.stats.calls[operation] += 1
        self.stats.arrivals.append(now)
        self._tokens = min(
            self.calls_per_second, self._tokens + (now - self._refilled) * self.calls_per_second
        )
        self._refilled = now
        if self.forced_throttles > 0 or self._tokens < 1:
            self.forced_throttles = max(0, self.forced_throttles - 1)
            self.stats.throttled += 1
            return _error(429, "ThrottlingException", "Rate exceeded")
        self._tokens -= 1
        return None

    def _check_account(self, request: web.Request) -> web.Response | None:
        if request.match_info["account"] != self.account_id:
            return _error(403, "AccessDeniedException", f"not account {request.match_info['account']}")
        if not request.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256"):
            return _error(403, "AccessDeniedException", "the request is not signed")
        return None

    # -- snapshot jobs ---------------------------------------------------------------------------

    @_api("StartDashboardSnapshotJob")
    async def _start_job(self, request: web.Request) -> web.Response:
        body = await request.json()
        dashboard_id = request.match_info["dashboard"]
        job_id = str(body.get("SnapshotJobId", ""))
        problem = _invalid_start(body)
        if problem:
            return _error(400, "InvalidParameterValueException", problem)
        dashboard = self.dashboards.get(dashboard_id)
        if dashboard is None and dashboard_id in self.assets.dashboards:
            dashboard = Dashboard(seconds=0.3)
        if dashboard is None:
            return _error(404, "ResourceNotFoundException", f"dashboard {dashboard_id} not found")
        if (dashboard_id, job_id) in self.jobs:
            return _error(409, "ResourceExistsException", f"snapshot job {job_id} already exists")
        now = time.monotonic()
        if self.running(now) >= self.max_running:
            self.stats.limit_exceeded += 1
            return _error(409, "LimitExceededException", f"{self.max_running} snapshot jobs are running")
        self.jobs[(dashboard_id, job_id)] = SnapshotJob(
            job_id, dashboard_id, body, now, dashboard.seconds, dashboard.fail, dashboard.blank
        )
        self.stats.starts[job_id] += 1
        self.stats.max_running = max(self.stats.max_running, self.running(now))
        return web.json_response(
            {"Arn": self._arn(dashboard_id, job_id), "SnapshotJobId": job_id, "RequestId": _request_id()},
            status=202,
        )

    @_api("DescribeDashboardSnapshotJob")
    async def _describe(self, request: web.Request) -> web.Response:
        job = self._job(request)
        if job is None:
            return _error(404, "ResourceNotFoundException", "no such snapshot job")
        return web.json_response(
            {
                "AwsAccountId": self.account_id,
                "DashboardId": job.dashboard,
                "SnapshotJobId": job.job_id,
                "Arn": self._arn(job.dashboard, job.job_id),
                "JobStatus": job.status(time.monotonic()),
                "SnapshotConfiguration": job.request["SnapshotConfiguration"],
                "CreatedTime": time.time(),
                "LastUpdatedTime": time.time(),
                "RequestId": _request_id(),
            }
        )

    @_api("DescribeDashboardSnapshotJobResult")
    async def _result(self, request: web.Request) -> web.Response:
        job = self._job(request)
        if job is None:
            return _error(404, "ResourceNotFoundException", "no such snapshot job")
        status = job.status(time.monotonic())
        if status not in ("COMPLETED", "FAILED"):
            return _error(
                412,
                "PreconditionNotMetException",
                f"Dashboard Snapshot Job with id {job.job_id} has not reached a terminal state.",
            )
        body: dict[str, Any] = {
            "Arn": self._arn(job.dashboard, job.job_id),
            "JobStatus": status,
            "CreatedTime": time.time(),
            "LastUpdatedTime": time.time(),
            "RequestId": _request_id(),
        }
        if status == "FAILED":
            body["ErrorInfo"] = {"ErrorType": job.fail, "ErrorMessage": f"the double failed it: {job.fail}"}
            return web.json_response(body)
        file_spec = job.request["SnapshotConfiguration"]["FileGroups"][0]["Files"][0]
        if job.dashboard in self.assets.dashboards and self.database is not None:
            try:
                data, content_type = await asyncio.to_thread(
                    render_migrated, self.assets, job.dashboard, file_spec, job.request, self.database
                )
            except Unrenderable as exc:
                body["JobStatus"] = "FAILED"
                body["ErrorInfo"] = {"ErrorType": "GENERIC_SNAPSHOT_ERROR", "ErrorMessage": str(exc)}
                return web.json_response(body)
        else:
            data, content_type = render_file(file_spec, job.request, blank=job.blank)
        token = secrets.token_urlsafe(16)
        self._files[token] = (time.monotonic() + 300, data, content_type)
        body["Result"] = {
            "AnonymousUsers": [
                {
                    "FileGroups": [
                        {"Files": [file_spec], "S3Results": [{"S3Uri": f"{self.url}/files/{token}"}]}
                    ]
                }
            ]
        }
        return web.json_response(body)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        found = self._files.get(request.match_info["token"])
        if found is None or found[0] < time.monotonic():
            return web.Response(status=403, text="<Error><Code>AccessDenied</Code></Error>")
        self.stats.downloads += 1
        response = web.StreamResponse(headers={"Content-Type": found[2]})
        response.content_length = len(found[1])
        await response.prepare(request)
        for start in range(0, len(found[1]), 1 << 16):
            await response.write(found[1][start : start + (1 << 16)])
            await asyncio.sleep(0)
        await response.write_eof()
        return response

    # -- embedding -------------------------------------------------------------------------------

    @_api("GenerateEmbedUrlForAnonymousUser")
    async def _embed_anonymous(self, request: web.Request) -> web.Response:
        body = await request.json()
        dashboard = body.get("ExperienceConfiguration", {}).get("Dashboard", {}).get("InitialDashboardId")
        arns = body.get("AuthorizedResourceArns") or []
        if not dashboard or not arns or body.get("Namespace") is None:
            return _error(
                400, "InvalidParameterValueException", "dashboard, namespace and resource arns needed"
            )
        if dashboard not in self.dashboards:
            return _error(404, "ResourceNotFoundException", f"dashboard {dashboard} not found")
        tags = {t["Key"]: t["Value"] for t in body.get("SessionTags") or []}
        return web.json_response(
            {
                "EmbedUrl": self._embed_url(dashboard, tags),
                "RequestId": _request_id(),
                "AnonymousUserArn": f"arn:aws:quicksight:us-east-1:{self.account_id}:user/anonymous",
            }
        )

    @_api("GenerateEmbedUrlForRegisteredUser")
    async def _embed_registered(self, request: web.Request) -> web.Response:
        body = await request.json()
        dashboard = body.get("ExperienceConfiguration", {}).get("Dashboard", {}).get("InitialDashboardId")
        if not dashboard or not body.get("UserArn"):
            return _error(400, "InvalidParameterValueException", "dashboard and user arn needed")
        if dashboard not in self.dashboards:
            return _error(404, "ResourceNotFoundException", f"dashboard {dashboard} not found")
        user = str(body["UserArn"]).rsplit("/", 1)[-1]
        return web.json_response(
            {"EmbedUrl": self._embed_url(dashboard, {"user": user}), "RequestId": _request_id()}
        )

    def _embed_url(self, dashboard: str, session: dict[str, str]) -> str:
        code = secrets.token_urlsafe(16)
        self._sessions[code] = (time.monotonic() + 300, session)
        self.embed_sessions.append(session)
        return f"{self.url}/embed/{dashboard}?code={code}"

    async def _embed_page(self, request: web.Request) -> web.Response:
        found = self._sessions.get(request.query.get("code", ""))
        if found is None or found[0] < time.monotonic():
            return web.Response(status=403, text="this embed URL expired or was never issued")
        dashboard = request.match_info["dashboard"]
        session = ", ".join(f"{k}={v}" for k, v in sorted(found[1].items()))
        return web.Response(text=_dashboard_page(dashboard, session), content_type="text/html")

    # -- helpers ---------------------------------------------------------------------------------

    def _job(self, request: web.Request) -> SnapshotJob | None:
        return self.jobs.get((request.match_info["dashboard"], request.match_info["job"]))

    def _arn(self, dashboard: str, job_id: str) -> str:
        return f"arn:aws:quicksight:us-east-1:{self.account_id}:dashboard/{dashboard}/snapshot-job/{job_id}"


def _invalid_start(body: dict[str, Any]) -> str | None:
    try:
        files = body["SnapshotConfiguration"]["FileGroups"][0]["Files"]
        users = body["UserConfiguration"]["AnonymousUsers"]
    except (KeyError, IndexError, TypeError):
        return "SnapshotConfiguration.FileGroups[0].Files and UserConfiguration.AnonymousUsers are required"
    if not body.get("SnapshotJobId") or len(users) != 1:
        return "SnapshotJobId and exactly one anonymous user are required"
    for file_spec in files:
        if file_spec.get("FormatType") not in ("PDF", "CSV", "EXCEL"):
            return f"FormatType {file_spec.get('FormatType')!r} is not PDF, CSV or EXCEL"
        for selection in file_spec.get("SheetSelections", []):
            if file_spec["FormatType"] != "PDF" and selection.get("SelectionScope") != "SELECTED_VISUALS":
                return "CSV and EXCEL snapshots select visuals (SELECTED_VISUALS)"
            if file_spec["FormatType"] == "CSV" and len(selection.get("VisualIds", [])) != 1:
                return "a CSV file is one visual"
    return None


def _dashboard_page(dashboard: str, session: str) -> str:
    bars = "".join(
        f'<rect x="{20 + i * 60}" y="{200 - h}" width="40" height="{h}" fill="#1f77b4"/>'
        for i, h in enumerate((120, 80, 160, 60, 140))
    )
    return f"""<!doctype html><html><head><title>{dashboard}</title></head>
<body style="font-family: sans-serif"><h1>Dashboard {dashboard}</h1><p>session {session}</p>
<div id="visuals"></div>
<script>
setTimeout(() => {{
  document.getElementById("visuals").innerHTML =
    '<svg id="dashboard-ready" width="340" height="220">{bars}</svg>';
}}, 300);
</script></body></html>"""


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response(
        {"Message": message, "RequestId": _request_id()},
        status=status,
        headers={"x-amzn-ErrorType": code, "x-amzn-RequestId": _request_id()},
    )


def _request_id() -> str:
    return str(uuid.uuid4())
