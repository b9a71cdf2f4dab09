"""Terraform held to the code: IAM grants exactly what the agent, the Lambdas and the ASL call;
the user data sets only the agent's own settings (and every required one); templatefile() fills
exactly the ASL's placeholders; the Lambdas get the environment and handlers the code reads; the
schedules file is the catalog's."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
import hcl2
import pytest

from agent.settings import AgentSettings
from contracts.asl_template import ASL_PATH, LOAD_ASL_PATH, placeholders
from contracts.browser_secrets import SECRET_NAME
from contracts.catalog import parse_catalog
from contracts.catalog_dirs import catalog_dirs
from contracts.generated import stale as stale_generated
from lambdas.page_tokens import PURPOSE as PAGE_TOKEN_PURPOSE
from lambdas.scaler import POLICY_KNOBS, ScalerSettings
from lambdas.settings import (
    SWEEP_EVENT,
    SWEEP_SECONDS,
    LambdaSettings,
    LandedSettings,
    ReconcilerSettings,
    SettingsError,
    StatusSettings,
    TriggerSettings,
)
from scaling.policy import Policy
from tests.terraform.hcl_model import ROOT, TERRAFORM, clean, interpolations, load_module, unquote

MODULES = TERRAFORM / "modules"
CLIENT_CALL = re.compile(
    r"\b(?:self\.)?(?:_?aws\.)?(sqs|s3|dynamodb|stepfunctions|_s3|_sqs|_sfn|_ddb|sfn|_autoscaling|_cloudwatch|_secretsmanager|_kms|_events)"
    r"\.([a-z_]+)\s*[(,]"
)
# QuickSight calls go through QuickSightCalls.call("<operation>", ...), paced and retried.
QUICKSIGHT_CALL = re.compile(r'\b_?calls\.call\(\s*"([a-z_]+)"')
SERVICES = {
    "sqs": "sqs",
    "_sqs": "sqs",
    "_secretsmanager": "secretsmanager",
    "s3": "s3",
    "_s3": "s3",
    "dynamodb": "dynamodb",
    "_ddb": "dynamodb",
    "stepfunctions": "stepfunctions",
    "sfn": "stepfunctions",
    "_sfn": "stepfunctions",
    "_autoscaling": "autoscaling",
    "_cloudwatch": "cloudwatch",
    "_kms": "kms",
    "_events": "events",
}
IAM_PREFIX = {
    "sqs": "sqs",
    "s3": "s3",
    "dynamodb": "dynamodb",
    "stepfunctions": "states",
    "autoscaling": "autoscaling",
    "cloudwatch": "cloudwatch",
    "secretsmanager": "secretsmanager",
    "quicksight": "quicksight",
    "kms": "kms",
    "events": "events",
}
# Operations that authorise as another action (AWS service authorization reference).
AUTHORISED_AS = {
    "s3:CreateMultipartUpload": "s3:PutObject",
    "s3:UploadPart": "s3:PutObject",
    "s3:CompleteMultipartUpload": "s3:PutObject",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
}
# What running takes beyond the code's own calls, by role, and why.
ENCRYPTION = {"kms:Decrypt", "kms:GenerateDataKey"}  # the table, bucket and queue use the platform key
LAMBDA_RUNTIME = ENCRYPTION | {
    "logs:CreateLogStream",
    "logs:PutLogEvents",  # its log group
    "sqs:SendMessage",  # its dead-letter queue
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",  # running in the VPC
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",  # active tracing
}
STATE_MACHINE_RUNTIME = ENCRYPTION | {
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
}
# Actions AWS accepts only with Resource "*" (log delivery, X-Ray, a VPC Lambda's network interfaces).
STAR_ONLY = {
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
    "autoscaling:DescribeAutoScalingGroups",
    "cloudwatch:GetMetricData",
}


def pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def calls_in(paths: list[Path]) -> set[str]:
    """IAM actions of the AWS operations the given files call, each checked against botocore's models."""
    session = botocore.session.get_session()
    actions = set()
    for path in paths:
        text = path.read_text()
        found = [(SERVICES[alias], method) for alias, method in CLIENT_CALL.findall(text)]
        found += [("quicksight", method) for method in QUICKSIGHT_CALL.findall(text)]
        for service, method in found:
            operation = "get_object" if method == "generate_presigned_url" else method
            model = session.get_service_model(service)
            assert pascal(operation) in model.operation_names, (
                f"{path}: {service}.{operation} is not an operation"
            )
            action = f"{IAM_PREFIX[service]}:{pascal(operation)}"
            actions.add(AUTHORISED_AS.get(action, action))
    return actions


