"""What the platform's behaviour depends on, read back from moto with boto3 and written without the
platform's name: applied to Terraform's platform and to the sandbox's, the two descriptions must
be equal but for the differences sandbox/platform.py names."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3

from contracts.topology import DEFAULT_BUS, execution_status_rule

QUEUE_SETTINGS = (
    "VisibilityTimeout",
    "ReceiveMessageWaitTimeSeconds",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "MaximumMessageSize",
    "RedrivePolicy",
    "RedriveAllowPolicy",
)


@dataclass(frozen=True)
class Names:
    prefix: str
    bucket: str
    table: str
    lease_table: str
    entitlements_table: str
    queue_url: str
    dlq_url: str
    event_bus: str
    state_machine_arn: str
    catalog_key: str


def _table(name: str) -> dict[str, Any]:
    dynamodb = boto3.client("dynamodb")
    table = dynamodb.describe_table(TableName=name)["Table"]
    return {
        "keys": table["KeySchema"],
        "attributes": sorted(table["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
        "billing": table.get("BillingModeSummary", {}).get("BillingMode"),
        "indexes": [
            {"name": i["IndexName"], "keys": i["KeySchema"], "projection": _projection(i["Projection"])}
            for i in table.get("GlobalSecondaryIndexes", [])
        ],
        "ttl": dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
    }


def _projection(projection: Mapping[str, Any]) -> dict[str, Any]:
    """Terraform keeps an index's non-key attributes as a set: their order is not the point."""
    return {**projection, "NonKeyAttributes": sorted(projection.get("NonKeyAttributes", []))}


def _queue(url: str) -> dict[str, Any]:
    response = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    attributes = {str(k): v for k, v in response["Attributes"].items()}
    described: dict[str, Any] = {k: attributes.get(k) for k in QUEUE_SETTINGS}
    for policy in ("RedrivePolicy", "RedriveAllowPolicy"):  # JSON: compared by meaning, not spacing
        described[policy] = json.loads(described[policy]) if described[policy] else None
    return described


def _rules(bus: str, prefix: str, only: set[str] | None = None) -> dict[str, Any]:
    events = boto3.client("events")
    rules = {}
    for rule in events.list_rules(EventBusName=bus, NamePrefix=f"{prefix}-")["Rules"]:
        if only is not None and rule["Name"] not in only:
            continue
        targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
        rules[rule["Name"].removeprefix(f"{prefix}-")] = {
            "pattern": json.loads(rule["EventPattern"]),
            "targets": sorted(t["Arn"].split(":")[2] for t in targets),  # the target's service
        }
    return rules


def describe(names: Names) -> dict[str, Any]:
    s3 = boto3.client("s3")
    machine = boto3.client("stepfunctions").describe_state_machine(stateMachineArn=names.state_machine_arn)
    described = {
        "bucket": {
            "versioning": s3.get_bucket_versioning(Bucket=names.bucket).get("Status"),
            "catalog": s3.head_object(Bucket=names.bucket, Key=names.catalog_key)["ContentLength"] > 0,
        },
        "table": _table(names.table),
        "lease_table": _table(names.lease_table),
        "entitlements_table": _table(names.entitlements_table),
        "queue": _queue(names.queue_url),
        "dlq": _queue(names.dlq_url),
        # the platform bus's rules, and the default bus's one that takes Step Functions' events
        "rules": _rules(names.event_bus, names.prefix)
        | _rules(DEFAULT_BUS, names.prefix, only={execution_status_rule(names.prefix)}),
        "state_machine": {"type": machine["type"], "definition": json.loads(machine["definition"])},
    }
    # the platform's own name (in URLs, ARNs and names) is the one thing allowed to differ
    text = json.dumps(described, sort_keys=True).replace(names.prefix, "<name>")
    result: dict[str, Any] = json.loads(text)
    return result


@dataclass(frozen=True)
class DataNames:
    prefix: str
    landing_bucket: str
    ledger_table: str
    load_state_machine_arn: str
    catalog_bucket: str
    event_streams: dict[str, str]


def describe_data(names: DataNames) -> dict[str, Any]:
    """The data half: the landing bucket, the ledger, the load state machine, the datasets object,
    the streams and the rule that starts loads (its pattern; its target is the caller's to check)."""
    s3 = boto3.client("s3")
    machine = boto3.client("stepfunctions").describe_state_machine(
        stateMachineArn=names.load_state_machine_arn
    )
    events = boto3.client("events")
    rule = events.describe_rule(Name=f"{names.prefix}-object-created")
    targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    described = {
        "landing": {"versioning": s3.get_bucket_versioning(Bucket=names.landing_bucket).get("Status")},
        "datasets": s3.head_object(Bucket=names.catalog_bucket, Key="catalog/datasets.toml")["ContentLength"]
        > 0,
        "ledger": _table(names.ledger_table),
        "load_state_machine": {"type": machine["type"], "definition": json.loads(machine["definition"])},
        "object_created": {
            "pattern": json.loads(rule["EventPattern"]),
            "targets": sorted(t["Arn"].split(":")[2] for t in targets),
        },
        "event_streams": sorted(names.event_streams),
    }
    text = json.dumps(described, sort_keys=True).replace(names.prefix, "<name>")
    result: dict[str, Any] = json.loads(text)
    return result
