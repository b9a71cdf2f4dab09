"""Creates in moto what Terraform declares on AWS: bucket, tables and index, queue and DLQ,
event bus, the state machine from the same ASL template, and the catalog object.

It is the same topology as Terraform's (tests/terraform/test_terraform_on_moto.py applies both to
one moto and compares them) but for the differences named here, each on purpose:

- ``PlatformOptions``' defaults are sandbox-sized timers (``SANDBOX_SIZED``): a dead worker's job
  comes back in seconds, not minutes, so tests and the demo can watch it happen;
- ``SANDBOX_ONLY_RULES``, ``TERRAFORM_ONLY_RULES`` and ``SHIMMED_RULES`` below;
- the hardening the sandbox leaves out, having no data to protect on loopback: KMS keys, TLS-only
  and access policies, access logs, lifecycle rules, point-in-time recovery, IAM roles (the state
  machine's role ARN names a role that does not exist), logging and tracing;
- everything that runs as a process here instead of as an AWS resource: the Lambdas, the API,
  the worker fleet and its scaler, the VPC.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from contracts import topology
from contracts.asl_template import render_asl
from contracts.catalog_dirs import SANDBOX
from contracts.entitlements_seed import parse_seed
from contracts.topology import CATALOG_KEY, EVENT_SOURCE
from lambdas.dynamo_types import serialize
from lambdas.settings import LandedSettings, ReconcilerSettings, StatusSettings, TriggerSettings
from sandbox.data_platform import DataPlatform, LoadOptions, create_data_platform
from sandbox.queues import queue_arn, rule_to_queue

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG = SANDBOX.reports
DEFAULT_ENTITLEMENTS = SANDBOX.entitlements
DEFAULT_DATASETS = SANDBOX.datasets
ACCOUNT = "123456789012"
# The fields of PlatformOptions whose defaults differ from Terraform's (the rest are equal).
SANDBOX_SIZED = (
    "visibility_timeout_seconds",
    "retry_interval_seconds",
    "retry_max_attempts",
    "queued_interval_seconds",
    "queued_max_attempts",
)
# Rules on the bus, by name without the platform's prefix, that only one of the two creates.
SANDBOX_ONLY_RULES = {
    "notifications": "Snapshot Ready/Failed into an SQS queue that tests and the demo read; on AWS "
    "whoever consumes them adds a rule of their own",
}
TERRAFORM_ONLY_RULES: dict[str, str] = {}
# Rules both create, whose target is a function on AWS and a queue here: moto's EventBridge cannot
# invoke a function, so the sandbox's event shim reads the queue and invokes it.
SHIMMED_RULES = {
    "snapshot-requests": "Snapshot Requested/Data Landed to the trigger function",
    "execution-status": "Step Functions' execution status changes to the reconciler function (on the "
    "default bus, where sandbox/execution_events.py puts them: moto sends none)",
}


@dataclass(frozen=True)
class PlatformOptions:
    """The platform's numbers (the timers table (docs/timers.md) says what each clock does). Defaults are
    sandbox-sized where ``SANDBOX_SIZED`` says so (Terraform: the agent's visibility of 120 s,
    retries from 30 s, 3 of them, a queued load asking every 20 s, 180 times); the rest are
    Terraform's."""

    visibility_timeout_seconds: int = 60
    """The agents' message visibility, extended by their heartbeat (a quarter of it here)."""
    max_receive_count: int = 5
    """The queue's redrive; the agents fail a job as poison one receive earlier."""
    job_timeout_seconds: int = 21_600
    """The job budget: Render's TimeoutSeconds, from queued to reported."""
    render_timeout_seconds: int = 900
    retry_interval_seconds: int = 1
    retry_max_attempts: int = 2
    queued_interval_seconds: int = 1
    """How often a load queued behind an earlier file of its dataset asks again."""
    queued_max_attempts: int = 600


