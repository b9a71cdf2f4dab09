"""The happy paths and the decision table end to end, with an agent rendering for real."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import sqlite3
from pathlib import Path
from typing import Any

import boto3
import openpyxl
import pyarrow.parquet as pq
import pytest

from sandbox.client import SnapshotClient
from sandbox.metrics_scrape import jobs, scrape
from sandbox.moto_server import free_port
from sandbox.platform import Platform
from tests.lambdas.helpers import executions
from tests.support.agents import agent_settings, running_agent
from tests.support.platform_state import notifications, s3_keys

DAILY = {"report": "daily_sales", "params": {"region": "EMEA", "year": 2024}}


async def render_one(
    platform: Platform, api: SnapshotClient, dataset: Path, body: dict[str, Any]
) -> dict[str, Any]:
    """One request, rendered by an agent that runs just for it; the final metadata."""
    async with running_agent(agent_settings(platform, dataset)):
        created = await api.request(body)
        return await api.wait(created.body["snapshot_id"], 60)


def expected_daily_rows(dataset: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(dataset) as db:
        return db.execute(
            "SELECT day, COUNT(*), SUM(units), ROUND(SUM(amount), 2) FROM sales"
            " WHERE region = 'EMEA' AND substr(day, 1, 4) = '2024' GROUP BY day ORDER BY day"
        ).fetchall()


def read_rows(fmt: str, data: bytes) -> list[tuple[Any, ...]]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode())))[1:]
        return [(r[0], int(r[1]), int(r[2]), float(r[3])) for r in rows]
    if fmt == "parquet":
        return [tuple(r.values()) for r in pq.read_table(io.BytesIO(data)).to_pylist()]
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [(r[0], int(r[1]), int(r[2]), float(r[3])) for r in list(sheet.iter_rows(values_only=True))[1:]]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
async def test_happy_path_per_format(
    platform: Platform, api: SnapshotClient, dataset: Path, fmt: str
) -> None:
    port = free_port()
    async with running_agent(agent_settings(platform, dataset, metrics_port=port)):
        created = await api.request({**DAILY, "format": fmt})
        assert created.status == 202
        final = await api.wait(created.body["snapshot_id"], 60)
        samples = await scrape(port)
    assert final["status"] == "READY", final
    data = await api.download(final["download_url"])
    assert hashlib.sha256(data).hexdigest() == final["sha256"]
    assert len(data) == final["size_bytes"]
    assert read_rows(fmt, data) == expected_daily_rows(dataset)
    assert jobs(samples, "ready") == 1
    assert samples[("snapshot_agent_queue_lag_seconds_count", ())] == 1
    events = notifications(platform)
    assert [(e["detail-type"], e["detail"]["snapshot_id"]) for e in events] == [
        ("Snapshot Ready", final["snapshot_id"])
    ]
    head = boto3.client("s3").head_object(
        Bucket=platform.bucket, Key=f"snapshots/daily_sales/{final['key']}/g1.{fmt}"
    )
    assert head["ContentType"] == final["content_type"]


async def test_reuse_within_max_age_renders_once(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    async with running_agent(agent_settings(platform, dataset)):
        first = await api.request({**DAILY, "format": "csv"})
        await api.wait(first.body["snapshot_id"], 60)
        again = await api.request({**DAILY, "format": "csv"})
    assert (again.status, again.body["decision"]) == (200, "reused")
    assert again.body["snapshot_id"] == first.body["snapshot_id"]
    assert len(executions(platform)) == 1


async def test_concurrent_identical_requests_render_once(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    port = free_port()
    async with running_agent(agent_settings(platform, dataset, metrics_port=port)):
        answers = await asyncio.gather(*(api.request({**DAILY, "format": "parquet"}) for _ in range(12)))
        ids = {a.body["snapshot_id"] for a in answers}
        assert len(ids) == 1
        final = await api.wait(ids.pop(), 60)
        samples = await scrape(port)
    assert final["status"] == "READY"
    decisions = sorted(a.body["decision"] for a in answers)
    assert decisions == ["created"] + ["joined"] * 11
    assert len(executions(platform)) == 1
    assert jobs(samples, "ready") == 1
    assert len(s3_keys(platform)) == 1


async def test_force_renders_the_next_generation(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    async with running_agent(agent_settings(platform, dataset)):
        first = await api.request({**DAILY, "format": "csv"})
        g1 = await api.wait(first.body["snapshot_id"], 60)
        forced = await api.request({**DAILY, "format": "csv", "force": True})
        g2 = await api.wait(forced.body["snapshot_id"], 60)
    assert forced.body["decision"] == "regenerated"
    assert g2["snapshot_id"] == g1["snapshot_id"].replace("-g1", "-g2")
    assert g2["status"] == "READY"
    assert sorted(s3_keys(platform)) == sorted(
        [f"snapshots/daily_sales/{g1['key']}/g1.csv", f"snapshots/daily_sales/{g1['key']}/g2.csv"]
    )
    assert (await api.get(g1["snapshot_id"])).status == 410


async def test_a_failing_query_ends_failed_with_its_cause(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    final = await render_one(platform, api, dataset, {"report": "inventory_levels", "format": "csv"})
    assert final["status"] == "FAILED"
    assert final["error"] == "Render.Invalid"
    assert "no such table: inventory" in final["cause"]
    assert "download_url" not in final
    assert s3_keys(platform) == []
    events = notifications(platform)
    assert [(e["detail-type"], e["detail"]["error"]) for e in events] == [
        ("Snapshot Failed", "Render.Invalid")
    ]


async def test_a_renderer_the_agent_lacks_fails_the_task_with_a_reason(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    final = await render_one(platform, api, dataset, {"report": "remote_dashboard", "format": "pdf"})
    assert (final["status"], final["error"]) == ("FAILED", "Render.Invalid")
    assert "renderer 'quicksight' is not available" in final["cause"]


async def test_number_and_boolean_params_reach_the_query(
    platform: Platform, api: SnapshotClient, dataset: Path
) -> None:
    params = {"min_amount": 2000.0, "big_only": True}
    final = await render_one(platform, api, dataset, {"report": "priced", "format": "csv", "params": params})
    data = (await api.download(final["download_url"])).decode().splitlines()
    with sqlite3.connect(dataset) as db:
        want = db.execute("SELECT count(*) FROM sales WHERE amount >= 2000.0 AND units > 10").fetchone()[0]
    assert data == ["n", str(want)]
