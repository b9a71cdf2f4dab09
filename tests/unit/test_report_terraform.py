"""migrate reports --terraform: the converted inputs as the AWS provider's blocks (the real
provider checks them in tests/terraform/test_reporting_module.py); here the rewriting itself:
maps to keyed blocks, references instead of ARNs, text kept literal, what the provider cannot
take dropped with a note and no dangling layout element, and a refused file named in one line."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from migrate.cli import main
from migrate.reports.convert.dashboard import convert
from migrate.reports.convert.datasets import Target
from migrate.reports.convert.images import ImagesAt
from migrate.reports.deploy import NotDeployable
from migrate.reports.read.sources import read_source
from migrate.reports.run import write_report
from migrate.reports.terraform import snake_case, terraform_reports, write_terraform
from tests.support.powerbi import ROOT

SALES = ROOT / "sandbox" / "powerbi" / "Sales.pbip"
TARGET = Target(
    "111122223333",
    "eu-west-1",
    "arn:aws:quicksight:eu-west-1:111122223333:datasource/r",
    "shop",
    images_at=ImagesAt.parse("s3://report-images/x"),
)


def written(out: Path, name: str = "Sales") -> Path:
    report = replace(read_source(SALES), name=name)
    return write_report(report, convert(report, TARGET), out, "fixture", "reporting").folder


def test_the_data_set_becomes_keyed_blocks_over_the_modules_data_source(tmp_path: Path) -> None:
    made = terraform_reports([written(tmp_path)])
    (data_set,) = made.resources["aws_quicksight_data_set"].values()
    assert data_set["count"] == "${local.migrated_reports_count}"
    assert "aws_account_id" not in data_set and "permissions" not in data_set
    (physical,) = data_set["physical_table_map"]
    assert physical["physical_table_map_id"].startswith("table-sales-")
    assert physical["relational_table"]["data_source_arn"] == "${local.migrated_reports_data_source_arn}"
    (logical,) = data_set["logical_table_map"]
    assert logical["source"] == {"physical_table_id": physical["physical_table_map_id"]}
    readers = data_set["dynamic"]["permissions"]
    assert readers["for_each"] == "${toset(var.report_readers)}"


def test_the_dashboard_names_its_data_sets_by_reference_and_drops_images_whole(tmp_path: Path) -> None:
    made = terraform_reports([written(tmp_path)])
    (name,) = made.resources["aws_quicksight_data_set"]
    (dashboard,) = made.resources["aws_quicksight_dashboard"].values()
    definition = dashboard["definition"]
    assert [d["data_set_arn"] for d in definition["data_set_identifiers_declarations"]] == [
        f"${{aws_quicksight_data_set.{name}[0].arn}}"
    ]
    assert "static_files" not in definition
    elements = [
        e
        for sheet in definition["sheets"]
        for layout in sheet.get("layouts", [])
        for e in layout["configuration"]["free_form_layout"]["elements"]
    ]
    assert elements and all(e["element_type"] != "IMAGE" for e in elements)
    assert made.dropped == ["Sales: Definition.Sheets.Images", "Sales: Definition.StaticFiles"]


def test_a_reports_text_is_never_read_as_a_template(tmp_path: Path) -> None:
    folder = written(tmp_path)
    dashboard = json.loads((folder / "dashboard.json").read_text())
    dashboard["Name"] = '${file("/etc/passwd")} %{ for x in y }'
    (folder / "dashboard.json").write_text(json.dumps(dashboard))
    (made,) = terraform_reports([folder]).resources["aws_quicksight_dashboard"].values()
    assert made["name"] == '$${file("/etc/passwd")} %%{ for x in y }'


def test_two_reports_that_would_make_the_same_resource_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NotDeployable, match="same"):
        terraform_reports([written(tmp_path / "a"), written(tmp_path / "b")])


@pytest.mark.parametrize("name", ["reports.json", "reports.tf", "reports.tf.json.bak"])
def test_a_file_terraform_would_not_read_is_one_line_and_exit_1(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["reports", str(SALES), "--out", str(tmp_path / "out"), "--terraform", str(tmp_path / name)]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "*.tf.json" in err
    assert not (tmp_path / name).exists()


def test_a_folder_migrate_reports_did_not_write_is_refused(tmp_path: Path) -> None:
    (tmp_path / "findings.json").write_text("{not json")
    with pytest.raises(NotDeployable, match="not a folder migrate reports wrote"):
        write_terraform([tmp_path], tmp_path / "r.tf.json")


@pytest.mark.parametrize(
    ("api", "provider"),
    [
        ("DataSetArn", "data_set_arn"),
        ("KPIVisual", "kpi_visual"),
        ("XAxisLabelOptions", "x_axis_label_options"),
    ],
)
def test_api_names_become_the_providers(api: str, provider: str) -> None:
    assert snake_case(api) == provider


def walk_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in walk_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in walk_keys(v)}
    return set()


def test_no_api_spelling_is_left(tmp_path: Path) -> None:
    made = terraform_reports([written(tmp_path)])
    keys = walk_keys(made.resources) - {"dynamic", "permissions", "content", "for_each"}
    assert not [k for k in keys if k != k.lower() and not k.startswith(("data_set_", "dashboard_"))]
