"""Access protects the data, end to end on the shipped catalog: whatever params a caller sends,
no sql report over a governed table returns a row outside their scope. Each rendered snapshot is
compared with what its query gives on a copy of the data holding only the caller's rows; a job
whose scope was tampered with in the queue is refused before it renders."""

from __future__ import annotations

import io
import json
import math
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import boto3
import pyarrow.parquet as pq
import pytest

from contracts.catalog import ReportSpec, parse_catalog
from lambdas.dynamo_types import deserialize
from sandbox.api_gateway import make_app
from sandbox.client import SnapshotClient
from sandbox.lambda_runtime import invoke
from sandbox.loopback import serve_on_loopback
from sandbox.people import Person, create_people
from sandbox.platform import DEFAULT_CATALOG, Platform
from sandbox.runtime import Functions, make_functions
from tests.lambdas.helpers import recorded
from tests.support.agents import agent_settings, running_agent
from tests.support.governed_catalogs import hostile_params
from tests.support.platform_state import receive_one
from tests.support.waiting import eventually

SHIPPED = parse_catalog(DEFAULT_CATALOG.read_text())
GOVERNED_SQL = [r for r in SHIPPED.reports.values() if r.renderer == "sql" and r.governed]
ANALYST_REGIONS = {"AMER", "APAC"}  # group:analysts in sandbox/catalog/entitlements.toml


@pytest.fixture
def shipped(make_platform: Any) -> Platform:
    platform: Platform = make_platform(catalog=DEFAULT_CATALOG)
    return platform


@pytest.fixture
def visible_only(dataset: Path, tmp_path: Path) -> Any:
    """``copy(regions)``: the dataset with only those regions' sales, as a file."""

    def copy(regions: set[str]) -> Path:
        path = tmp_path / f"only-{'-'.join(sorted(regions)) or 'none'}.db"
        if not path.exists():
            shutil.copy(dataset, path)
            with sqlite3.connect(path) as db:
                db.execute(
                    f"DELETE FROM sales WHERE region NOT IN ({', '.join('?' * len(regions))})",
                    sorted(regions),
                )
        return path

    return copy


@pytest.fixture
async def people_api(shipped: Platform) -> AsyncIterator[tuple[dict[str, Person], str, Functions]]:
    functions = make_functions(shipped)
    people = create_people(shipped)
    runner, port = await serve_on_loopback(make_app(functions.trigger.handle, functions.status.handle))
    try:
        yield people, f"http://127.0.0.1:{port}", functions
    finally:
        await runner.cleanup()


