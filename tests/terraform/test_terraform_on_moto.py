"""The real Terraform against moto, as a new user meets it: dev and prod plan; ``make apply ENV=local``
(dev's configuration) creates the platform; boto3 reads back what the platform depends on; a
second plan shows only the drift moto is known for; ``make destroy ENV=local`` leaves moto as it
was. The figures (resources, seconds, drift) are printed for the record (``pytest -s``)."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
import hcl2
import pytest

from agent.settings import AgentSettings
from contracts.asl_template import render_asl
from contracts.browser_secrets import FILE as BROWSER_SECRETS_FILE
from contracts.catalog_dirs import SANDBOX
from contracts.openapi import OPERATIONS
from contracts.topology import CATALOG_KEY, REQUEST_SOURCES
from sandbox.data_platform import remove_event_streams
from sandbox.moto_server import MotoSandbox
from sandbox.platform import (
    ACCOUNT,
    SANDBOX_ONLY_RULES,
    SANDBOX_SIZED,
    SHIMMED_RULES,
    TERRAFORM_ONLY_RULES,
    PlatformOptions,
    asl_values,
    create_platform,
)
from tests.terraform.hcl_model import TERRAFORM, load_module, unquote
from tests.terraform.moto_inventory import moto_inventory
from tests.terraform.terraform_on_moto import LocalEnvironment, RootCopy, require_terraform
from tests.terraform.topology import DataNames, Names, describe, describe_data

pytestmark = pytest.mark.terraform

MODULES = TERRAFORM / "modules"
NAME = "snapshot-local"
# What moto does not keep of what Terraform sets, so a plan right after the apply still shows
# these resources as changing. Each is moto's gap, not the configuration's: on AWS they converge.
MOTO_DRIFT = {
    # mixed_instances_policy and default_instance_warmup are dropped
    "module.platform.module.workers.aws_autoscaling_group.agents",
    # tag_specifications of the template itself are dropped, so versions move
    "module.platform.module.workers.aws_launch_template.agent",
    # dead_letter_config and logging_config are dropped
    'module.platform.module.api.module.function["status"].aws_lambda_function.this',
    'module.platform.module.api.module.function["trigger"].aws_lambda_function.this',
    "module.platform.module.workers.module.scaler.aws_lambda_function.this",
    "module.platform.module.etl.module.landed.aws_lambda_function.this",
    "module.platform.module.reconciler.module.function.aws_lambda_function.this",
    # GetBucketNotificationConfiguration never returns the EventBridgeConfiguration it stored
    "module.platform.module.etl.module.landing.aws_s3_bucket_notification.this[0]",
    # the description of a prefix-list rule is dropped
    *(
        f'{owner}.aws_vpc_security_group_egress_rule.gateways["{service}"]'
        for owner in (
            "module.platform.module.workers",
            'module.platform.module.api.module.function["status"]',
            'module.platform.module.api.module.function["trigger"]',
            "module.platform.module.etl.module.landed",
            "module.platform.module.reconciler.module.function",
        )
        for service in ("s3", "dynamodb")
    ),
}


def platform_variable(name: str) -> Any:
    return unquote(load_module(TERRAFORM / "platform").variables[name]["default"])


def agent_environment(outputs: dict[str, Any]) -> dict[str, str]:
    """The SNAPSHOT_* file the applied launch template's user data writes."""
    ec2 = boto3.client("ec2")
    name = f"{outputs['autoscaling_group_name'].removesuffix('-agents')}-agent-*"
    (template,) = ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [name]}])[
        "LaunchTemplates"
    ]
    (version,) = ec2.describe_launch_template_versions(
        LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest"]
    )["LaunchTemplateVersions"]
    assert version["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"] == "required"
    script = base64.b64decode(version["LaunchTemplateData"]["UserData"]).decode()
    (env_file,) = re.findall(r"<<'ENV'\n(.*?)\nENV\n", script, re.S)
    return {name: value.strip("'") for name, value in (line.split("=", 1) for line in env_file.splitlines())}


