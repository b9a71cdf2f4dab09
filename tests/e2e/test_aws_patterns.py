"""The agent's AWS patterns through moto: SQS batches of ten that report the entries SQS refused,
and the conditional write that answers False (with the item as it was) instead of raising."""

from __future__ import annotations

from collections.abc import AsyncIterator

import boto3
import pytest

from agent.aws import AwsClients, conditional_write, open_clients, sqs_batch
from agent.inflight import InFlight
from agent.metrics import AgentMetrics
from contracts.topology import SNAPSHOTS_KEY
from sandbox.platform import Platform
from tests.support.platform_state import queue_depth


@pytest.fixture
def metrics() -> AgentMetrics:
    return AgentMetrics()


@pytest.fixture
async def aws(platform: Platform, metrics: AgentMetrics) -> AsyncIterator[AwsClients]:
    async with open_clients(metrics, 8) as clients:
        yield clients


def held_messages(platform: Platform, count: int) -> list[InFlight]:
    sqs = boto3.client("sqs")
    for n in range(count):
        sqs.send_message(QueueUrl=platform.queue_url, MessageBody=f"m{n}")
    held: list[InFlight] = []
    while len(held) < count:
        got = sqs.receive_message(QueueUrl=platform.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=300)
        held += [InFlight(m["MessageId"], m["ReceiptHandle"]) for m in got.get("Messages", [])]
    return held


async def test_a_batch_call_takes_any_number_of_messages_ten_at_a_time(
    platform: Platform, aws: AwsClients, metrics: AgentMetrics
) -> None:
    held = held_messages(platform, 23)
    failed = await sqs_batch(aws.sqs.delete_message_batch, platform.queue_url, held, lambda _: {}, "delete")
    assert failed == []
    assert queue_depth(platform.queue_url) == 0
    calls = metrics.registry.get_sample_value(
        "snapshot_agent_aws_calls_total",
        {"service": "sqs", "operation": "DeleteMessageBatch", "outcome": "ok"},
    )
    assert calls == 3


async def test_the_entries_sqs_refuses_come_back_and_the_rest_are_done(
    platform: Platform, aws: AwsClients
) -> None:
    held = held_messages(platform, 12)
    forged = InFlight("forged", "not-a-receipt-handle")
    failed = await sqs_batch(
        aws.sqs.change_message_visibility_batch,
        platform.queue_url,
        [*held[:5], forged, *held[5:]],
        lambda _: {"VisibilityTimeout": 0},
        "release",
    )
    assert failed == [forged]
    visible = boto3.client("sqs").get_queue_attributes(
        QueueUrl=platform.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert int(visible) == 12


async def test_a_batch_call_that_fails_outright_returns_its_messages(
    platform: Platform, aws: AwsClients
) -> None:
    held = held_messages(platform, 3)
    missing = platform.queue_url + "-missing"
    failed = await sqs_batch(aws.sqs.delete_message_batch, missing, held, lambda _: {}, "delete")
    assert failed == held
    assert queue_depth(platform.queue_url) == 3


async def test_a_conditional_write_answers_false_with_the_item_it_found(
    platform: Platform, aws: AwsClients
) -> None:
    request = {
        "TableName": platform.table,
        "Key": {SNAPSHOTS_KEY: {"S": "k1"}},
        "UpdateExpression": "SET generation = :g",
        "ConditionExpression": "attribute_not_exists(generation)",
        "ExpressionAttributeValues": {":g": {"N": "1"}},
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    assert await conditional_write(aws.dynamodb.update_item, **request) == (True, {})
    written, found = await conditional_write(aws.dynamodb.update_item, **request)
    assert not written
    assert found == {SNAPSHOTS_KEY: {"S": "k1"}, "generation": {"N": "1"}}


async def test_a_conditional_write_raises_any_other_error(platform: Platform, aws: AwsClients) -> None:
    with pytest.raises(Exception, match="ResourceNotFound"):
        await conditional_write(
            aws.dynamodb.put_item,
            TableName=platform.table + "-missing",
            Item={SNAPSHOTS_KEY: {"S": "k"}},
            ConditionExpression="attribute_not_exists(#k)",
            ExpressionAttributeNames={"#k": SNAPSHOTS_KEY},
        )
