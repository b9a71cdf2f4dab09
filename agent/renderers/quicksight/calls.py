"""QuickSight calls made the way the account's limits ask: each caller paced to its share of the
rate; ThrottlingException and LimitExceededException wait (with a growing, jittered delay) and
try again, never failing the job; any other error is the job's ``Render.Invalid`` (the request
cannot succeed) or ``Render.Transient``."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from agent.aws import error_code
from agent.jobs.errors import InvalidRenderError, RenderError, TransientRenderError
from agent.pacer import Pacer

log = logging.getLogger(__name__)
BACKOFF_MAX_SECONDS = 30.0
DELAYING = {"ThrottlingException", "LimitExceededException"}
INVALID = {
    "AccessDeniedException",
    "InvalidParameterValueException",
    "ResourceNotFoundException",
    "SessionLifetimeInMinutesInvalidException",
    "UnsupportedUserEditionException",
    "UnsupportedPricingPlanException",
}


class JobExists(Exception):
    """StartDashboardSnapshotJob: a job with this id runs or ran (within the last 24 hours)."""


class QuickSightCalls:
    """One caller's QuickSight calls (a snapshot job, or an agent's embed URLs), paced to its share."""

    def __init__(self, client: Any, pacer: Pacer) -> None:
        self._qs = client
        self._pacer = pacer

    async def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        backoff = 1.0
        while True:
            await self._pacer.wait()
            try:
                response: dict[str, Any] = await getattr(self._qs, operation)(**kwargs)
                return response
            except Exception as exc:
                code = error_code(exc)
                if code in DELAYING:
                    log.info("QuickSight %s: %s; trying again in %.1fs", operation, code, backoff)
                    await asyncio.sleep(backoff * random.uniform(0.5, 1.0))
                    backoff = min(backoff * 2, BACKOFF_MAX_SECONDS)
                    continue
                if code == "ResourceExistsException" and operation == "start_dashboard_snapshot_job":
                    raise JobExists() from exc
                error: type[RenderError] = InvalidRenderError if code in INVALID else TransientRenderError
                raise error(f"QuickSight {operation} failed: {exc}") from exc
