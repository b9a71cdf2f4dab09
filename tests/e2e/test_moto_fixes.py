"""The sandbox's moto keeps DynamoDB's atomicity (``sandbox/moto_fixes.py`` fix 1): a read or a
write waits while another call holds the table, so nobody sees an update half applied."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from sandbox.moto_fixes import LOCK
from sandbox.moto_server import MotoSandbox


@pytest.fixture
def table(moto_server: MotoSandbox) -> str:
    name = f"atomic-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    boto3.client("dynamodb").put_item(TableName=name, Item={"k": {"S": "x"}, "status": {"S": "LOADING"}})
    return name


KEY = {"k": {"S": "x"}}
CALLS: dict[str, Callable[[Any, str], object]] = {
    "get_item": lambda ddb, t: ddb.get_item(TableName=t, Key=KEY),
    "query": lambda ddb, t: ddb.query(
        TableName=t, KeyConditionExpression="k = :k", ExpressionAttributeValues={":k": {"S": "x"}}
    ),
    "scan": lambda ddb, t: ddb.scan(TableName=t),
    "update_item": lambda ddb, t: ddb.update_item(
        TableName=t,
        Key=KEY,
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "FAILED"}},
    ),
}


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_a_call_waits_for_one_in_progress(table: str, call: str) -> None:
    ddb = boto3.client("dynamodb")
    done = threading.Event()

    def make_the_call() -> None:
        CALLS[call](ddb, table)
        done.set()

    caller = threading.Thread(target=make_the_call)
    with LOCK:  # as an update applying its SETs one by one holds it
        caller.start()
        assert not done.wait(0.5), f"{call} went through while another call held the table"
    assert done.wait(10), f"{call} never finished once the table was free"
    caller.join()
