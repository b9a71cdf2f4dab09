"""What the browser tests share: the system's Chromium, a sink that keeps the bytes, a job."""

from __future__ import annotations

from typing import Any

import pytest

from agent.renderers.chromium import find_chromium
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
