"""migrate reports --deploy against the QuickSight stand-in: created once, updated (a new version
published) the next time, never duplicated, granted to the group; refused inputs and a refused
account deploy nothing and say so in one line."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import boto3
import pytest

from migrate.cli import main
from migrate.reports.deploy import NotDeployable, deploy
from sandbox.moto_server import MotoSandbox
from sandbox.quicksight_double import QuickSightDouble

ROOT = Path(__file__).resolve().parents[2]
SALES = ROOT / "sandbox" / "powerbi" / "Sales.pbip"
GROUP = "arn:aws:quicksight:us-east-1:123456789012:group/default/report-readers"


@pytest.fixture
def pointed_at(quicksight: QuickSightDouble, monkeypatch: pytest.MonkeyPatch) -> QuickSightDouble:
    monkeypatch.setenv("AWS_ENDPOINT_URL_QUICKSIGHT", quicksight.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return quicksight


async def migrate(out: Path, account: str, *extra: str) -> int:
    args = ["reports", str(SALES), "--out", str(out), "--account", account, "--region", "us-east-1", *extra]
    return await asyncio.to_thread(main, args)


async def test_a_report_is_created_then_updated_never_duplicated(
    pointed_at: QuickSightDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assets = pointed_at.assets
    assert await migrate(tmp_path, pointed_at.account_id, "--deploy", GROUP) == 0
    assert "dashboard created" in capsys.readouterr().out
    written = json.loads((tmp_path / "Sales" / "dashboard.json").read_text())
    (dashboard_id,) = assets.dashboards
    assert assets.dashboards[dashboard_id]["versions"][0]["Definition"] == written["Definition"]
    (data_set_id,) = assets.data_sets
    for arn in (assets.arn("dashboard", dashboard_id), assets.arn("dataset", data_set_id)):
        assert [g["Principal"] for g in assets.permissions[arn]] == [GROUP]

    assert await migrate(tmp_path, pointed_at.account_id, "--deploy", GROUP) == 0
    out = capsys.readouterr().out
    assert "dashboard updated (version 2 published)" in out and f"{data_set_id} updated" in out
    assert list(assets.dashboards) == [dashboard_id] and list(assets.data_sets) == [data_set_id]
    assert assets.dashboards[dashboard_id]["published"] == 2


async def test_another_account_is_refused_and_nothing_is_made(
    pointed_at: QuickSightDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await migrate(tmp_path, "999999999999", "--deploy", GROUP) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not deployed" in err and "AccessDenied" in err
    assert not pointed_at.assets.data_sets and not pointed_at.assets.dashboards


async def test_inputs_quicksight_would_refuse_are_not_deployed(
    pointed_at: QuickSightDouble, tmp_path: Path
) -> None:
    assert await migrate(tmp_path, pointed_at.account_id) == 0
    folder = tmp_path / "Sales"
    summary = json.loads((folder / "findings.json").read_text())
    summary["findings"].append({"code": "INVALID", "source": "dashboard", "why": "Name: 3000 characters"})
    (folder / "findings.json").write_text(json.dumps(summary))
    with pytest.raises(NotDeployable, match="3000 characters"):
        deploy(folder, object(), GROUP)
    assert not pointed_at.assets.data_sets


@pytest.fixture
def small_sales(tmp_path: Path) -> Path:
    from sandbox.dataset import ensure_dataset

    return ensure_dataset(tmp_path / "sales.db", rows=2000)


@pytest.mark.parametrize(
    ("tags", "regions"),
    [
        ([{"Key": "region", "Value": "EMEA"}], ["EMEA"]),
        ([{"Key": "region", "Value": "EMEA,APAC"}], ["APAC", "EMEA"]),
        ([{"Key": "region", "Value": "*"}], ["AMER", "APAC", "EMEA"]),
        ([], []),  # a user without the data set's tag sees no row, as on QuickSight
    ],
)
async def test_a_deployed_dashboards_visual_is_computed_over_the_data_with_its_tags(
    pointed_at: QuickSightDouble,
    tmp_path: Path,
    small_sales: Path,
    tags: list[dict[str, str]],
    regions: list[str],
) -> None:
    import csv
    import io
    import sqlite3

    from sandbox.quicksight_migrated import render_migrated

    assert await migrate(tmp_path, pointed_at.account_id, "--deploy", GROUP) == 0
    (dashboard_id,) = pointed_at.assets.dashboards
    definition = pointed_at.assets.dashboards[dashboard_id]["versions"][0]["Definition"]
    overview = definition["Sheets"][0]
    by_region = next(
        body["VisualId"]
        for v in overview["Visuals"]
        for body in v.values()
        if body["VisualId"].startswith("visual-sales-overview-by_region")
    )
    file_spec = {
        "FormatType": "CSV",
        "SheetSelections": [{"SheetId": overview["SheetId"], "VisualIds": [by_region]}],
    }
    request = {"UserConfiguration": {"AnonymousUsers": [{"RowLevelPermissionTags": tags}]}}
    data, content_type = render_migrated(pointed_at.assets, dashboard_id, file_spec, request, small_sales)
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert content_type == "text/csv" and [r["region"] for r in rows] == regions
    with sqlite3.connect(small_sales) as db:
        expected = dict(db.execute("SELECT region, SUM(amount) FROM sales GROUP BY region").fetchall())
    for row in rows:
        assert float(row["Revenue"]) == pytest.approx(expected[row["region"]])
    pdf, pdf_type = render_migrated(
        pointed_at.assets, dashboard_id, {**file_spec, "FormatType": "PDF"}, request, small_sales
    )
    assert pdf_type == "application/pdf" and pdf.startswith(b"%PDF")


async def test_a_visual_not_on_the_sheet_fails_the_job_with_a_reason(
    pointed_at: QuickSightDouble, tmp_path: Path, small_sales: Path
) -> None:
    from sandbox.quicksight_migrated import Unrenderable, render_migrated

    assert await migrate(tmp_path, pointed_at.account_id, "--deploy", GROUP) == 0
    (dashboard_id,) = pointed_at.assets.dashboards
    sheet = pointed_at.assets.dashboards[dashboard_id]["versions"][0]["Definition"]["Sheets"][0]["SheetId"]
    file_spec = {
        "FormatType": "CSV",
        "SheetSelections": [{"SheetId": sheet, "VisualIds": ["no-such-visual"]}],
    }
    with pytest.raises(Unrenderable, match="not on sheet"):
        render_migrated(pointed_at.assets, dashboard_id, file_spec, {}, small_sales)


@pytest.fixture
def on_moto(pointed_at: QuickSightDouble, moto_server: MotoSandbox, monkeypatch: pytest.MonkeyPatch) -> str:
    """S3 on the session's moto (QuickSight stays the stand-in): a bucket for the images."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_server.endpoint)
    bucket = f"report-images-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
    return bucket


