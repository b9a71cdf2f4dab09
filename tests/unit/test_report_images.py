"""Power BI image visuals become QuickSight sheet images: a picture registered in the report is
written beside the inputs and, with --images-at, named as an S3 static file that --deploy
uploads; an HTTPS picture keeps its URL; anything else is a finding, never a broken sheet."""

from __future__ import annotations

import base64
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from migrate.cli import main
from migrate.reports.convert.dashboard import convert
from migrate.reports.convert.datasets import Target
from migrate.reports.convert.images import ImagesAt
from migrate.reports.read.sources import read_source
from migrate.reports.validate import problems
from tests.support.powerbi import ROOT, container, layout, shop_layout, write_pbit

SALES = ROOT / "sandbox" / "powerbi" / "Sales.pbip"
TARGET = Target("111122223333", "eu-west-1", "arn:aws:quicksight:eu-west-1:111122223333:datasource/r", "shop")
AT = ImagesAt.parse("s3://report-images/migrated")
# a 1x1 PNG, built here rather than copied from anywhere
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def image(name: str, picture: dict[str, Any] | None, x: int = 0) -> dict[str, Any]:
    made = container(name, "image", {}, x)
    config = json.loads(made["config"])
    if picture is not None:
        config["singleVisual"]["objects"] = {"general": [{"properties": {"imageUrl": {"expr": picture}}}]}
    return {**made, "config": json.dumps(config)}


def registered(item: str) -> dict[str, Any]:
    return {"ResourcePackageItem": {"PackageName": "RegisteredResources", "PackageType": 1, "ItemName": item}}


def literal(url: str) -> dict[str, Any]:
    return {"Literal": {"Value": f"'{url}'"}}


@pytest.fixture
def pictured(tmp_path: Path) -> Path:
    """A PBIT with six image visuals: registered PNG, HTTPS URL, plain HTTP URL, a BMP, a missing
    resource, a name that tries to climb out of the package, and one with no picture at all."""
    pages = shop_layout()["sections"]
    visuals = [
        image("logo", registered("logo.png")),
        image("banner", literal("https://example.com/banner.png"), 320),
        image("plain", literal("http://example.com/plain.png"), 640),
        image("bitmap", registered("old.bmp"), 960),
        image("missing", registered("gone.png"), 1280),
        image("climb", registered("../../DataModelSchema"), 1600),
        image("empty", None, 1920),
    ]
    report = layout(("Pictures", visuals))
    report["sections"] = pages + report["sections"]
    return write_pbit(
        tmp_path / "Pictures.pbit",
        report=report,
        parts={
            "Report/StaticResources/RegisteredResources/logo.png": PNG,
            "Report/StaticResources/RegisteredResources/old.bmp": b"BM",
        },
    )


def test_registered_and_https_images_become_sheet_images_that_validate(pictured: Path) -> None:
    report = read_source(pictured)
    assert report.images == {"logo.png": PNG, "old.bmp": b"BM"}  # the climbing name is read from nowhere
    converted = convert(report, replace(TARGET, images_at=AT))
    definition = converted.dashboard["Definition"]
    sheet = next(s for s in definition["Sheets"] if s["Name"] == "Pictures")
    assert len(sheet["Images"]) == 2
    sources = [f["ImageStaticFile"]["Source"] for f in definition["StaticFiles"]]
    (s3,) = [s["S3Options"] for s in sources if "S3Options" in s]
    assert s3["BucketName"] == "report-images" and s3["Region"] == "eu-west-1"
    assert s3["ObjectKey"].startswith("migrated/") and s3["ObjectKey"].endswith(".png")
    assert converted.images.uploads == {s3["ObjectKey"]: PNG}
    assert [s["UrlOptions"]["Url"] for s in sources if "UrlOptions" in s] == [
        "https://example.com/banner.png"
    ]
    placed = [
        e
        for e in sheet["Layouts"][0]["Configuration"]["FreeFormLayout"]["Elements"]
        if e["ElementType"] == "IMAGE"
    ]
    assert {e["ElementId"] for e in placed} == {i["SheetImageId"] for i in sheet["Images"]}
    assert problems("CreateDashboard", converted.dashboard) == []
    refused = sorted(f.source.split("/")[-1] for f in converted.findings if f.code == "IMAGE")
    assert refused == ["bitmap", "climb", "empty", "missing", "plain"]