def terraform_options(outputs: dict[str, Any]) -> PlatformOptions:
    """Terraform's numbers as the sandbox's options: its defaults, and the agents' applied settings."""
    orchestration = load_module(MODULES / "orchestration").variables
    queue = load_module(MODULES / "queue").variables
    etl = load_module(MODULES / "etl").variables
    return PlatformOptions(
        visibility_timeout_seconds=int(
            agent_environment(outputs).get(
                "SNAPSHOT_VISIBILITY_TIMEOUT_SECONDS",
                AgentSettings.model_fields["visibility_timeout_seconds"].default,
            )
        ),
        max_receive_count=int(unquote(queue["max_receive_count"]["default"])),
        job_timeout_seconds=int(platform_variable("job_timeout_seconds")),
        render_timeout_seconds=int(platform_variable("render_timeout_seconds")),
        retry_interval_seconds=int(unquote(orchestration["retry_interval_seconds"]["default"])),
        retry_max_attempts=int(unquote(orchestration["retry_max_attempts"]["default"])),
        queued_interval_seconds=int(unquote(etl["queued_interval_seconds"]["default"])),
        queued_max_attempts=int(unquote(etl["queued_max_attempts"]["default"])),
    )


@pytest.fixture(scope="module")
def terraform() -> str:
    return require_terraform()


@pytest.fixture(scope="module")
def local(
    terraform: str, moto_server: MotoSandbox, tmp_path_factory: pytest.TempPathFactory
) -> LocalEnvironment:
    return LocalEnvironment(moto_server.endpoint, tmp_path_factory.mktemp("terraform-local"))


@pytest.fixture(scope="module")
def applied(local: LocalEnvironment) -> Iterator[dict[str, Any]]:
    """The platform applied with make apply ENV=local; destroyed again if a test left it standing."""
    before = moto_inventory()
    started = time.monotonic()
    local.make("apply")
    seconds = time.monotonic() - started
    created = moto_inventory() - before
    state = json.loads((local.work / "terraform.tfstate").read_text())
    resources = [r for r in state["resources"] if r["mode"] == "managed"]
    print(f"\napply: {sum(len(r['instances']) for r in resources)} resources in {seconds:.0f} s")
    yield {
        "before": before,
        "created": created,
        "outputs": state["outputs"]["platform"]["value"],
        "state": state,
        "not_terraform": set(),  # what tests add beside the applied platform
    }
    if (local.work / "terraform.tfstate").exists() and json.loads(
        (local.work / "terraform.tfstate").read_text()
    )["resources"]:
        local.make("destroy")


PROD_MIGRATION = {
    "migration": """{
      tables = {
        source = {
          kind = "azure_sql_managed_instance", server_name = "sales-mi.abc.database.windows.net",
          database_name = "Sales", cidr_blocks = ["172.16.0.0/16"],
          secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:azure-sql-AbCdEf"
        }
        target_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dms-target-AbCdEf"
        replication_type  = "full-load-and-cdc"
        schemas           = { dbo = { include = ["%"] } }
      }
      files = {
        agent         = { activation_key = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE" }
        container_url = "https://salesexports.blob.core.windows.net/exports"
        transfers     = { sales = { source_folder = "/sales", landing_prefix = "sales/" } }
      }
    }""",
    "migration_sas_token": "sv=2022-11-02&sp=rl&sig=NotARealSignature",
}


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_dev_and_prod_plan_against_moto(
    environment: str, terraform: str, moto_server: MotoSandbox, tmp_path: Path
) -> None:
    started = time.monotonic()
    # prod also shows an environment choosing a JWT authorizer (people through an OIDC issuer)
    jwt = '{issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE", audience = ["app"]}'
    # and turns the migration on (tables and files), with the SAS token given for the run only
    variables = {"jwt_authorizer": jwt, **PROD_MIGRATION} if environment == "prod" else {}
    plan = RootCopy.make(moto_server.endpoint, tmp_path).plan(environment, variables)
    (to_add,) = re.findall(r"Plan: (\d+) to add, 0 to change, 0 to destroy", plan)
    print(f"\nplan {environment}: {to_add} to add in {time.monotonic() - started:.0f} s")
    assert int(to_add) > 100
    routes = re.findall(r'authorization_type\s+= "(\w+)"', plan)
    if environment == "prod":
        assert "aws_db_instance.reporting[0]" in plan, "prod turns the reporting database on"
        assert "module.platform.module.api.aws_apigatewayv2_authorizer.jwt[0]" in plan
        assert routes == ["JWT"] * len(OPERATIONS)
        migration = "module.platform.module.migration[0]"
        assert f"{migration}.aws_dms_replication_config.this[0]" in plan
        assert f'{migration}.aws_datasync_task.transfer["sales"]' in plan
        assert (
            'module.platform.module.reporting.aws_vpc_security_group_ingress_rule.clients["migration"]'
            in plan
        )
        assert "NotARealSignature" not in plan
    else:
        assert "aws_apigatewayv2_authorizer" not in plan
        assert "module.migration" not in plan, "the migration is off unless an environment sets it"
        assert routes == ["AWS_IAM"] * len(OPERATIONS)


