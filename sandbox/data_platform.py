"""The data half in moto, as Terraform's ``etl`` module declares it: the landing bucket (S3 →
EventBridge notifications on), the loads ledger, the load state machine from its ASL template,
the dataset catalog object, and the rule that sends S3's "Object Created" on to the landed
function. moto's EventBridge cannot invoke a function, so here that rule, and the one carrying
"Data Landed" to the trigger, deliver into queues the sandbox's event shim reads
(``sandbox/event_shim.py``): the one step the sandbox does differently."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from contracts import topology
from contracts.asl_template import LOAD_ASL_PATH, render_asl
from contracts.datasets import PLATFORM_KEYS, DatasetCatalog, parse_datasets
from contracts.loads import OBJECT_CREATED, LandedObject
from contracts.topology import DATASETS_KEY, LOADS_EVENT_SOURCE, REQUEST_DETAIL_TYPES, REQUEST_SOURCES
from sandbox.queues import rule_to_queue


@dataclass(frozen=True)
class DataPlatform:
    landing_bucket: str
    ledger_table: str
    load_state_machine_arn: str
    datasets_uri: str
    landed_queue_url: str  # "Object Created" for the landed function (sandbox only)
    requests_queue_url: str  # "Snapshot Requested" / "Data Landed" for the trigger (sandbox only)
    event_streams: dict[str, str] = field(default_factory=dict)  # dataset -> Firehose stream


@dataclass(frozen=True)
class LoadOptions:
    load_job_timeout_seconds: int = 21_600
    retry_interval_seconds: int = 1
    retry_max_attempts: int = 2
    queued_interval_seconds: int = 1
    queued_max_attempts: int = 600


def object_created_pattern(landing_bucket: str) -> dict[str, Any]:
    """Files landing anywhere but under the platform's own prefixes (rejects, Firehose errors)."""
    return {
        "source": ["aws.s3"],
        "detail-type": [OBJECT_CREATED],
        "detail": {
            "bucket": {"name": [landing_bucket]},
            "object": {"key": [{"anything-but": {"prefix": PLATFORM_KEYS}}]},
        },
    }


def load_asl_values(ledger: str, queue_url: str, bus: str, options: LoadOptions) -> dict[str, Any]:
    """The same names Terraform passes to templatefile() for stepfunctions/load.asl.json."""
    return {
        "ledger_table": ledger,
        "queue_url": queue_url,
        "event_bus_name": bus,
        "loads_event_source": LOADS_EVENT_SOURCE,
        "load_job_timeout_seconds": options.load_job_timeout_seconds,
        "retry_interval_seconds": options.retry_interval_seconds,
        "retry_max_attempts": options.retry_max_attempts,
        "queued_interval_seconds": options.queued_interval_seconds,
        "queued_max_attempts": options.queued_max_attempts,
    }


