"""Terraform's modules declare the names that contracts/topology.py gives the sandbox, the Lambdas
and the agent: read both and hold them equal, so a rename in one fails here, not in production."""

from __future__ import annotations

import re
from typing import Any

from contracts import topology
from tests.terraform.hcl_model import TERRAFORM, Module, expressions, load_module, unquote

MODULES = TERRAFORM / "modules"
NAME = "${var.name}"


def module(name: str) -> Module:
    return load_module(MODULES / name)


def resource(module_name: str, kind: str, name: str) -> dict[str, Any]:
    return module(module_name).resources[(kind, name)]


def block(body: dict[str, Any], name: str) -> dict[str, Any]:
    (only,) = body[name]
    return {k: unquote(v) for k, v in only.items()}


def test_resource_names_follow_the_topology() -> None:
    account = "${data.aws_caller_identity.current.account_id}"

    def name(module_name: str, kind: str, resource_name: str) -> str:
        return str(unquote(resource(module_name, kind, resource_name)["name"]))

    declared = {
        unquote(module("storage").locals["bucket"]): topology.bucket_name(NAME, account),
        name("metadata", "aws_dynamodb_table", "snapshots"): topology.snapshots_table(NAME),
        name("metadata", "aws_dynamodb_table", "leases"): topology.lease_table(NAME),
        name("queue", "aws_sqs_queue", "jobs"): topology.jobs_queue(NAME),
        name("queue", "aws_sqs_queue", "dlq"): topology.dead_letter_queue(NAME),
        name("orchestration", "aws_cloudwatch_event_bus", "this"): topology.event_bus(NAME),
        unquote(module("orchestration").calls["machine"]["name"]): topology.state_machine(NAME),
        unquote(module("etl").locals["landing"]): topology.landing_bucket(NAME, account),
        name("etl", "aws_dynamodb_table", "ledger"): topology.loads_table(NAME),
        unquote(module("etl").calls["machine"]["name"]): topology.load_state_machine(NAME),
        name("ingestion", "aws_kinesis_firehose_delivery_stream", "events"): topology.events_stream(
            NAME, "${each.key}"
        ),
    }
    assert [terraform for terraform, ours in declared.items() if terraform != ours] == []


def test_the_snapshots_table_has_the_topologys_keys_index_and_ttl() -> None:
    table = resource("metadata", "aws_dynamodb_table", "snapshots")
    assert unquote(table["hash_key"]) == topology.SNAPSHOTS_KEY
    indexes = {
        unquote(i["name"]): {
            k: [unquote(e) for e in v] if isinstance(v, list) else unquote(v) for k, v in i.items()
        }
        for i in table["global_secondary_index"]
    }
    assert indexes == {
        topology.BY_REPORT_INDEX: {
            "name": topology.BY_REPORT_INDEX,
            "hash_key": topology.BY_REPORT_HASH_KEY,
            "range_key": topology.BY_REPORT_RANGE_KEY,
            "projection_type": "ALL",
            "__is_block__": True,
        },
        topology.IN_PROGRESS_INDEX: {
            "name": topology.IN_PROGRESS_INDEX,
            "hash_key": topology.IN_PROGRESS_HASH_KEY,
            "range_key": topology.IN_PROGRESS_RANGE_KEY,
            "projection_type": "INCLUDE",
            "non_key_attributes": list(topology.IN_PROGRESS_ATTRIBUTES),
            "__is_block__": True,
        },
    }
    assert {unquote(a["name"]) for a in table["attribute"]} == {
        topology.SNAPSHOTS_KEY,
        topology.BY_REPORT_HASH_KEY,
        topology.BY_REPORT_RANGE_KEY,
        topology.IN_PROGRESS_HASH_KEY,
    }
    assert block(table, "ttl")["attribute_name"] == topology.TTL_ATTRIBUTE


def test_every_index_arn_in_terraform_names_the_topologys_index() -> None:
    named = {
        match
        for path in MODULES.iterdir()
        for value in load_module(path).everything()
        for text in expressions(value)
        for match in re.findall(r"/index/([\w*-]+)", text)
    }
    assert named == {topology.BY_REPORT_INDEX, topology.IN_PROGRESS_INDEX, topology.LOADS_BY_DATASET_INDEX}