def test_without_a_place_for_them_the_images_are_written_and_a_finding_says_how(
    pictured: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reports", str(pictured), "--out", str(tmp_path / "out")]) == 0
    folder = tmp_path / "out" / "Pictures"
    assert [p.read_bytes() for p in (folder / "images").iterdir()] == [PNG]
    summary = json.loads((folder / "findings.json").read_text())
    whys = [f["why"] for f in summary["findings"] if f["code"] == "IMAGE"]
    assert any("--images-at" in why for why in whys)
    dashboard = json.loads((folder / "dashboard.json").read_text())
    assert all("S3Options" not in json.dumps(f) for f in dashboard["Definition"].get("StaticFiles", []))


@pytest.mark.parametrize(
    "url",
    ["http://bucket/x", "s3://", "s3:///prefix", "bucket/prefix", "", "s3://Bad Bucket/x", "s3://a/../x"],
)
def test_a_bad_images_place_is_one_line_and_exit_2(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reports", str(SALES), "--out", str(tmp_path), "--images-at", url]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "s3://bucket/prefix" in err
    assert not list(tmp_path.iterdir())


def test_an_image_larger_than_the_limit_is_a_finding_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import migrate.reports.read.sources as sources

    monkeypatch.setattr(sources, "MAX_IMAGE_BYTES", 10)
    copy = tmp_path / "powerbi"
    import shutil

    shutil.copytree(SALES.parent, copy)
    report = read_source(copy / "Sales.pbip")
    assert report.images == {}
    converted = convert(report, replace(TARGET, images_at=AT))
    assert [f.code for f in converted.findings if f.source == "Overview/logo"] == ["IMAGE"]


def test_images_beyond_what_a_sheet_holds_are_findings_not_an_invalid_dashboard(tmp_path: Path) -> None:
    many = [image(f"logo{n}", registered("logo.png"), n * 100) for n in range(12)]
    path = write_pbit(
        tmp_path / "Many.pbit",
        report=layout(("Logos", many)),
        parts={"Report/StaticResources/RegisteredResources/logo.png": PNG},
    )
    converted = convert(read_source(path), replace(TARGET, images_at=AT))
    (sheet,) = converted.dashboard["Definition"]["Sheets"]
    assert len(sheet["Images"]) == 10
    assert [f.source for f in converted.findings if f.code == "IMAGE"] == ["Logos/logo10", "Logos/logo11"]
    assert problems("CreateDashboard", converted.dashboard) == []


def test_a_damaged_image_member_is_one_line_and_exit_2_not_a_traceback(
    pictured: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = tmp_path / "Stored.pbit"  # the image stored uncompressed, so its bytes can be hit
    with zipfile.ZipFile(pictured) as source, zipfile.ZipFile(stored, "w") as copy:
        for info in source.infolist():
            copy.writestr(info.filename, source.read(info), zipfile.ZIP_STORED)
    raw = bytearray(stored.read_bytes())
    at = raw.find(PNG[8:24])  # inside the PNG: its CRC no longer matches
    assert at > 0
    raw[at] ^= 0xFF
    damaged = tmp_path / "Damaged.pbit"
    damaged.write_bytes(bytes(raw))
    assert main(["reports", str(damaged), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "logo.png cannot be read" in err


def test_a_tampered_image_the_dashboard_names_is_not_deployed(tmp_path: Path) -> None:
    from migrate.reports.deploy import NotDeployable, deploy

    assert main(["reports", str(SALES), "--out", str(tmp_path), "--images-at", "s3://report-images/x"]) == 0
    folder = tmp_path / "Sales"
    path = folder / "dashboard.json"
    dashboard = json.loads(path.read_text())
    (static,) = dashboard["Definition"]["StaticFiles"]
    key = static["ImageStaticFile"]["Source"]["S3Options"]["ObjectKey"]
    static["ImageStaticFile"]["Source"]["S3Options"]["ObjectKey"] = key.rsplit(".", 1)[0] + ".exe"
    path.write_text(json.dumps(dashboard))
    (folder / "images" / (key.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ".exe")).write_bytes(b"MZ")
    with pytest.raises(NotDeployable, match="cannot be uploaded"):
        deploy(folder, object(), "arn:aws:quicksight:eu-west-1:111122223333:group/default/g", object())
