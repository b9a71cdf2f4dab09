"""The quicksight renderer end to end: API -> Step Functions (real ASL) -> SQS -> agent ->
QuickSight stand-in over its wire protocol -> the snapshot's S3 key -> READY."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from pypdf import PdfReader

from sandbox.client import SnapshotClient
from sandbox.platform import Platform
from sandbox.quicksight_double import QuickSightDouble
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