def test_the_lease_table_is_keyed_by_the_topologys_key() -> None:
    leases = resource("metadata", "aws_dynamodb_table", "leases")
    assert unquote(leases["hash_key"]) == topology.LEASE_KEY
    assert [unquote(a["name"]) for a in leases["attribute"]] == [topology.LEASE_KEY]


def test_the_entitlements_table_is_keyed_and_named_by_the_topology() -> None:
    entitlements = resource("metadata", "aws_dynamodb_table", "entitlements")
    assert unquote(entitlements["hash_key"]) == topology.ENTITLEMENTS_KEY
    assert [unquote(a["name"]) for a in entitlements["attribute"]] == [topology.ENTITLEMENTS_KEY]
    assert unquote(entitlements["name"]) == topology.entitlements_table("${var.name}")


def test_the_queues_settings_are_the_topologys() -> None:
    jobs = resource("queue", "aws_sqs_queue", "jobs")
    dlq = resource("queue", "aws_sqs_queue", "dlq")
    assert jobs["visibility_timeout_seconds"] == (
        f"${{var.render_timeout_seconds + {topology.VISIBILITY_MARGIN_SECONDS}}}"
    )
    assert jobs["receive_wait_time_seconds"] == topology.RECEIVE_WAIT_SECONDS
    assert jobs["message_retention_seconds"] == topology.JOBS_RETENTION_SECONDS
    assert jobs["max_message_size"] == dlq["max_message_size"] == topology.MAX_MESSAGE_BYTES
    assert dlq["message_retention_seconds"] == "${var.dlq_retention_seconds}"
    assert module("queue").variables["dlq_retention_seconds"]["default"] == topology.DLQ_RETENTION_SECONDS
    assert "deadLetterTargetArn = aws_sqs_queue.dlq.arn" in jobs["redrive_policy"]


def test_the_catalog_object_and_the_event_source_are_the_topologys() -> None:
    assert unquote(module("storage").locals["catalog_key"]) == topology.CATALOG_KEY
    for name in ("orchestration", "api"):
        assert unquote(module(name).locals["event_source"]) == topology.EVENT_SOURCE, name


def test_the_request_rule_matches_the_topologys_detail_types_and_sources() -> None:
    pattern = module("api").calls["requests"]["event_pattern"]
    listed = re.search(r'"detail-type"\s*=\s*\[([^\]]*)\]', pattern)
    assert listed is not None
    assert tuple(re.findall(r'"([^"]+)"', listed.group(1))) == topology.REQUEST_DETAIL_TYPES
    sources = re.search(
        r'"source"\s*=\s*concat\(\["\$\{local.event_source\}(\.\w+)"\], var.request_sources\)', pattern
    )
    assert sources is not None and topology.EVENT_SOURCE + sources.group(1) == topology.SCHEDULER_EVENT_SOURCE
    assert unquote(module("etl").locals["loads_event_source"]) == topology.LOADS_EVENT_SOURCE


def test_the_data_half_uses_the_topologys_keys_prefixes_and_source() -> None:
    ledger = resource("etl", "aws_dynamodb_table", "ledger")
    assert unquote(ledger["hash_key"]) == topology.LOADS_KEY
    index = block(ledger, "global_secondary_index")
    assert (index["name"], index["hash_key"], index["range_key"], index["projection_type"]) == (
        topology.LOADS_BY_DATASET_INDEX,
        topology.LOADS_BY_DATASET_HASH_KEY,
        topology.LOADS_BY_DATASET_RANGE_KEY,
        "INCLUDE",
    )
    assert tuple(unquote(a) for a in index["non_key_attributes"]) == topology.LOADS_BY_DATASET_ATTRIBUTES
    assert {unquote(a["name"]) for a in ledger["attribute"]} == {
        topology.LOADS_KEY,
        topology.LOADS_BY_DATASET_HASH_KEY,
        topology.LOADS_BY_DATASET_RANGE_KEY,
    }
    etl = module("etl")
    assert unquote(etl.locals["datasets_key"]) == topology.DATASETS_KEY
    assert unquote(etl.locals["loads_event_source"]) == topology.LOADS_EVENT_SOURCE
    stream = resource("ingestion", "aws_kinesis_firehose_delivery_stream", "events")
    (s3,) = stream["extended_s3_configuration"]
    assert unquote(s3["error_output_prefix"]).startswith(topology.FIREHOSE_ERRORS_PREFIX)