def create_data_platform(
    session: boto3.session.Session,
    name: str,
    account: str,
    catalog_bucket: str,
    datasets: Path,
    queue_url: str,
    bus: str,
    options: LoadOptions | None = None,
) -> DataPlatform:
    options = options or LoadOptions()
    s3, sqs, events = session.client("s3"), session.client("sqs"), session.client("events")
    landing = topology.landing_bucket(name, account)
    s3.create_bucket(Bucket=landing)
    s3.put_bucket_versioning(Bucket=landing, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(
        Bucket=landing, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    s3.put_object(Bucket=catalog_bucket, Key=DATASETS_KEY, Body=datasets.read_bytes())
    streams = _create_event_streams(session, name, account, landing, parse_datasets(datasets.read_bytes()))
    ddb = session.client("dynamodb")
    ledger = topology.loads_table(name)
    ddb.create_table(
        TableName=ledger,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"}
            for name in (
                topology.LOADS_KEY,
                topology.LOADS_BY_DATASET_HASH_KEY,
                topology.LOADS_BY_DATASET_RANGE_KEY,
            )
        ],
        KeySchema=[{"AttributeName": topology.LOADS_KEY, "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": topology.LOADS_BY_DATASET_INDEX,
                "KeySchema": [
                    {"AttributeName": topology.LOADS_BY_DATASET_HASH_KEY, "KeyType": "HASH"},
                    {"AttributeName": topology.LOADS_BY_DATASET_RANGE_KEY, "KeyType": "RANGE"},
                ],
                "Projection": {
                    "ProjectionType": "INCLUDE",
                    "NonKeyAttributes": list(topology.LOADS_BY_DATASET_ATTRIBUTES),
                },
            }
        ],
    )
    machine = session.client("stepfunctions").create_state_machine(
        name=topology.load_state_machine(name),
        definition=json.dumps(render_asl(load_asl_values(ledger, queue_url, bus, options), LOAD_ASL_PATH)),
        roleArn=f"arn:aws:iam::{account}:role/{name}-load-state-machine",
        type="STANDARD",
    )["stateMachineArn"]
    landed_queue = rule_to_queue(
        sqs, events, f"{name}-object-created", topology.DEFAULT_BUS, object_created_pattern(landing)
    )
    requests_queue = rule_to_queue(
        sqs,
        events,
        f"{name}-snapshot-requests",
        bus,
        {"source": list(REQUEST_SOURCES), "detail-type": list(REQUEST_DETAIL_TYPES)},
    )
    return DataPlatform(
        landing,
        ledger,
        machine,
        f"s3://{catalog_bucket}/{DATASETS_KEY}",
        landed_queue,
        requests_queue,
        streams,
    )


def _create_event_streams(
    session: boto3.session.Session, name: str, account: str, landing: str, catalog: DatasetCatalog
) -> dict[str, str]:
    """One Firehose stream per event dataset, into its events prefix (Terraform's ``ingestion``)."""
    firehose = session.client("firehose")
    streams = {}
    for dataset in catalog.datasets.values():
        if dataset.events_format is None:
            continue
        stream = topology.events_stream(name, dataset.name)
        firehose.create_delivery_stream(
            DeliveryStreamName=stream,
            DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": f"arn:aws:iam::{account}:role/{name}-firehose",
                "BucketARN": f"arn:aws:s3:::{landing}",
                "Prefix": dataset.events_prefix,
                "ErrorOutputPrefix": f"{topology.FIREHOSE_ERRORS_PREFIX}{dataset.name}/",
                "BufferingHints": {"IntervalInSeconds": 60, "SizeInMBs": 64},
                "FileExtension": f".{dataset.events_format}",
            },
        )
        streams[dataset.name] = stream
    return streams


def snapshots_for(table: str, data_version: str) -> list[dict[str, Any]]:
    """The snapshot metadata items rendered for one data version (a load id), deserialised."""
    from lambdas.dynamo_types import deserialize

    found = boto3.client("dynamodb").scan(
        TableName=table,
        FilterExpression="data_version = :v",
        ExpressionAttributeValues={":v": {"S": data_version}},
    )["Items"]
    return [deserialize(item) for item in found]


def remove_event_streams(data: DataPlatform) -> None:
    """Delete the platform's Firehose streams: a region allows 50 (tests make more platforms)."""
    firehose = boto3.client("firehose")
    for stream in data.event_streams.values():
        firehose.delete_delivery_stream(DeliveryStreamName=stream)


def land(data: DataPlatform, key: str, body: bytes) -> LandedObject:
    """Put a file in the landing bucket, as a producer would: the load it starts."""
    put = boto3.client("s3").put_object(Bucket=data.landing_bucket, Key=key, Body=body)
    return LandedObject(data.landing_bucket, key, put["ETag"].strip('"'), "", len(body))


def ledger_item(data: DataPlatform, load_id: str) -> dict[str, str]:
    """A load's ledger item, each attribute as its text ({} before the load registers)."""
    found = boto3.client("dynamodb").get_item(TableName=data.ledger_table, Key={"load_id": {"S": load_id}})
    return {k: str(next(iter(v.values()))) for k, v in found.get("Item", {}).items()}


def load_settled(data: DataPlatform, load_id: str) -> dict[str, str] | None:
    """The ledger item once the load is LOADED or FAILED, else None."""
    item = ledger_item(data, load_id)
    return item if item.get("status") in ("LOADED", "FAILED") else None


def load_executions(data: DataPlatform) -> list[str]:
    """The names of the load state machine's executions (a load id, or ``<load id>-<attempt>``)."""
    listed = boto3.client("stepfunctions").list_executions(stateMachineArn=data.load_state_machine_arn)
    return [e["name"] for e in listed["executions"]]