def test_apply_creates_the_platform(applied: dict[str, Any]) -> None:
    created = applied["created"]
    outputs = applied["outputs"]
    assert f"s3:bucket:{outputs['bucket_name']}" in created
    assert f"dynamodb:table:{outputs['table_name']}" in created
    assert f"dynamodb:table:{NAME}-leases" in created
    assert f"sqs:queue:{outputs['queue_url']}" in created
    assert f"stepfunctions:state-machine:{NAME}-snapshot" in created
    assert {f"lambda:function:{NAME}-{f}" for f in ("trigger", "status", "scaler")} <= created
    assert f"autoscaling:group:{outputs['autoscaling_group_name']}" in created


def test_the_state_machine_is_the_rendered_template(applied: dict[str, Any]) -> None:
    outputs = applied["outputs"]
    options = terraform_options(outputs)
    expected = render_asl(
        asl_values(outputs["table_name"], outputs["queue_url"], outputs["event_bus_name"], options)
    )
    described = boto3.client("stepfunctions").describe_state_machine(
        stateMachineArn=outputs["state_machine_arn"]
    )
    assert json.loads(described["definition"]) == expected
    assert described["type"] == "STANDARD"
    assert described["loggingConfiguration"]["level"] == "ALL"


def test_the_queue_redrives_to_its_dlq(applied: dict[str, Any]) -> None:
    outputs = applied["outputs"]
    sqs = boto3.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=outputs["queue_url"], AttributeNames=["All"])["Attributes"]
    dlq_url = sqs.get_queue_url(QueueName=outputs["dlq_name"])["QueueUrl"]
    dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])
    max_receives = int(unquote(load_module(MODULES / "queue").variables["max_receive_count"]["default"]))
    assert redrive == {"deadLetterTargetArn": dlq["QueueArn"], "maxReceiveCount": max_receives}
    assert json.loads(dlq["RedriveAllowPolicy"]) == {
        "redrivePermission": "byQueue",
        "sourceQueueArns": [attributes["QueueArn"]],
    }
    assert int(attributes["VisibilityTimeout"]) == int(platform_variable("render_timeout_seconds")) + 60
    assert attributes["ReceiveMessageWaitTimeSeconds"] == "20"
    for queue in (attributes, dlq):
        assert queue["KmsMasterKeyId"].startswith("arn:aws:kms:")
        assert "aws:SecureTransport" in queue["Policy"]


