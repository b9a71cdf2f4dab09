"""modules/migration planned and applied by the real Terraform (provider 5.100) against moto: the
table mappings and task settings come from the declaration, the variables refuse what DMS or
DataSync cannot do, the SAS token never shows, and what moto implements is created for real.

moto keeps DMS and DataSync settings but moves no data, and has no DMS Serverless replication
configs, DataSync agents or Azure Blob locations: those are planned (the provider checks every
argument), not applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from sandbox.moto_server import MotoSandbox
from tests.terraform.module_on_moto import ModuleRoot, vpc_with_two_subnets
from tests.terraform.terraform_on_moto import require_terraform

pytestmark = pytest.mark.terraform

SAS_TOKEN = "sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-01-01&sig=NotARealSignature%3D"
MODULE = "module.this"


@pytest.fixture(scope="module")
def aws_side(moto_server: MotoSandbox) -> dict[str, Any]:
    """What the module is given: a VPC with two subnets, the reporting database's security group,
    the platform key, the landing bucket and the endpoint secrets."""
    vpc, subnets = vpc_with_two_subnets(moto_server, "10.60.0.0/16")
    ec2 = boto3.client("ec2")
    reporting = ec2.create_security_group(GroupName="mig-reporting", Description="db", VpcId=vpc)["GroupId"]
    key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    boto3.client("s3").create_bucket(Bucket="mig-landing")
    secrets = boto3.client("secretsmanager")
    secret = {
        name: secrets.create_secret(Name=f"mig-{name}", SecretString=json.dumps({"username": name}))["ARN"]
        for name in ("source", "target")
    }
    secret["sas"] = secrets.create_secret(Name="mig-sas", SecretString=SAS_TOKEN)["ARN"]
    return {"vpc": vpc, "subnets": subnets, "reporting_sg": reporting, "key": key, "secrets": secret}


def inputs(aws_side: dict[str, Any], **changes: Any) -> dict[str, Any]:
    tables = {
        "source": {
            "kind": "azure_sql_managed_instance",
            "server_name": "sales-mi.public.abc123.database.windows.net",
            "port": 3342,
            "database_name": "Sales",
            "secret_arn": aws_side["secrets"]["source"],
            "cidr_blocks": ["172.16.0.0/16"],
        },
        "target_secret_arn": aws_side["secrets"]["target"],
        "replication_type": "full-load-and-cdc",
        "schemas": {
            "dbo": {"include": ["%"], "exclude": ["tmp_%"]},
            "Sales": {"include": ["Orders", "OrderLines"]},
        },
    }
    files = {
        "agent": {"activation_key": "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"},
        "container_url": "https://salesexports.blob.core.windows.net/exports",
        "transfers": {
            "sales": {"source_folder": "/sales", "landing_prefix": "sales/", "schedule": "rate(1 hour)"},
            "events": {"source_folder": "/events/2026", "landing_prefix": "events/", "includes": ["*.jsonl"]},
        },
    }
    values: dict[str, Any] = {
        "name": "mig-test",
        "region": "us-east-1",
        "kms_key_arn": aws_side["key"],
        "network": {
            "vpc_id": aws_side["vpc"],
            "vpc_cidr": "10.60.0.0/16",
            "subnet_ids": aws_side["subnets"],
            "gateway_prefix_lists": {},
        },
        "log_retention_days": 30,
        "target": {"security_group_id": aws_side["reporting_sg"], "database_name": "reports"},
        "landing_bucket": {"name": "mig-landing", "arn": "arn:aws:s3:::mig-landing"},
        "tables": tables,
        "files": files,
        "sas_token": SAS_TOKEN,
    }
    for path, value in changes.items():
        where = values
        *parents, last = path.split("__")
        for parent in parents:
            where = where[parent]
        where[last] = value
    return values


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_terraform()
    return tmp_path_factory.mktemp("migration-module")


def root(moto: MotoSandbox, directory: Path, values: dict[str, Any]) -> ModuleRoot:
    made = ModuleRoot.make("migration", values, moto, directory)
    made.init()
    return made


@pytest.fixture(scope="module")
def planned(
    moto_server: MotoSandbox, aws_side: dict[str, Any], module_dir: Path
) -> tuple[dict[str, Any], str]:
    made = root(moto_server, module_dir / "full", inputs(aws_side))
    done = made.plan()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr
    return made.planned(), done.stdout


def test_the_table_mappings_come_from_the_declaration(planned: tuple[dict[str, Any], str]) -> None:
    resources, _ = planned
    config = resources[f"{MODULE}.aws_dms_replication_config.this[0]"]
    assert config["replication_type"] == "full-load-and-cdc"
    rules = json.loads(config["table_mappings"])["rules"]
    selections = [
        (r["rule-action"], r["object-locator"]["schema-name"], r["object-locator"]["table-name"])
        for r in rules
        if r["rule-type"] == "selection"
    ]
    assert selections == [
        ("include", "Sales", "Orders"),
        ("include", "Sales", "OrderLines"),
        ("include", "dbo", "%"),
        ("exclude", "dbo", "tmp_%"),
    ]
    renames = {
        r["object-locator"]["schema-name"]: r["value"]
        for r in rules
        if r["rule-type"] == "transformation" and r["rule-target"] == "schema"
    }
    assert renames == {"Sales": "reports", "dbo": "reports"}
    ids = [r["rule-id"] for r in rules]
    names = [r["rule-name"] for r in rules]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)


def test_the_task_settings_validate_and_keep_migrate_schemas_tables(
    planned: tuple[dict[str, Any], str],
) -> None:
    resources, _ = planned
    config = resources[f"{MODULE}.aws_dms_replication_config.this[0]"]
    settings = json.loads(config["replication_settings"])
    assert settings["ValidationSettings"]["EnableValidation"] is True
    assert settings["ValidationSettings"]["ValidationMode"] == "ROW_LEVEL"
    assert settings["FullLoadSettings"]["TargetTablePrepMode"] == "TRUNCATE_BEFORE_LOAD"
    assert settings["TargetMetadata"]["LobMaxSize"] == 1024
    assert config["start_replication"] is False
    (compute,) = config["compute_config"]
    assert compute["max_capacity_units"] == 16


def test_endpoints_read_their_credentials_from_secrets(
    planned: tuple[dict[str, Any], str], aws_side: dict[str, Any]
) -> None:
    resources, _ = planned
    source = resources[f"{MODULE}.aws_dms_endpoint.source[0]"]
    target = resources[f"{MODULE}.aws_dms_endpoint.target[0]"]
    assert (source["engine_name"], target["engine_name"]) == ("sqlserver", "mysql")
    assert source["secrets_manager_arn"] == aws_side["secrets"]["source"]
    assert target["secrets_manager_arn"] == aws_side["secrets"]["target"]
    for endpoint in (source, target):
        assert endpoint["password"] is None and endpoint["username"] is None
        assert endpoint["ssl_mode"] == "require"
        assert endpoint["kms_key_arn"] == aws_side["key"]


def test_each_transfer_is_a_verified_filtered_task_into_its_landing_prefix(
    planned: tuple[dict[str, Any], str],
) -> None:
    resources, _ = planned
    sales = resources[f'{MODULE}.aws_datasync_task.transfer["sales"]']
    events = resources[f'{MODULE}.aws_datasync_task.transfer["events"]']
    assert sales["options"][0]["verify_mode"] == "ONLY_FILES_TRANSFERRED"
    assert sales["options"][0]["preserve_deleted_files"] == "PRESERVE"
    assert sales["includes"] == [
        {"filter_type": "SIMPLE_PATTERN", "value": "*.csv|*.csv.gz|*.parquet|*.jsonl|*.jsonl.gz"}
    ]
    assert events["includes"][0]["value"] == "*.jsonl"
    assert sales["schedule"] == [{"schedule_expression": "rate(1 hour)"}]
    assert events["schedule"] == []
    assert resources[f'{MODULE}.aws_datasync_location_s3.landing["sales"]']["subdirectory"] == "/sales/"
    blob = resources[f'{MODULE}.aws_datasync_location_azure_blob.source["events"]']
    assert blob["subdirectory"] == "/events/2026"
    assert blob["authentication_type"] == "SAS"


def test_the_sas_token_never_shows(planned: tuple[dict[str, Any], str]) -> None:
    _, output = planned
    assert "sensitive value" in output
    assert "NotARealSignature" not in output


REFUSED = [
    (
        {"tables__source__kind": "azure_sql_database"},
        "DMS cannot read changes from Azure SQL Database",
    ),
    ({"tables__source__kind": "oracle"}, "tables.source.kind must be"),
    ({"tables__schemas": {}}, "tables.schemas must name at least one schema"),
    ({"tables__max_capacity_units": 3}, "max_capacity_units must be one of"),
    ({"files__agent": {}}, "exactly one of activation_key and ip_address"),
    ({"files__container_url": "https://example.com/x"}, "files.container_url must be"),
    ({"files__verify_mode": "NONE"}, "a copy is always verified"),
    (
        {"files__transfers": {"x": {"source_folder": "x", "landing_prefix": "sales/"}}},
        "each source_folder starts with /",
    ),
    ({"sas_token": None}, "Give the SAS token once"),
    ({"target": None}, "turn reporting_enabled on"),
]


@pytest.mark.parametrize(("changes", "message"), REFUSED, ids=[m for _, m in REFUSED])
def test_what_dms_or_datasync_cannot_do_is_refused_at_plan(
    changes: dict[str, Any],
    message: str,
    moto_server: MotoSandbox,
    aws_side: dict[str, Any],
    module_dir: Path,
) -> None:
    made = root(moto_server, module_dir / "refused", inputs(aws_side, **changes))
    done = made.plan()
    assert done.returncode != 0, f"{changes} was accepted"
    assert message in " ".join((done.stdout + done.stderr).split()), done.stderr[-3000:]


def test_an_azure_sql_database_plans_with_a_full_load(
    moto_server: MotoSandbox, aws_side: dict[str, Any], module_dir: Path
) -> None:
    values = inputs(aws_side, tables__source__kind="azure_sql_database", tables__replication_type="full-load")
    made = root(moto_server, module_dir / "database", values)
    done = made.plan()
    assert done.returncode == 0, done.stderr[-3000:]
    assert made.planned()[f"{MODULE}.aws_dms_endpoint.source[0]"]["engine_name"] == "azuredb"


def test_nothing_is_created_when_both_parts_are_off(
    moto_server: MotoSandbox, aws_side: dict[str, Any], module_dir: Path
) -> None:
    made = root(moto_server, module_dir / "off", inputs(aws_side, tables=None, files=None, sas_token=None))
    done = made.plan()
    assert done.returncode == 0, done.stderr[-3000:]
    assert made.planned() == {}


# What moto implements of the module: everything but the replication config, the agent and the
# DataSync locations and tasks (moto's DataSync has no agents or Azure Blob locations, and cannot
# list tags, which the provider reads back after creating an S3 location).
APPLIED_ON_MOTO = [
    "aws_iam_role.dms_secrets",
    "aws_iam_role_policy.dms_secrets",
    "aws_iam_role.dms_account",
    "aws_iam_role_policy_attachment.dms_account",
    "aws_iam_role.datasync",
    "aws_iam_role_policy.datasync",
    "aws_security_group.dms",
    "aws_vpc_security_group_egress_rule.dms_source",
    "aws_vpc_security_group_egress_rule.dms_target",
    "aws_vpc_security_group_egress_rule.dms_endpoints",
    "aws_dms_replication_subnet_group.this",
    "aws_dms_endpoint.source",
    "aws_dms_endpoint.target",
    "aws_cloudwatch_log_group.datasync",
    "aws_cloudwatch_log_resource_policy.datasync",
]


def test_apply_creates_what_moto_implements_and_destroy_removes_it(
    moto_server: MotoSandbox, aws_side: dict[str, Any], module_dir: Path
) -> None:
    made = root(moto_server, module_dir / "applied", inputs(aws_side))
    done = made.apply(*(f"{MODULE}.{address}" for address in APPLIED_ON_MOTO))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr
    dms = boto3.client("dms")
    endpoints = {e["EndpointIdentifier"]: e for e in dms.describe_endpoints()["Endpoints"]}
    assert endpoints["mig-test-azure-source"]["EngineName"] == "sqlserver"
    assert endpoints["mig-test-reporting-target"]["EngineName"] == "mysql"
    iam = boto3.client("iam")
    trust = iam.get_role(RoleName="mig-test-datasync-landing")["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "datasync.amazonaws.com"}
    granted = iam.get_role_policy(RoleName="mig-test-datasync-landing", PolicyName="landing")[
        "PolicyDocument"
    ]
    objects = next(s for s in granted["Statement"] if s["Sid"] == "LandingObjects")
    assert sorted(objects["Resource"]) == [
        "arn:aws:s3:::mig-landing/events/*",
        "arn:aws:s3:::mig-landing/sales/*",
    ]
    attached = iam.list_attached_role_policies(RoleName="dms-vpc-role")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AmazonDMSVPCManagementRole"]
    done = made.destroy()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr
    assert "mig-test-azure-source" not in {
        e["EndpointIdentifier"] for e in dms.describe_endpoints()["Endpoints"]
    }