def closure(module: str) -> list[Path]:
    """The project's own source files a module imports, transitively."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            continue
        seen[name] = path
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                todo.append(node.module)
            elif isinstance(node, ast.Import):
                todo.extend(alias.name for alias in node.names)
    return sorted(seen.values())


def policy(module_dir: str, *documents: str) -> list[dict[str, Any]]:
    """The statements of each document, with those of the documents it names as its
    ``source_policy_documents`` in the same module (Terraform merges them into its JSON)."""
    module = load_module(MODULES / module_dir)
    statements = []
    for document in documents:
        body = module.data[("aws_iam_policy_document", document)]
        sources = re.findall(
            r"data\.aws_iam_policy_document\.(\w+)\.json", str(body.get("source_policy_documents", ""))
        )
        statements += policy(module_dir, *sources)
        # A grant made only when configured (a dynamic "statement" block) counts as granted.
        dynamic = [
            block["content"][0]
            for found in body.get("dynamic", [])
            for label, block in found.items()
            if unquote(label) == "statement"
        ]
        for statement in [*body.get("statement", []), *dynamic]:
            body = clean(statement)
            statements.append(
                {
                    "effect": unquote(body.get("effect", '"Allow"')),
                    "actions": {unquote(a) for a in body["actions"]},
                    "resources": [unquote(r) for r in _as_list(body["resources"])],
                }
            )
    return statements


def _as_list(value: Any) -> list[Any]:
    """A list of resources, or one expression that makes one (``values(var.x)``)."""
    return value if isinstance(value, list) else [value]


def allowed(statements: list[dict[str, Any]]) -> set[str]:
    return {a for s in statements if s["effect"] == "Allow" for a in s["actions"]}


def asl_actions(path: Path = ASL_PATH) -> set[str]:
    found = set()
    for resource in re.findall(r'"Resource": "arn:aws:states:::([a-z]+):([A-Za-z]+)', path.read_text()):
        service, operation = resource
        found.add(f"{service}:{operation[0].upper()}{operation[1:]}")
    return found


# What AWS documents its services need of a role they act as (no code of ours makes these calls).
# DataSync's S3 location: "Creating an IAM role for DataSync to access your S3 location".
DATASYNC_S3_LOCATION = {
    "s3:GetBucketLocation",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:AbortMultipartUpload",
    "s3:DeleteObject",
    "s3:GetObject",
    "s3:GetObjectTagging",
    "s3:GetObjectVersion",
    "s3:GetObjectVersionTagging",
    "s3:ListMultipartUploadParts",
    "s3:PutObject",
    "s3:PutObjectTagging",
}
# DMS endpoint secrets: "Using secrets to access AWS Database Migration Service endpoints".
DMS_ENDPOINT_SECRETS = {"secretsmanager:GetSecretValue"}

Role = tuple[list[dict[str, Any]], Callable[[], set[str]], set[str]]
ROLES: dict[str, Role] = {
    "agent": (
        policy("workers", "agent"),
        lambda: calls_in(sorted((ROOT / "agent").rglob("*.py"))),
        ENCRYPTION,
    ),
    "trigger": (
        policy("api", "trigger") + policy("function", "runtime"),
        lambda: calls_in(closure("lambdas.trigger")),
        LAMBDA_RUNTIME,
    ),
    "status": (
        policy("api", "status") + policy("function", "runtime"),
        lambda: calls_in(closure("lambdas.status")),
        LAMBDA_RUNTIME,
    ),
    # The caller's document (the ASL's integrations) and the state_machine module's runtime one.
    "state-machine": (
        policy("orchestration", "state_machine") + policy("state_machine", "runtime"),
        asl_actions,
        STATE_MACHINE_RUNTIME,
    ),
    "load-state-machine": (
        policy("etl", "state_machine") + policy("state_machine", "runtime"),
        lambda: asl_actions(LOAD_ASL_PATH),
        STATE_MACHINE_RUNTIME,
    ),
    "landed": (
        policy("etl", "landed") + policy("function", "runtime"),
        lambda: calls_in(closure("lambdas.landed")),
        LAMBDA_RUNTIME,
    ),
    "dms-secrets": (
        policy("migration", "dms_secrets"),
        lambda: DMS_ENDPOINT_SECRETS,
        {"kms:Decrypt"},  # the secrets' own keys, only through Secrets Manager (kms:ViaService)
    ),
    "datasync-landing": (
        policy("migration", "datasync"),
        lambda: DATASYNC_S3_LOCATION,
        ENCRYPTION,  # the landing bucket's platform key
    ),
    "reconciler": (
        policy("reconciler", "reconciler") + policy("function", "runtime"),
        lambda: calls_in(closure("lambdas.reconciler")),
        LAMBDA_RUNTIME,
    ),
    "scaler": (
        policy("workers", "scaler") + policy("function", "runtime"),
        lambda: calls_in(closure("lambdas.scaler")),
        # A scheduled function with no dead-letter queue: the runtime's DLQ statement is a dynamic
        # block, granted only where a queue is passed, so it is the runtime's, not the code's.
        LAMBDA_RUNTIME,
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_policies_grant_what_the_code_calls_no_more_no_fewer(role: str) -> None:
    statements, derive, runtime = ROLES[role]
    needed = derive()
    granted = allowed(statements)
    assert needed, f"{role}: no calls found in the code"
    assert needed - granted == set(), f"{role} calls but is not granted {sorted(needed - granted)}"
    assert granted - needed - runtime == set(), (
        f"{role} is granted more than it calls: {sorted(granted - needed - runtime)}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_no_wildcard_actions_and_resources_scoped_to_arns(role: str) -> None:
    statements = ROLES[role][0]
    for statement in statements:
        if statement["effect"] != "Allow":
            continue
        assert not any("*" in a for a in statement["actions"]), (
            f"{role}: wildcard action in {statement['actions']}"
        )
        if "*" in statement["resources"]:
            assert statement["actions"] <= STAR_ONLY, (
                f"{role}: {sorted(statement['actions'] - STAR_ONLY)} on '*'"
            )
        else:
            assert all(r.startswith("${") for r in statement["resources"]), (
                f"{role}: literal resources {statement}"
            )


def test_the_derivation_sees_every_kind_of_call() -> None:
    agent = calls_in(sorted((ROOT / "agent").rglob("*.py")))
    assert {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "dynamodb:UpdateItem",
        "states:SendTaskSuccess",
        "states:SendTaskHeartbeat",
    } <= agent
    assert "states:StartExecution" in calls_in(closure("lambdas.trigger"))
    assert {"dynamodb:Query", "s3:GetObject"} <= calls_in(closure("lambdas.status"))
    assert asl_actions() == {"dynamodb:UpdateItem", "sqs:SendMessage", "events:PutEvents"}
    assert asl_actions(LOAD_ASL_PATH) == {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "sqs:SendMessage",
        "events:PutEvents",
    }
    assert {"states:StartExecution", "states:DescribeExecution"} == calls_in(closure("lambdas.landed"))
    assert {"autoscaling:SetInstanceProtection", "autoscaling:CompleteLifecycleAction"} <= agent
    assert {
        "dynamodb:GetItem",
        "quicksight:StartDashboardSnapshotJob",
        "quicksight:DescribeDashboardSnapshotJobResult",
        "quicksight:GenerateEmbedUrlForAnonymousUser",
    } <= agent
    assert {
        "sqs:GetQueueAttributes",
        "autoscaling:SetDesiredCapacity",
        "cloudwatch:GetMetricData",
    } <= calls_in(closure("lambdas.scaler"))


def _keys(expression: str) -> set[str]:
    return set(re.findall(r"(\w+)\s*=", expression))


def test_templatefile_fills_exactly_the_asl_placeholders() -> None:
    machine = load_module(MODULES / "orchestration").calls["machine"]
    (code,) = interpolations(machine["definition"])
    assert "var.asl_path" in code
    assert _keys(code) == placeholders(ASL_PATH.read_text())
    platform = load_module(TERRAFORM / "platform")
    assert "stepfunctions/snapshot.asl.json" in unquote(platform.calls["orchestration"]["asl_path"])


def test_templatefile_fills_exactly_the_load_asl_placeholders() -> None:
    machine = load_module(MODULES / "etl").calls["machine"]
    (code,) = interpolations(machine["definition"])
    assert "var.asl_path" in code
    assert _keys(code) == placeholders(LOAD_ASL_PATH.read_text())
    platform = load_module(TERRAFORM / "platform")
    assert "stepfunctions/load.asl.json" in unquote(platform.calls["etl"]["asl_path"])
    assert unquote(platform.calls["etl"]["datasets_path"]) == "${local.catalog.datasets}"


def agent_env_names() -> tuple[set[str], set[str]]:
    """(names the workers module always writes, names every agent_settings source adds)."""
    workers = load_module(MODULES / "workers")
    literal = set(re.findall(r"\b(SNAPSHOT_[A-Z_]+)\s*=", workers.locals["environment"]))
    platform = load_module(TERRAFORM / "platform")
    (defaults,) = re.findall(r"merge\(\s*\{([^}]*)\}", platform.locals["agent_settings"])
    settings = _keys(defaults)
    for env in ("dev", "prod"):
        tfvars = hcl2.loads((TERRAFORM / "environments" / env / "terraform.tfvars").read_text())
        settings |= set(tfvars.get("agent_settings", {}))
    return literal, {f"SNAPSHOT_{name.upper()}" for name in settings}


def test_user_data_sets_only_agent_settings_and_every_required_one() -> None:
    known = {f"SNAPSHOT_{name.upper()}" for name in AgentSettings.model_fields}
    required = {
        f"SNAPSHOT_{name.upper()}" for name, f in AgentSettings.model_fields.items() if f.is_required()
    }
    literal, from_settings = agent_env_names()
    assert literal | from_settings <= known, (
        f"not agent settings: {sorted((literal | from_settings) - known)}"
    )
    assert required <= literal, f"the user data never sets {sorted(required - literal)}"
    template = (MODULES / "workers" / "user_data.sh.tftpl").read_text()
    assert "cat > /etc/snapshot-agent/agent.env" in template
    assert re.search(r"systemctl restart .*\bsnapshot-agent\.service", template)


def environment_read_by(*models: type[LambdaSettings]) -> tuple[set[str], set[str]]:
    """(required, optional) environment names the given functions' settings models read."""
    required: set[str] = set()
    optional: set[str] = set()
    for model in models:
        for field in model.model_fields.values():
            assert field.alias is not None
            (required if field.is_required() else optional).add(field.alias)
    return required, optional