async def test_the_reports_own_image_is_uploaded_before_the_dashboard_names_it(
    pointed_at: QuickSightDouble, on_moto: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    place = f"s3://{on_moto}/migrated"
    assert await migrate(tmp_path, pointed_at.account_id, "--deploy", GROUP, "--images-at", place) == 0
    assert "1 images uploaded" in capsys.readouterr().out
    (dashboard_id,) = pointed_at.assets.dashboards
    definition = pointed_at.assets.dashboards[dashboard_id]["versions"][0]["Definition"]
    (static,) = definition["StaticFiles"]
    where = static["ImageStaticFile"]["Source"]["S3Options"]
    stored = boto3.client("s3", region_name="us-east-1").get_object(Bucket=on_moto, Key=where["ObjectKey"])
    logo = SALES.parent / "Sales.Report" / "StaticResources" / "RegisteredResources" / "sales-logo.svg"
    assert stored["Body"].read() == logo.read_bytes() and stored["ContentType"] == "image/svg+xml"
    images = [i for sheet in definition["Sheets"] for i in sheet.get("Images", [])]
    assert [i["ImageContentAltText"] for i in images] == ["Sales logo"]


async def test_an_image_that_cannot_be_uploaded_deploys_nothing(
    pointed_at: QuickSightDouble, on_moto: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    place = f"s3://{on_moto}-missing/migrated"
    assert await migrate(tmp_path, pointed_at.account_id, "--deploy", GROUP, "--images-at", place) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not deployed" in err and "NoSuchBucket" in err
    assert not pointed_at.assets.data_sets and not pointed_at.assets.dashboards
