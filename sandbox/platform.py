"""Creates in moto what Terraform declares on AWS: bucket, tables and index, queue and DLQ,
event bus, the state machine from the same ASL template, and the catalog object.

It is the same topology as Terraform's (tests/terraform/test_terraform_on_moto.py applies both to
one moto and compares them) but for the differences named here, each on purpose:

- ``PlatformOptions``' defaults are sandbox-sized timers (``SANDBOX_SIZED``): a dead worker's job
  comes back in seconds, not minutes, so tests and the demo can watch it happen;
- ``SANDBOX_ONLY_RULES`` and ``TERRAFORM_ONLY_RULES`` below;
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

from contracts.asl_template import render_asl

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG = ROOT / "catalog" / "reports.toml"
ACCOUNT = "123456789012"
EVENT_SOURCE = "snapshot-engine"
CATALOG_KEY = "catalog/reports.toml"
# The fields of PlatformOptions whose defaults differ from Terraform's (the rest are equal).
SANDBOX_SIZED = ("visibility_timeout_seconds", "retry_interval_seconds", "retry_max_attempts")
# Rules on the bus, by name without the platform's prefix, that only one of the two creates.
SANDBOX_ONLY_RULES = {
    "notifications": "Snapshot Ready/Failed into an SQS queue that tests and the demo read; on AWS "
    "whoever consumes them adds a rule of their own",
}
TERRAFORM_ONLY_RULES = {
    "snapshot-requests": "Snapshot Requested/Data Landed to the trigger Lambda: moto's EventBridge "
    "cannot invoke a Lambda, so the sandbox hands such events to the trigger itself",
}
# The queues' own settings, as Terraform's queue module sets them. The agent passes its own
# visibility and wait on every receive; these matter to any other reader.
JOBS_RETENTION_SECONDS = 345_600
DLQ_RETENTION_SECONDS = 1_209_600
RECEIVE_WAIT_SECONDS = 20
MAX_MESSAGE_BYTES = 262_144  # a job is a few hundred bytes; the task output's own limit is 256 KB


@dataclass(frozen=True)
class PlatformOptions:
    """The platform's numbers (the README's timers table says what each clock does). Defaults are
    sandbox-sized where ``SANDBOX_SIZED`` says so (Terraform: the agent's visibility of 120 s,
    retries from 30 s, 3 of them); the rest are Terraform's."""

    visibility_timeout_seconds: int = 60
    """The agents' message visibility, extended by their heartbeat (a quarter of it here)."""
    max_receive_count: int = 5
    """The queue's redrive; the agents fail a job as poison one receive earlier."""
    job_timeout_seconds: int = 21_600
    """The job budget: Render's TimeoutSeconds, from queued to reported."""
    render_timeout_seconds: int = 900
    retry_interval_seconds: int = 1
    retry_max_attempts: int = 2


@dataclass(frozen=True)
class Platform:
    name: str
    region: str
    bucket: str
    table: str
    lease_table: str
    queue_url: str
    dlq_url: str
    events_queue_url: str
    event_bus: str
    state_machine_arn: str
    catalog_uri: str
    options: PlatformOptions = field(default_factory=PlatformOptions)

    def lambda_env(self) -> dict[str, str]:
        return {
            "TABLE_NAME": self.table,
            "BUCKET_NAME": self.bucket,
            "CATALOG_URI": self.catalog_uri,
            "STATE_MACHINE_ARN": self.state_machine_arn,
            "CATALOG_TTL_SECONDS": "0",
            "POWERTOOLS_SERVICE_NAME": "snapshot-engine",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }

    def agent_env(self, data_sources: dict[str, str], **overrides: Any) -> dict[str, str]:
        env = {
            "SNAPSHOT_QUEUE_URL": self.queue_url,
            "SNAPSHOT_BUCKET": self.bucket,
            "SNAPSHOT_TABLE": self.table,
            "SNAPSHOT_LEASE_TABLE": self.lease_table,
            "SNAPSHOT_CATALOG_URI": self.catalog_uri,
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
) -> Platform:
    """``catalog_values`` fill the catalog's ``@NAME@`` markers (the sandbox's local URLs)."""
    options = options or PlatformOptions()
    session = boto3.session.Session()
    region = session.region_name or "us-east-1"
    s3 = session.client("s3")
    ddb = session.client("dynamodb")
    sqs = session.client("sqs")
    events = session.client("events")
    sfn = session.client("stepfunctions")

    bucket = f"{name}-snapshots-{ACCOUNT}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    catalog_text = catalog_path.read_text()
    for marker, value in (catalog_values or {}).items():
        catalog_text = catalog_text.replace(f"@{marker}@", value)
    s3.put_object(Bucket=bucket, Key=CATALOG_KEY, Body=catalog_text.encode())

    table = f"{name}-snapshots"
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "key", "AttributeType": "S"},
            {"AttributeName": "report", "AttributeType": "S"},
            {"AttributeName": "requested_at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-report",
                "KeySchema": [
                    {"AttributeName": "report", "KeyType": "HASH"},
                    {"AttributeName": "requested_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    ddb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )

    lease_table = f"{name}-leases"
    ddb.create_table(
        TableName=lease_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "name", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "name", "KeyType": "HASH"}],
    )

    dlq_url = sqs.create_queue(
        QueueName=f"{name}-jobs-dlq",
        Attributes={
            "MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS),
            "MaximumMessageSize": str(MAX_MESSAGE_BYTES),
        },
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName=f"{name}-jobs",
        Attributes={
            "VisibilityTimeout": str(options.render_timeout_seconds + 60),
            "ReceiveMessageWaitTimeSeconds": str(RECEIVE_WAIT_SECONDS),
            "MessageRetentionPeriod": str(JOBS_RETENTION_SECONDS),
            "MaximumMessageSize": str(MAX_MESSAGE_BYTES),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": options.max_receive_count}
            ),
        },
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sqs.set_queue_attributes(
        QueueUrl=dlq_url,
        Attributes={
            "RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn]})
        },
    )

    bus = f"{name}-events"
    events.create_event_bus(Name=bus)
    events_queue_url = sqs.create_queue(QueueName=f"{name}-notifications")["QueueUrl"]
    events_queue_arn = sqs.get_queue_attributes(QueueUrl=events_queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.put_rule(
        Name=f"{name}-notifications", EventBusName=bus, EventPattern=json.dumps({"source": [EVENT_SOURCE]})
    )
    events.put_targets(
        Rule=f"{name}-notifications", EventBusName=bus, Targets=[{"Id": "queue", "Arn": events_queue_arn}]
    )

    definition = render_asl(asl_values(table, queue_url, bus, options))
    state_machine_arn = sfn.create_state_machine(
        name=f"{name}-snapshot",
        definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-state-machine",
        type="STANDARD",
    )["stateMachineArn"]

    return Platform(
        name=name,
        region=region,
        bucket=bucket,
        table=table,
        lease_table=lease_table,
        queue_url=queue_url,
        dlq_url=dlq_url,
        events_queue_url=events_queue_url,
        event_bus=bus,
        state_machine_arn=state_machine_arn,
        catalog_uri=f"s3://{bucket}/{CATALOG_KEY}",
        options=options,
    )
