"""The QuickSight stand-in, agents pointed at it, and the API in front of the platform."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent.settings import AgentSettings
from sandbox.platform import Platform
from sandbox.quicksight_double import Dashboard, QuickSightDouble
from tests.support.agents import agent_settings

DASHBOARDS = {
    "sales": Dashboard(seconds=0.3),
    "steady": Dashboard(seconds=1.0),
    "slow": Dashboard(seconds=6.0),
    "denied": Dashboard(seconds=0.2, fail="DASHBOARD_ACCESS_DENIED"),
    "flaky": Dashboard(seconds=0.2, fail="INTERNAL_FAILURE"),
    "blank": Dashboard(seconds=0.2, blank=True),
}


@pytest.fixture
async def quicksight() -> AsyncIterator[QuickSightDouble]:
    double = QuickSightDouble(dashboards=dict(DASHBOARDS))
    await double.start()
    yield double
    await double.stop()


def qs_settings(
    platform: Platform, dataset: Path, double: QuickSightDouble, **overrides: Any
) -> AgentSettings:
    values: dict[str, Any] = {
        "quicksight_account_id": double.account_id,
        "quicksight_endpoint_url": double.url,
        "quicksight_poll_seconds": 0.2,
        "quicksight_poll_max_seconds": 1.0,
        "lease_seconds": 6,
        # Faster than the account's 10 calls/s, so that tests of other things run quickly; the
        # stand-in still throttles at 10/s, and the fleet test sets the real rate.
        "quicksight_calls_per_second": 40,
    }
    values.update(overrides)
    return agent_settings(platform, dataset, **values)
