"""A broken artifact never becomes READY: the job fails with the check's cause and nothing is
stored."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from agent.renderers.base import RendererRegistry, Sink
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage
from sandbox.client import SnapshotClient
from sandbox.platform import Platform
from tests.support.agents import agent_settings, running_agent
from tests.support.platform_state import s3_keys


class BlankRenderer:
    """Renders a page that never drew anything: one white PNG."""

    name = "blank"
    formats = frozenset({"png"})
    max_concurrency = 4

    async def render(self, job: JobMessage, report: ReportSpec, sink: Sink) -> None:
        out = io.BytesIO()
        Image.new("RGB", (320, 200), "white").save(out, "PNG")
        await sink.write(out.getvalue())

    async def close(self) -> None:
        return None


async def test_a_blank_page_fails_its_snapshot_with_the_cause_and_stores_nothing(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    async with running_agent(agent_settings(platform, dataset), RendererRegistry([BlankRenderer()])):
        created = await api.request({"report": "blank_page", "format": "png"})
        final = await api.wait(created.body["snapshot_id"], 90)
    assert final["status"] == "FAILED"
    assert final["error"] == "Render.Transient"  # retried by the state machine first, then failed
    assert "blank" in final["cause"]
    assert s3_keys(platform) == []
