"""Reports migrated from Power BI deployed by Terraform: what ``migrate reports --terraform``
writes into modules/reporting is planned by the real Terraform (provider 5.100) against moto,
every visual kind's block accepted by the provider, the data sets named by reference, each
granted to the readers, a report's own text kept literal, and nothing when QuickSight is off.
moto has no QuickSight data sets or dashboards, so they are planned, not applied."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from migrate.reports.convert.dashboard import convert
from migrate.reports.convert.datasets import Target
from migrate.reports.convert.images import ImagesAt
from migrate.reports.convert.visuals import KINDS
from migrate.reports.run import write_report
from migrate.reports.terraform import write_terraform
from sandbox.moto_server import MotoSandbox
from tests.support.powerbi import every_visual_kind
from tests.terraform.hcl_model import TERRAFORM
from tests.terraform.module_on_moto import ModuleRoot, vpc_with_two_subnets
from tests.terraform.terraform_on_moto import require_terraform

pytestmark = pytest.mark.terraform

READERS = ["arn:aws:quicksight:us-east-1:123456789012:group/default/report-readers"]
READ_ONLY = ("quicksight:Describe", "quicksight:List", "quicksight:Query", "quicksight:Pass")
HOSTILE_TITLE = '${file("/etc/passwd")} %{ if true }x%{ endif }'
TARGET = Target(
    "123456789012",
    "us-east-1",
    "arn:aws:quicksight:us-east-1:123456789012:datasource/r",
    "reporting",
    images_at=ImagesAt.parse("s3://report-images/migrated"),  # images made, then dropped for the provider
)


@pytest.fixture(scope="module")
def module_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """modules/reporting with the every-kind report written into it as a user would."""
    work = tmp_path_factory.mktemp("reporting")
    module = work / "reporting"
    shutil.copytree(TERRAFORM / "modules" / "reporting", module)
    report = every_visual_kind(HOSTILE_TITLE)
    written = write_report(report, convert(report, TARGET), work / "converted", "fixture", "reporting")
    write_terraform([written.folder], module / "migrated_reports.tf.json")
    return module


def inputs(moto: MotoSandbox, quicksight: bool) -> dict[str, Any]:
    vpc, subnets = vpc_with_two_subnets(moto, "10.61.0.0/16")
    return {
        "name": "reports-test",
        "enabled": True,
        "quicksight_enabled": quicksight,
        "quicksight_role_arn": "arn:aws:iam::123456789012:role/quicksight-vpc",
        "report_readers": READERS,
        "kms_key_arn": boto3.client("kms", endpoint_url=moto.endpoint).create_key()["KeyMetadata"]["Arn"],
        "network": {
            "vpc_id": vpc,
            "vpc_cidr": "10.61.0.0/16",
            "subnet_ids": subnets,
            "gateway_prefix_lists": {},
        },
    }


def planned(moto: MotoSandbox, module: Path, directory: Path, quicksight: bool) -> dict[str, Any]:
    require_terraform()
    root = ModuleRoot.make("reporting", inputs(moto, quicksight), moto, directory, source=module)
    root.init()
    done = root.plan()
    assert done.returncode == 0, done.stdout + done.stderr
    return root.planned()


@pytest.fixture(scope="module")
def plan_with_quicksight(
    moto_server: MotoSandbox, module_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    return planned(moto_server, module_copy, tmp_path_factory.mktemp("root-on"), quicksight=True)


def of_kind(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {address: r for address, r in resources.items() if f".{kind}." in address}


def test_every_visual_kind_plans_as_a_dashboard_over_the_reports_data_sets(
    plan_with_quicksight: dict[str, Any],
) -> None:
    data_sets = of_kind(plan_with_quicksight, "aws_quicksight_data_set")
    (dashboard,) = of_kind(plan_with_quicksight, "aws_quicksight_dashboard").values()
    assert data_sets and all(r["import_mode"] == "DIRECT_QUERY" for r in data_sets.values())
    sheets = dashboard["definition"][0]["sheets"]
    kinds = {next(k for k, v in visual.items() if v) for s in sheets for visual in s["visuals"]}
    assert len(kinds) >= 12, kinds
    declared = dashboard["definition"][0]["data_set_identifiers_declarations"]
    assert len(declared) == len(data_sets)


def test_each_data_set_and_the_dashboard_are_granted_to_the_readers_only(
    plan_with_quicksight: dict[str, Any],
) -> None:
    for address, resource in {
        **of_kind(plan_with_quicksight, "aws_quicksight_data_set"),
        **of_kind(plan_with_quicksight, "aws_quicksight_dashboard"),
    }.items():
        principals = {grant["principal"] for grant in resource["permissions"]}
        assert principals == set(READERS), address
        for grant in resource["permissions"]:
            assert all(a.startswith(READ_ONLY) for a in grant["actions"]), grant


def test_a_reports_own_text_is_kept_literal_not_read_as_a_template(
    plan_with_quicksight: dict[str, Any],
) -> None:
    (dashboard,) = of_kind(plan_with_quicksight, "aws_quicksight_dashboard").values()
    texts = list(strings(dashboard))
    assert texts.count(HOSTILE_TITLE) == len(KINDS)
    assert not [t for t in texts if "root:" in t]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_nothing_of_the_reports_is_planned_while_quicksight_is_off(
    moto_server: MotoSandbox, module_copy: Path, tmp_path: Path
) -> None:
    resources = planned(moto_server, module_copy, tmp_path, quicksight=False)
    assert not [a for a in resources if "aws_quicksight" in a]
    assert any("aws_db_instance" in a for a in resources)