@dataclass(frozen=True)
class Platform:
    name: str
    region: str
    bucket: str
    table: str
    lease_table: str
    entitlements_table: str
    queue_url: str
    dlq_url: str
    events_queue_url: str
    execution_status_queue_url: str  # the reconciler's events (sandbox only, read by the shim)
    event_bus: str
    state_machine_arn: str
    catalog_uri: str
    data: DataPlatform
    kms_key_arn: str  # the platform's key; the status function seals next_token with it
    options: PlatformOptions = field(default_factory=PlatformOptions)

    def trigger_settings(self) -> TriggerSettings:
        return TriggerSettings(
            table_name=self.table,
            bucket_name=self.bucket,
            catalog_uri=self.catalog_uri,
            state_machine_arn=self.state_machine_arn,
            entitlements_table=self.entitlements_table,
            catalog_ttl_seconds=0,
            entitlements_ttl_seconds=0,
        )

    def status_settings(self) -> StatusSettings:
        return StatusSettings(
            table_name=self.table,
            catalog_uri=self.catalog_uri,
            entitlements_table=self.entitlements_table,
            page_token_key=self.kms_key_arn,
            catalog_ttl_seconds=0,
            entitlements_ttl_seconds=0,
        )

    def landed_settings(self) -> LandedSettings:
        return LandedSettings(state_machine_arn=self.data.load_state_machine_arn)

    def reconciler_settings(self) -> ReconcilerSettings:
        return ReconcilerSettings(
            table_name=self.table,
            ledger_table=self.data.ledger_table,
            state_machine_arn=self.state_machine_arn,
            load_state_machine_arn=self.data.load_state_machine_arn,
            event_bus_name=self.event_bus,
            stuck_seconds=self.options.job_timeout_seconds,
        )

    def lambda_env(self) -> dict[str, str]:
        """What Terraform sets on the functions; ``*_settings()`` are what they read from it."""
        return {
            "TABLE_NAME": self.table,
            "BUCKET_NAME": self.bucket,
            "CATALOG_URI": self.catalog_uri,
            "STATE_MACHINE_ARN": self.state_machine_arn,
            "ENTITLEMENTS_TABLE": self.entitlements_table,
            "PAGE_TOKEN_KEY_ID": self.kms_key_arn,
            "LOAD_STATE_MACHINE_ARN": self.data.load_state_machine_arn,
            "LOADS_TABLE": self.data.ledger_table,
            "EVENT_BUS_NAME": self.event_bus,
            "STUCK_SECONDS": str(self.options.job_timeout_seconds),
            "CATALOG_TTL_SECONDS": "0",
            "ENTITLEMENTS_TTL_SECONDS": "0",
            "POWERTOOLS_SERVICE_NAME": "snapshot-engine",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_DISABLED": "true",  # EMF lines would go to the sandbox's stdout
        }

    def agent_env(self, data_sources: dict[str, str], **overrides: Any) -> dict[str, str]:
        env = {
            "SNAPSHOT_QUEUE_URL": self.queue_url,
            "SNAPSHOT_BUCKET": self.bucket,
            "SNAPSHOT_TABLE": self.table,
            "SNAPSHOT_LEASE_TABLE": self.lease_table,
            "SNAPSHOT_CATALOG_URI": self.catalog_uri,
            "SNAPSHOT_DATASETS_URI": self.data.datasets_uri,
            "SNAPSHOT_LOADS_LEDGER_TABLE": self.data.ledger_table,
            "SNAPSHOT_DATA_SOURCES": json.dumps(data_sources),
            "SNAPSHOT_VISIBILITY_TIMEOUT_SECONDS": str(self.options.visibility_timeout_seconds),
            "SNAPSHOT_HEARTBEAT_SECONDS": str(max(1, self.options.visibility_timeout_seconds // 4)),
            "SNAPSHOT_RENDER_TIMEOUT_SECONDS": str(self.options.render_timeout_seconds),
            "SNAPSHOT_MAX_RECEIVES": str(self.options.max_receive_count - 1),
            "SNAPSHOT_DEAD_LETTER_QUEUE_URL": self.dlq_url,
        }
        env.update({f"SNAPSHOT_{k.upper()}": str(v) for k, v in overrides.items()})
        return env


def asl_values(table: str, queue_url: str, bus: str, options: PlatformOptions) -> dict[str, Any]:
    """The same names Terraform passes to templatefile() for stepfunctions/snapshot.asl.json."""
    return {
        "table_name": table,
        "queue_url": queue_url,
        "event_bus_name": bus,
        "event_source": EVENT_SOURCE,
        "job_timeout_seconds": options.job_timeout_seconds,
        "retry_interval_seconds": options.retry_interval_seconds,
        "retry_max_attempts": options.retry_max_attempts,
    }


def create_platform(
    name: str,
    catalog_path: Path = DEFAULT_CATALOG,
    options: PlatformOptions | None = None,
    catalog_values: dict[str, str] | None = None,
    entitlements_path: Path = DEFAULT_ENTITLEMENTS,
    datasets_path: Path = DEFAULT_DATASETS,
) -> Platform:
    """``catalog_values`` fill the catalog's ``@NAME@`` markers (the sandbox's local URLs);
    ``entitlements_path`` seeds the entitlements table (what an operator would write there)."""
    options = options or PlatformOptions()
    session = boto3.session.Session()
    bucket = _create_storage(session, name, _catalog_text(catalog_path, catalog_values or {}))
    table, lease_table = _create_tables(session, name)
    entitlements = _create_entitlements(session, name, entitlements_path)
    queue_url, dlq_url = _create_queues(session, name, options)
    bus, events_queue_url = _create_bus(session, name)
    state_machine_arn = _create_state_machine(session, name, asl_values(table, queue_url, bus, options))
    # The load state machine retries as the snapshot one does (sandbox-sized alike).
    loads = LoadOptions(
        retry_interval_seconds=options.retry_interval_seconds,
        retry_max_attempts=options.retry_max_attempts,
        queued_interval_seconds=options.queued_interval_seconds,
        queued_max_attempts=options.queued_max_attempts,
    )
    data = create_data_platform(session, name, ACCOUNT, bucket, datasets_path, queue_url, bus, loads)
    execution_status_queue_url = rule_to_queue(
        session.client("sqs"),
        session.client("events"),
        topology.execution_status_rule(name),
        topology.DEFAULT_BUS,
        topology.execution_status_pattern([state_machine_arn, data.load_state_machine_arn]),
    )
    return Platform(
        name=name,
        region=session.region_name or "us-east-1",
        bucket=bucket,
        table=table,
        lease_table=lease_table,
        entitlements_table=entitlements,
        queue_url=queue_url,
        dlq_url=dlq_url,
        events_queue_url=events_queue_url,
        execution_status_queue_url=execution_status_queue_url,
        event_bus=bus,
        state_machine_arn=state_machine_arn,
        catalog_uri=f"s3://{bucket}/{CATALOG_KEY}",
        data=data,
        kms_key_arn=_create_key(session, name),
        options=options,
    )


def _catalog_text(path: Path, values: dict[str, str]) -> str:
    text = path.read_text()
    for marker, value in values.items():
        text = text.replace(f"@{marker}@", value)
    return text


def _create_key(session: boto3.session.Session, name: str) -> str:
    """The platform's customer-managed key (Terraform's encryption module); in the sandbox only
    the status function uses it, to seal listings' next_token."""
    key = session.client("kms").create_key(Description=f"{name}: snapshots, metadata, jobs, logs")
    return str(key["KeyMetadata"]["Arn"])


def _create_storage(session: boto3.session.Session, name: str, catalog: str) -> str:
    s3 = session.client("s3")
    bucket = topology.bucket_name(name, ACCOUNT)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key=CATALOG_KEY, Body=catalog.encode())
    return bucket


def _create_tables(session: boto3.session.Session, name: str) -> tuple[str, str]:
    ddb = session.client("dynamodb")
    table = topology.snapshots_table(name)
    keys = (
        topology.SNAPSHOTS_KEY,
        topology.BY_REPORT_HASH_KEY,
        topology.BY_REPORT_RANGE_KEY,
        topology.IN_PROGRESS_HASH_KEY,
    )
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
        KeySchema=[{"AttributeName": topology.SNAPSHOTS_KEY, "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": topology.BY_REPORT_INDEX,
                "KeySchema": [
                    {"AttributeName": topology.BY_REPORT_HASH_KEY, "KeyType": "HASH"},
                    {"AttributeName": topology.BY_REPORT_RANGE_KEY, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": topology.IN_PROGRESS_INDEX,
                "KeySchema": [
                    {"AttributeName": topology.IN_PROGRESS_HASH_KEY, "KeyType": "HASH"},
                    {"AttributeName": topology.IN_PROGRESS_RANGE_KEY, "KeyType": "RANGE"},
                ],
                "Projection": {
                    "ProjectionType": "INCLUDE",
                    "NonKeyAttributes": list(topology.IN_PROGRESS_ATTRIBUTES),
                },
            },
        ],
    )
    ddb.update_time_to_live(
        TableName=table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": topology.TTL_ATTRIBUTE},
    )
    lease_table = _create_keyed_table(ddb, topology.lease_table(name), topology.LEASE_KEY)
    return table, lease_table


def _create_keyed_table(ddb: Any, table: str, key: str) -> str:
    """An on-demand table with one string hash key (the leases, the entitlements)."""
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
    )
    return table


def _create_entitlements(session: boto3.session.Session, name: str, seed: Path) -> str:
    ddb = session.client("dynamodb")
    table = _create_keyed_table(ddb, topology.entitlements_table(name), topology.ENTITLEMENTS_KEY)
    for entry in parse_seed(seed.read_bytes()).entitlements:
        item = {topology.ENTITLEMENTS_KEY: entry.subject, topology.ENTITLEMENTS_PARAMS: entry.params}
        ddb.put_item(TableName=table, Item=serialize(item))
    return table


def _create_queues(session: boto3.session.Session, name: str, options: PlatformOptions) -> tuple[str, str]:
    sqs = session.client("sqs")
    dlq_url = sqs.create_queue(
        QueueName=topology.dead_letter_queue(name),
        Attributes={
            "MessageRetentionPeriod": str(topology.DLQ_RETENTION_SECONDS),
            "MaximumMessageSize": str(topology.MAX_MESSAGE_BYTES),
        },
    )["QueueUrl"]
    redrive = {"deadLetterTargetArn": queue_arn(sqs, dlq_url), "maxReceiveCount": options.max_receive_count}
    queue_url = sqs.create_queue(
        QueueName=topology.jobs_queue(name),
        Attributes={
            "VisibilityTimeout": str(options.render_timeout_seconds + topology.VISIBILITY_MARGIN_SECONDS),
            "ReceiveMessageWaitTimeSeconds": str(topology.RECEIVE_WAIT_SECONDS),
            "MessageRetentionPeriod": str(topology.JOBS_RETENTION_SECONDS),
            "MaximumMessageSize": str(topology.MAX_MESSAGE_BYTES),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    allow = {"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn(sqs, queue_url)]}
    sqs.set_queue_attributes(QueueUrl=dlq_url, Attributes={"RedriveAllowPolicy": json.dumps(allow)})
    return queue_url, dlq_url


def _create_bus(session: boto3.session.Session, name: str) -> tuple[str, str]:
    """The bus, and the sandbox's own rule that copies every notification into a queue."""
    events = session.client("events")
    sqs = session.client("sqs")
    bus = topology.event_bus(name)
    events.create_event_bus(Name=bus)
    return bus, rule_to_queue(sqs, events, f"{name}-notifications", bus, {"source": [EVENT_SOURCE]})


def _create_state_machine(session: boto3.session.Session, name: str, values: dict[str, Any]) -> str:
    arn: str = session.client("stepfunctions").create_state_machine(
        name=topology.state_machine(name),
        definition=json.dumps(render_asl(values)),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-state-machine",
        type="STANDARD",
    )["stateMachineArn"]
    return arn