def test_the_tables_have_their_keys_index_and_ttl(applied: dict[str, Any]) -> None:
    dynamodb = boto3.client("dynamodb")
    table = dynamodb.describe_table(TableName=applied["outputs"]["table_name"])["Table"]
    assert table["KeySchema"] == [{"AttributeName": "key", "KeyType": "HASH"}]
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert sorted(indexes) == ["by-report", "in-progress"]
    assert indexes["by-report"]["KeySchema"] == [
        {"AttributeName": "report", "KeyType": "HASH"},
        {"AttributeName": "requested_at", "KeyType": "RANGE"},
    ]
    assert indexes["by-report"]["Projection"] == {"ProjectionType": "ALL"}
    assert indexes["in-progress"]["KeySchema"] == [
        {"AttributeName": "in_progress", "KeyType": "HASH"},
        {"AttributeName": "requested_at", "KeyType": "RANGE"},
    ]
    assert table["SSEDescription"]["SSEType"] == "KMS"
    ttl = dynamodb.describe_time_to_live(TableName=applied["outputs"]["table_name"])["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    backups = dynamodb.describe_continuous_backups(TableName=applied["outputs"]["table_name"])
    assert (
        backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        == "ENABLED"
    )
    leases = dynamodb.describe_table(TableName=f"{NAME}-leases")["Table"]
    assert leases["KeySchema"] == [{"AttributeName": "name", "KeyType": "HASH"}]


def test_the_bus_sends_requests_to_the_trigger(applied: dict[str, Any]) -> None:
    events = boto3.client("events")
    bus = applied["outputs"]["event_bus_name"]
    rule = events.describe_rule(Name=f"{NAME}-snapshot-requests", EventBusName=bus)
    assert json.loads(rule["EventPattern"]) == {
        "source": list(REQUEST_SOURCES),
        "detail-type": ["Snapshot Requested", "Data Landed"],
    }
    (target,) = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
    trigger = boto3.client("lambda").get_function_configuration(FunctionName=f"{NAME}-trigger")
    assert target["Arn"] == trigger["FunctionArn"]
    assert target["DeadLetterConfig"]["Arn"].endswith(f"{NAME}-trigger-dlq")


def test_only_each_sources_producer_may_put_its_request_events(applied: dict[str, Any]) -> None:
    """A request event runs as its source, and the schedules' source sees every governed row: the
    bus denies an event with a request source to every principal but that source's producer."""
    bus = boto3.client("events").describe_event_bus(Name=applied["outputs"]["event_bus_name"])
    statements = json.loads(bus["Policy"])["Statement"]
    producers = {
        "snapshot-engine.scheduler": f"arn:aws:iam::{ACCOUNT}:role/{NAME}-scheduler",
        "datalake.ingest": f"arn:aws:iam::{ACCOUNT}:role/{NAME}-load-state-machine",
    }
    assert set(producers) == set(REQUEST_SOURCES)
    denied = {}
    for statement in statements:
        assert (statement["Effect"], statement["Principal"], statement["Action"]) == (
            "Deny",
            "*",
            "events:PutEvents",
        )
        assert statement["Resource"] == bus["Arn"]
        source = statement["Condition"]["StringEquals"]["events:source"]
        denied[source] = statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    assert denied == producers


def test_the_api_has_one_signed_route_per_openapi_operation(applied: dict[str, Any]) -> None:
    """The routes Terraform made from the document, read back: the same route keys, each behind
    AWS_IAM and integrated with the Lambda the operation names."""
    apigateway = boto3.client("apigatewayv2")
    (api,) = [a for a in apigateway.get_apis()["Items"] if a["Name"] == f"{NAME}-api"]
    integrations = {
        i["IntegrationId"]: i["IntegrationUri"]
        for i in apigateway.get_integrations(ApiId=api["ApiId"])["Items"]
    }
    routes = {
        r["RouteKey"]: (r["AuthorizationType"], integrations[r["Target"].removeprefix("integrations/")])
        for r in apigateway.get_routes(ApiId=api["ApiId"])["Items"]
    }
    assert set(routes) == {op.route_key for op in OPERATIONS}
    for op in OPERATIONS:
        authorization, uri = routes[op.route_key]
        assert authorization == "AWS_IAM"
        assert f":function:{NAME}-{op.function}/" in uri


def test_the_lambdas_get_what_their_settings_read(applied: dict[str, Any]) -> None:
    outputs = applied["outputs"]
    awslambda = boto3.client("lambda")
    for function in ("trigger", "status"):
        environment = awslambda.get_function_configuration(FunctionName=f"{NAME}-{function}")["Environment"][
            "Variables"
        ]
        assert environment["TABLE_NAME"] == outputs["table_name"]
        assert environment["BUCKET_NAME"] == outputs["bucket_name"]
        assert environment["CATALOG_URI"] == outputs["catalog_uri"]
        assert environment["STATE_MACHINE_ARN"] == outputs["state_machine_arn"]
    scaler = awslambda.get_function_configuration(FunctionName=f"{NAME}-scaler")["Environment"]["Variables"]
    assert scaler["QUEUE_URL"] == outputs["queue_url"]
    assert scaler["AUTOSCALING_GROUP"] == outputs["autoscaling_group_name"]
    bucket, key = outputs["catalog_uri"].removeprefix("s3://").split("/", 1)
    catalog = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    assert catalog == SANDBOX.reports.read_bytes()


def test_the_agents_may_read_the_secrets_the_catalog_names_and_no_other(applied: dict[str, Any]) -> None:
    """The browser reports' secrets (sandbox/catalog/browser-secrets.json) are the agent's to read, each
    by its exact name: a secret whose name only starts the same stays out of reach."""
    document = boto3.client("iam").get_role_policy(RoleName=f"{NAME}-agent", PolicyName="snapshot-agent")[
        "PolicyDocument"
    ]
    document = json.loads(unquote_plus(document)) if isinstance(document, str) else document
    granted = [
        resource
        for statement in document["Statement"]
        if "secretsmanager:GetSecretValue" in _as_list(statement["Action"])
        for resource in _as_list(statement["Resource"])
    ]
    account = boto3.client("sts").get_caller_identity()["Account"]
    arn = f"arn:aws:secretsmanager:{boto3.session.Session().region_name}:{account}:secret:"
    named = json.loads(SANDBOX.generated(BROWSER_SECRETS_FILE).read_text())
    assert named, "the catalog's sales_chart signs in with a secret"
    for name in named:
        assert any(fnmatchcase(f"{arn}{name}-AbC123", pattern) for pattern in granted), name
        assert not any(fnmatchcase(f"{arn}{name}-admin-AbC123", pattern) for pattern in granted), name
    assert not any(fnmatchcase(f"{arn}someone-elses-AbC123", pattern) for pattern in granted)


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_the_user_data_configures_the_agent(applied: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = applied["outputs"]
    settings = agent_environment(outputs)
    assert settings["SNAPSHOT_QUEUE_URL"] == outputs["queue_url"]
    assert settings["SNAPSHOT_TABLE"] == outputs["table_name"]
    assert settings["SNAPSHOT_BUCKET"] == outputs["bucket_name"]
    assert settings["SNAPSHOT_CATALOG_URI"] == outputs["catalog_uri"]
    assert settings["SNAPSHOT_AUTOSCALING_GROUP"] == outputs["autoscaling_group_name"]
    tfvars = hcl2.loads((TERRAFORM / "environments" / "local" / "terraform.tfvars").read_text())
    assert settings["SNAPSHOT_CONCURRENCY"] == unquote(tfvars["agent_settings"]["concurrency"])
    # the agent itself accepts the file, read from its environment as systemd passes it
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    parsed = AgentSettings()
    assert parsed.queue_url == outputs["queue_url"]
    assert set(settings) <= {f"SNAPSHOT_{field.upper()}" for field in AgentSettings.model_fields}


def test_the_sandbox_creates_the_same_topology(applied: dict[str, Any]) -> None:
    outputs = applied["outputs"]
    dlq_url = boto3.client("sqs").get_queue_url(QueueName=outputs["dlq_name"])["QueueUrl"]
    terraform = describe(
        Names(
            prefix=NAME,
            bucket=outputs["bucket_name"],
            table=outputs["table_name"],
            lease_table=f"{NAME}-leases",
            entitlements_table=f"{NAME}-entitlements",
            queue_url=outputs["queue_url"],
            dlq_url=dlq_url,
            event_bus=outputs["event_bus_name"],
            state_machine_arn=outputs["state_machine_arn"],
            catalog_key=outputs["catalog_uri"].split("/", 3)[3],
        )
    )
    mark = moto_inventory()
    platform = create_platform("topology-check", options=terraform_options(outputs))
    remove_event_streams(platform.data)
    applied["not_terraform"] |= moto_inventory() - mark
    sandbox = describe(
        Names(
            prefix=platform.name,
            bucket=platform.bucket,
            table=platform.table,
            lease_table=platform.lease_table,
            entitlements_table=platform.entitlements_table,
            queue_url=platform.queue_url,
            dlq_url=platform.dlq_url,
            event_bus=platform.event_bus,
            state_machine_arn=platform.state_machine_arn,
            catalog_key=CATALOG_KEY,
        )
    )
    for rules, named in ((sandbox["rules"], SANDBOX_ONLY_RULES), (terraform["rules"], TERRAFORM_ONLY_RULES)):
        assert set(named) <= set(rules), (
            "a named difference no longer exists: drop it from sandbox/platform.py"
        )
        for rule in named:
            del rules[rule]
    for rule in SHIMMED_RULES:
        assert (sandbox["rules"][rule]["targets"], terraform["rules"][rule]["targets"]) == (
            ["sqs"],
            ["lambda"],
        )
        sandbox["rules"][rule]["targets"] = terraform["rules"][rule]["targets"]
    assert sandbox == terraform


def test_the_sandbox_creates_the_same_data_half(applied: dict[str, Any]) -> None:
    outputs = applied["outputs"]
    terraform = describe_data(
        DataNames(
            NAME,
            outputs["landing_bucket_name"],
            outputs["loads_table_name"],
            outputs["load_state_machine_arn"],
            outputs["bucket_name"],
            outputs["event_streams"],
        )
    )
    mark = moto_inventory()
    platform = create_platform("data-check", options=terraform_options(outputs))
    remove_event_streams(platform.data)
    applied["not_terraform"] |= moto_inventory() - mark
    data = platform.data
    sandbox = describe_data(
        DataNames(
            platform.name,
            data.landing_bucket,
            data.ledger_table,
            data.load_state_machine_arn,
            platform.bucket,
            data.event_streams,
        )
    )
    # the rule starts loads through the landed function on AWS, through the shim's queue here
    assert (sandbox["object_created"]["targets"], terraform["object_created"]["targets"]) == (
        ["sqs"],
        ["lambda"],
    )
    sandbox["object_created"]["targets"] = terraform["object_created"]["targets"]
    assert sandbox == terraform


def test_only_the_named_timers_are_sandbox_sized(applied: dict[str, Any]) -> None:
    terraform, sandbox = terraform_options(applied["outputs"]), PlatformOptions()
    differing = {
        f for f in PlatformOptions.__dataclass_fields__ if getattr(terraform, f) != getattr(sandbox, f)
    }
    assert differing == set(SANDBOX_SIZED)


def test_a_second_plan_shows_only_moto_drift(applied: dict[str, Any], local: LocalEnvironment) -> None:
    started = time.monotonic()
    done = local.terraform("plan", "-no-color", "-detailed-exitcode", "-lock=false")
    changing = set(re.findall(r"^  # (\S+) will be updated in-place", done.stdout, re.M))
    print(f"\ndrift after apply: {len(changing)} resources ({time.monotonic() - started:.0f} s)")
    assert done.returncode in (0, 2), done.stderr
    assert "to add" not in done.stdout or "0 to add" in done.stdout, "a second plan must create nothing"
    assert changing <= MOTO_DRIFT, f"drift moto does not explain: {sorted(changing - MOTO_DRIFT)}"


def test_destroy_leaves_moto_as_it_was(applied: dict[str, Any], local: LocalEnvironment) -> None:
    started = time.monotonic()
    local.make("destroy")
    print(f"\ndestroy: {time.monotonic() - started:.0f} s")
    left = moto_inventory() - applied["before"] - applied["not_terraform"]
    assert not left, f"destroy left {sorted(left)}"
    assert not json.loads((local.work / "terraform.tfstate").read_text())["resources"]
