"""The floor the agent is compared with: a bare aiobotocore loop making only the calls a job needs.

Receive 10, then per message one S3 put, one DynamoDB update and one SendTaskSuccess, then one
DeleteMessageBatch; ``--loops`` such loops run at once. No fence logic, metrics or checks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from typing import Any

import aioboto3
import uvloop

from agent.aws import client_config


async def job(s3: Any, ddb: Any, sfn: Any, message: dict[str, Any]) -> None:
    body = json.loads(message["Body"])
    await s3.put_object(Bucket=body["bucket"], Key=body["s3_key"], Body=b"ok\n")
    await ddb.update_item(
        TableName="bench",
        Key={"key": {"S": body["key"]}},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "RENDERING"}},
    )
    await sfn.send_task_success(taskToken=body["task_token"], output='{"ok": true}')


async def loop(queue_url: str, s3: Any, ddb: Any, sfn: Any, sqs: Any) -> None:
    while True:
        got = await sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=20)
        messages = got.get("Messages", [])
        if not messages:
            continue
        await asyncio.gather(*(job(s3, ddb, sfn, m) for m in messages))
        await sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )


async def main(loops: int) -> None:
    queue_url = os.environ["SNAPSHOT_QUEUE_URL"]
    session = aioboto3.Session()
    config = client_config(loops * 10 + 16)  # the agent's own client settings: a like-for-like floor
    async with (
        session.client("s3", config=config) as s3,
        session.client("dynamodb", config=config) as ddb,
        session.client("stepfunctions", config=config) as sfn,
        session.client("sqs", config=config) as sqs,
    ):
        await asyncio.gather(*(loop(queue_url, s3, ddb, sfn, sqs) for _ in range(loops)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--loops", type=int, default=26)
    uvloop.run(main(parser.parse_args().loops))