def expected_rows(db: Path, report: ReportSpec, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The report's own query on a copy holding only the caller's rows."""
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(str(report.source["query"]), params).fetchall()]


def same_rows(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]]) -> bool:
    def close(a: Any, b: Any) -> bool:
        return math.isclose(a, b, rel_tol=1e-9) if isinstance(a, float) or isinstance(b, float) else a == b

    return len(got) == len(want) and all(
        len(g) == len(w) and all(close(a, b) for a, b in zip(g, w, strict=True))
        for g, w in zip(got, want, strict=True)
    )


def parquet_rows(data: bytes) -> list[tuple[Any, ...]]:
    return [tuple(r.values()) for r in pq.read_table(io.BytesIO(data)).to_pylist()]


def stored(platform: Platform, snapshot_id: str) -> dict[str, Any]:
    key = snapshot_id.split("-g")[0]
    found = boto3.client("dynamodb").get_item(
        TableName=platform.table, Key={"key": {"S": key}}, ConsistentRead=True
    )
    return deserialize(found["Item"])


async def test_alice_sees_no_other_regions_row_whatever_she_sends(
    shipped: Platform, people_api: tuple[dict[str, Person], str, Functions], dataset: Path, visible_only: Any
) -> None:
    people, url, _ = people_api
    emea_only = visible_only({"EMEA"})
    outcomes: dict[str, int] = {}
    async with aiohttp.ClientSession() as http, running_agent(agent_settings(shipped, dataset)):
        alice = SnapshotClient(url, http, people["alice"].credentials)
        for report in GOVERNED_SQL:
            for params in hostile_params(report):
                answer = await alice.request({"report": report.name, "format": "parquet", "params": params})
                label = f"{report.name} {params}"
                if answer.status >= 400:
                    assert answer.status in (403, 422), (label, answer.body)
                    outcomes["refused"] = outcomes.get("refused", 0) + 1
                    continue
                final = await alice.wait(answer.body["snapshot_id"], 60)
                assert final["status"] == "READY", (label, final)
                got = parquet_rows(await alice.download(final["download_url"]))
                item = stored(shipped, final["snapshot_id"])
                assert item["scope"] == {"demo.sales": ["EMEA"]}, label
                want = expected_rows(emea_only, report, item["params"])
                assert same_rows(got, want), label
                outcomes["rendered"] = outcomes.get("rendered", 0) + 1
    assert outcomes["rendered"] >= len(GOVERNED_SQL) and outcomes["refused"] >= 5, outcomes


def jwt_event(kind: str, groups: str, **fields: Any) -> dict[str, Any]:
    event = recorded("http_post_snapshots.json" if kind == "post" else "http_get_snapshot.json")
    event["requestContext"]["authorizer"] = {
        "jwt": {"claims": {"sub": "analyst-7", "groups": groups}, "scopes": None}
    }
    event.update(fields)
    return event


async def test_a_jwt_analyst_sees_only_the_groups_regions(
    shipped: Platform, dataset: Path, visible_only: Any
) -> None:
    functions = make_functions(shipped)
    reference = visible_only(ANALYST_REGIONS)
    ledger = SHIPPED.reports["sales_ledger"]
    s3 = boto3.client("s3")
    async with running_agent(agent_settings(shipped, dataset)):
        for params in hostile_params(ledger):
            body = json.dumps({"report": "sales_ledger", "format": "parquet", "params": params})
            answer = invoke(functions.trigger.handle, "trigger", jwt_event("post", "[analysts]", body=body))
            assert answer["statusCode"] in (200, 202), answer
            snapshot_id = json.loads(answer["body"])["snapshot_id"]

            async def ready(sid: str = snapshot_id) -> dict[str, Any] | None:
                item = stored(shipped, sid)
                return item if item["status"] in ("READY", "FAILED") else None

            item = await eventually(ready, 60)
            assert item["status"] == "READY" and item["scope"] == {"demo.sales": ["AMER", "APAC"]}, item
            data = s3.get_object(Bucket=item["s3_bucket"], Key=item["s3_key"])["Body"].read()
            assert same_rows(parquet_rows(data), expected_rows(reference, ledger, item["params"])), params
            assert {row[2] for row in parquet_rows(data)} <= ANALYST_REGIONS


async def test_a_job_whose_scope_was_widened_in_the_queue_is_refused(
    shipped: Platform, people_api: tuple[dict[str, Person], str, Functions], dataset: Path
) -> None:
    people, url, _ = people_api
    async with aiohttp.ClientSession() as http:
        alice = SnapshotClient(url, http, people["alice"].credentials)
        asked = await alice.request({"report": "sales_ledger", "format": "csv"})
        received = await eventually(lambda: receive_one(shipped.queue_url), 30)
        job = json.loads(received["Body"])
        assert job["scope"] == {"demo.sales": ["EMEA"]}
        sqs = boto3.client("sqs")
        sqs.delete_message(QueueUrl=shipped.queue_url, ReceiptHandle=received["ReceiptHandle"])
        sqs.send_message(
            QueueUrl=shipped.queue_url, MessageBody=json.dumps({**job, "scope": {"demo.sales": "*"}})
        )
        async with running_agent(agent_settings(shipped, dataset)):
            final = await alice.wait(asked.body["snapshot_id"], 60)
    assert (final["status"], final["error"]) == ("FAILED", "Render.Invalid")
    assert "key is not the hash" in final["cause"]