def assert_handler_exists(handler: str) -> None:
    module, function = handler.rsplit(".", 1)
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text())
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert function in functions, f"{module} has no function {function}"


def test_listing_tokens_are_sealed_for_the_one_purpose_the_code_names() -> None:
    """The status role may use the platform key only with the encryption context the code sends."""
    body = load_module(MODULES / "api").data[("aws_iam_policy_document", "status")]
    tokens = next(clean(s) for s in body["statement"] if unquote(clean(s).get("sid", '""')) == "PageTokens")
    condition = clean(
        tokens["condition"][0] if isinstance(tokens["condition"], list) else tokens["condition"]
    )
    assert unquote(condition["variable"]) == "kms:EncryptionContext:purpose"
    assert [unquote(v) for v in condition["values"]] == [PAGE_TOKEN_PURPOSE]


def test_lambdas_get_the_environment_and_handlers_the_code_reads() -> None:
    api = load_module(MODULES / "api")
    environment = set(api.locals["environment"])
    required, optional = environment_read_by(TriggerSettings, StatusSettings)
    assert required <= environment
    assert environment - required - optional <= {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL"}
    for spec in api.locals["functions"].values():
        assert_handler_exists(unquote(spec["handler"]))


def test_the_landed_function_gets_the_environment_and_handler_it_reads() -> None:
    etl = load_module(MODULES / "etl")
    environment = set(etl.locals["landed_environment"])
    required, _ = environment_read_by(LandedSettings)
    assert environment - {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL"} == required
    assert_handler_exists(unquote(etl.calls["landed"]["handler"]))


def test_the_reconciler_gets_the_environment_and_handler_it_reads() -> None:
    reconciler = load_module(MODULES / "reconciler")
    environment = set(reconciler.locals["environment"])
    required, optional = environment_read_by(ReconcilerSettings)
    assert required <= environment
    assert environment - required - optional <= {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL"}
    assert_handler_exists(unquote(reconciler.calls["function"]["handler"]))


def test_the_reconciler_sweeps_as_often_as_the_code_says_and_asks_for_a_sweep() -> None:
    reconciler = load_module(MODULES / "reconciler")
    minutes = reconciler.variables["sweep_minutes"]["default"]
    assert int(minutes) * 60 == SWEEP_SECONDS
    sweep = reconciler.calls["sweep"]
    assert json.loads(unquote_json(sweep["input"])) == SWEEP_EVENT


def unquote_json(expression: str) -> str:
    """``${jsonencode({ sweep = true })}`` as JSON: HCL's object syntax, one level deep."""
    body = re.fullmatch(r"\$\{jsonencode\((\{.*\})\)\}", expression.strip(), re.S)
    assert body, expression
    return re.sub(r"(\w+)\s*=", r'"\1":', body.group(1))


def test_every_catalogs_generated_files_are_current() -> None:
    """Terraform reads each environment's catalog through the files make generate writes."""
    assert stale_generated() == [], "a catalog changed: run make generate"
    assert len(catalog_dirs()) >= 3, "the sandbox's, dev's and prod's catalogs"


def test_each_environment_deploys_its_own_catalog() -> None:
    """dev and prod name their catalogs/<env>; local (dev's configuration on the sandbox) names
    the sandbox's; each is one of the catalogs make generate writes for."""
    known = {str(d.path.relative_to(ROOT)) for d in catalog_dirs()}
    default = load_module(TERRAFORM / "environments" / "dev").variables["catalog_dir"]["default"]
    local = hcl2.loads((TERRAFORM / "environments" / "local" / "terraform.tfvars").read_text())
    prod = load_module(TERRAFORM / "environments" / "prod").calls["platform"]["catalog_dir"]
    assert unquote(default) == "catalogs/dev" and unquote(local["catalog_dir"]) == "sandbox/catalog"
    assert unquote(prod).endswith("/../../../catalogs/prod")
    assert {"catalogs/dev", "catalogs/prod", "sandbox/catalog"} <= known
    assert parse_catalog((ROOT / "catalogs/dev/reports.toml").read_bytes()) != parse_catalog(
        (ROOT / "catalogs/prod/reports.toml").read_bytes()
    ), "dev and prod may differ"


def test_terraform_refuses_the_secret_names_the_catalog_refuses() -> None:
    """make generate and the workers module's validation hold secret names to one alphabet."""
    validation = load_module(MODULES / "workers").variables["browser_secrets"]["validation"][0]
    assert f'regex("^{SECRET_NAME.pattern}$", s)' in validation["condition"]
    assert 'startswith(s, "arn:")' in validation["condition"]


def test_the_scaler_gets_the_environment_it_reads() -> None:
    workers = load_module(MODULES / "workers")
    scaler = workers.calls["scaler"]
    environment = set(workers.locals["scaler_environment"]) | set(workers.locals["scaling_environment"])
    required, optional = environment_read_by(ScalerSettings)
    assert required <= environment
    assert environment - required - optional == {"POWERTOOLS_SERVICE_NAME"}
    assert unquote(scaler["handler"]) == "lambdas.scaler.handler"


def test_every_traced_function_runs_under_the_tracer() -> None:
    """Terraform turns X-Ray on for every function; each handler module wraps its entry point in
    Powertools' Tracer, so the traces carry the function's own segments."""
    function = load_module(MODULES / "function").resources[("aws_lambda_function", "this")]
    assert unquote(function["tracing_config"][0]["mode"]) == "Active"
    handlers = [unquote(s["handler"]) for s in load_module(MODULES / "api").locals["functions"].values()]
    handlers.append(unquote(load_module(MODULES / "workers").calls["scaler"]["handler"]))
    handlers.append(unquote(load_module(MODULES / "reconciler").calls["function"]["handler"]))
    for handler in handlers:
        module = handler.rsplit(".", 1)[0]
        code = (ROOT / (module.replace(".", "/") + ".py")).read_text()
        assert re.search(r"^tracer = Tracer\(", code, re.M), f"{module} has no Tracer"
        assert "entry_point(logger, tracer," in code, f"{module} does not trace its entry point"


@pytest.mark.parametrize("module", ["orchestration", "etl"])
def test_each_state_machine_is_the_modules_with_its_integrations_and_clock_checks(module: str) -> None:
    machine = load_module(MODULES / module).calls["machine"]
    assert unquote(machine["source"]) == "../state_machine"
    assert "data.aws_iam_policy_document.state_machine.json" in str(machine["integrations_policy_json"])
    assert "timeout_seconds >=" in str(machine["checks"]), (
        "its budget is held to its timeout and capacity wait"
    )
    role = load_module(MODULES / "state_machine").data[("aws_iam_policy_document", "role")]
    assert "var.integrations_policy_json" in str(role["source_policy_documents"])


@pytest.mark.parametrize(
    ("document", "service"),
    [("dms_assume", "dms.${var.region}.amazonaws.com"), ("datasync_assume", "datasync.amazonaws.com")],
)
def test_the_migration_roles_trust_only_their_service_for_this_account(document: str, service: str) -> None:
    body = load_module(MODULES / "migration").data[("aws_iam_policy_document", document)]
    (statement,) = [clean(s) for s in body["statement"]]
    (principal,) = statement["principals"]
    assert [unquote(i) for i in principal["identifiers"]] == [service]
    variables = {unquote(c["variable"]) for c in statement["condition"]}
    assert "aws:SourceAccount" in variables, "a confused deputy could use the role for another account"


def test_the_dms_account_roles_carry_only_aws_policies_for_dms() -> None:
    """dms-vpc-role and dms-cloudwatch-logs-role are DMS's fixed names; AWS's managed policies
    are all they hold."""
    migration = load_module(MODULES / "migration")
    roles = migration.locals["dms_account_roles"]
    assert {unquote(k): unquote(v) for k, v in roles.items()} == {
        "dms-vpc-role": "service-role/AmazonDMSVPCManagementRole",
        "dms-cloudwatch-logs-role": "service-role/AmazonDMSCloudWatchLogsRole",
    }
    inline = [name for (kind, name) in migration.resources if kind == "aws_iam_role_policy"]
    assert sorted(inline) == ["datasync", "dms_secrets"]


# The AWS services the agents, the Lambdas and DMS call, by the VPC endpoint that carries them
# (private subnets have no route to the internet). QuickSight's API has no VPC endpoint here.
ENDPOINT_OF = {"cloudwatch": "monitoring", "stepfunctions": "states", "events": "events"}


def test_every_service_the_code_calls_is_reachable_from_the_private_subnets() -> None:
    network = load_module(MODULES / "network")
    interfaces = set(re.findall(r'"([a-z]+)"', network.locals["interface_services"]))
    gateways = {"s3", "dynamodb"}
    deployed = sorted((ROOT / "agent").rglob("*.py"))
    for handler in ("trigger", "status", "landed", "scaler", "reconciler"):
        deployed += closure(f"lambdas.{handler}")
    called = {action.split(":")[0] for action in calls_in(deployed)}
    prefixes = {v: k for k, v in IAM_PREFIX.items()}
    services = {ENDPOINT_OF.get(prefixes[p], prefixes[p]) for p in called} - {"quicksight"}
    assert services - interfaces - gateways == set()
    assert "secretsmanager" in interfaces, "DMS reads its endpoint secrets from the VPC"


def test_the_scaler_is_given_only_the_policy_knobs_the_code_reads_and_no_defaults() -> None:
    """The policy's defaults live in scaling/policy.py alone: Terraform passes what is set."""
    workers = load_module(MODULES / "workers")
    knobs = {ScalerSettings.model_fields[knob].alias for knob in POLICY_KNOBS}
    assert set(workers.locals["scaling_environment"]) == knobs
    assert set(POLICY_KNOBS) <= {f.name for f in dataclasses.fields(Policy)}
    scaling = workers.variables["scaling"]["type"]
    assert "optional(number)" in scaling and not re.search(r"optional\(number,", scaling)


def test_the_scalers_policy_knobs_come_from_the_environment_or_the_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUEUE_URL", "q")
    monkeypatch.setenv("AUTOSCALING_GROUP", "g")
    for knob in POLICY_KNOBS:
        monkeypatch.delenv(str(ScalerSettings.model_fields[knob].alias), raising=False)
    monkeypatch.setenv("DEFAULT_CAPACITY", "10")
    assert ScalerSettings.from_env().policy == {"default_capacity": 10}
    monkeypatch.setenv("IDLE_TO_ZERO_SECONDS", "ten minutes")
    with pytest.raises(
        SettingsError, match="IDLE_TO_ZERO_SECONDS: Input should be a valid number"
    ) as refused:
        ScalerSettings.from_env()
    assert "ten minutes" not in str(refused.value), "a refusal never shows a value"
