"""What the browser tests share: the system's Chromium, a sink that keeps the bytes, a job."""

from __future__ import annotations

from typing import Any

import pytest

from agent.renderers.chromium import find_chromium
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage
from tests.support.services import IN_CI


class Collected:
    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        self.data += data


@pytest.fixture(scope="session")
def chromium() -> str:
    found = find_chromium(None)
    if found is None:
        if IN_CI:
            pytest.fail("Chromium is required in CI: .ci/run installs Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


def job(fmt: str, params: dict[str, Any] | None = None) -> JobMessage:
    key = "0" * 32
    return JobMessage.model_validate(
        {
            "v": 1,
            "snapshot_id": f"{key}-g1",
            "key": key,
            "generation": 1,
            "report": "dashboard",
            "format": fmt,
            "params": params or {},
            "data_version": None,
            "bucket": "b",
            "s3_key": f"snapshots/dashboard/{key}/g1.{fmt}",
            "task_token": "t",
        }
    )


REGION_PARAM = {"region": {"type": "string", "default": "EMEA"}}


def browser_report(source: dict[str, Any], formats: list[str], region: bool = False) -> ReportSpec:
    """A browser report named ``dashboard`` open to every caller; ``region`` adds an entitled
    ``region`` param (default EMEA)."""
    return ReportSpec.model_validate(
        {
            "name": "dashboard",
            "renderer": "browser",
            "formats": formats,
            "params": REGION_PARAM if region else {},
            "source": source,
            "access": {"callers": ["*"], **({"entitled": ["region"]} if region else {})},
        }
    )
