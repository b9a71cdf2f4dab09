"""The quicksight renderer end to end: API -> Step Functions (real ASL) -> SQS -> agent ->
QuickSight stand-in over its wire protocol -> the snapshot's S3 key -> READY."""

from __future__ import annotations

import csv
import io
from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp
import boto3
import openpyxl
from botocore.credentials import ReadOnlyCredentials
from pypdf import PdfReader

from contracts.topology import ENTITLEMENTS_KEY, ENTITLEMENTS_PARAMS
from lambdas.dynamo_types import serialize
from sandbox.api_gateway import make_app
from sandbox.client import SnapshotClient
from sandbox.loopback import serve_on_loopback
from sandbox.platform import Platform
from sandbox.quicksight_double import QuickSightDouble
from sandbox.runtime import Functions
from tests.quicksight.conftest import qs_settings
from tests.support.agents import running_agent
from tests.support.platform_state import s3_keys


async def test_pdf_csv_and_xlsx_land_at_the_snapshot_key(
    platform: Platform, api: SnapshotClient, dataset: Path, quicksight: QuickSightDouble
) -> None:
    async with running_agent(qs_settings(platform, dataset, quicksight)):
        ids = {}
        for fmt in ("pdf", "csv", "xlsx"):
            created = await api.request(
                {"report": "qs_sales", "format": fmt, "params": {"region": "AMER", "top": 5}}
            )
            assert created.status == 202, created.body
            ids[fmt] = created.body["snapshot_id"]
        finals = {fmt: await api.wait(sid, 60) for fmt, sid in ids.items()}
        files = {fmt: await api.download(final["download_url"]) for fmt, final in finals.items()}
    for final in finals.values():
        assert final["status"] == "READY", final
    assert set(s3_keys(platform)) == {
        f"snapshots/qs_sales/{final['key']}/g1.{fmt}" for fmt, final in finals.items()
    }
    assert PdfReader(io.BytesIO(files["pdf"])).pages
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode())))
    # The row-level-security tag keeps AMER only; the dashboard parameters arrive typed.
    assert {r["region"] for r in rows} == {"AMER"} and len(rows) == 4
    assert rows[0]["TopN"] == "5" and rows[0]["StartDate"] == str(1704067200)
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"])).worksheets[0]
    assert sheet.title == "revenue-table" and sheet.max_row == 5
    started = quicksight.jobs
    assert {job_id for _, job_id in started} == set(ids.values())
    request = next(j.request for (_, job_id), j in started.items() if job_id == ids["csv"])
    selection = request["SnapshotConfiguration"]["FileGroups"][0]["Files"][0]["SheetSelections"][0]
    assert selection == {
        "SheetId": "overview",
        "SelectionScope": "SELECTED_VISUALS",
        "VisualIds": ["revenue-table"],
    }
    assert request["UserConfiguration"] == {
        "AnonymousUsers": [{"RowLevelPermissionTags": [{"Key": "region", "Value": "AMER"}]}]
    }


async def test_the_rls_tag_is_the_callers_entitlement_never_the_requests(
    platform: Platform, functions: Functions, dataset: Path, quicksight: QuickSightDouble
) -> None:
    """alice, an IAM user created in moto and entitled to EMEA only, signs her own requests: AMER
    is refused before anything runs, and her request without a region renders with her tag."""
    iam = boto3.client("iam")
    user = iam.create_user(UserName=f"{platform.name}-alice")["User"]
    key = iam.create_access_key(UserName=user["UserName"])["AccessKey"]
    grant = {ENTITLEMENTS_KEY: user["Arn"], ENTITLEMENTS_PARAMS: {"region": ["EMEA"]}}
    boto3.client("dynamodb").put_item(TableName=platform.entitlements_table, Item=serialize(grant))
    alice_credentials = ReadOnlyCredentials(key["AccessKeyId"], key["SecretAccessKey"], None)
    async with AsyncExitStack() as stack:
        runner, port = await serve_on_loopback(make_app(functions.trigger.handle, functions.status.handle))
        stack.push_async_callback(runner.cleanup)
        http = await stack.enter_async_context(aiohttp.ClientSession())
        alice = SnapshotClient(f"http://127.0.0.1:{port}", http, alice_credentials)
        await stack.enter_async_context(running_agent(qs_settings(platform, dataset, quicksight)))
        refused = await alice.request({"report": "qs_sales", "format": "csv", "params": {"region": "AMER"}})
        assert refused.status == 403, refused.body
        created = await alice.request({"report": "qs_sales", "format": "csv", "params": {"top": 5}})
        assert created.status == 202 and created.body["params"]["region"] == "EMEA"
        final = await alice.wait(created.body["snapshot_id"], 60)
        rows = list(csv.DictReader(io.StringIO((await alice.download(final["download_url"])).decode())))
    assert {r["region"] for r in rows} == {"EMEA"}
    ((_, job),) = [(k, j) for k, j in quicksight.jobs.items() if k[1] == created.body["snapshot_id"]]
    assert job.request["UserConfiguration"] == {
        "AnonymousUsers": [{"RowLevelPermissionTags": [{"Key": "region", "Value": "EMEA"}]}]
    }
