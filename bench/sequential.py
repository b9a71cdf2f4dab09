"""A plain sequential boto3 worker: one message at a time, the same calls as an agent job."""

from __future__ import annotations

import json
import os
import time

import boto3


def main() -> None:
    queue_url = os.environ["SNAPSHOT_QUEUE_URL"]
    sqs, s3 = boto3.client("sqs"), boto3.client("s3")
    ddb, sfn = boto3.client("dynamodb"), boto3.client("stepfunctions")
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=20)
        for message in got.get("Messages", []):
            body = json.loads(message["Body"])
            ddb.update_item(
                TableName="bench",
                Key={"key": {"S": body["key"]}},
                UpdateExpression="SET #s = :s",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":s": {"S": "RENDERING"}},
            )
            time.sleep(float(body["params"]["seconds"]))
            s3.put_object(Bucket=body["bucket"], Key=body["s3_key"], Body=b"ok\n")
            sfn.send_task_success(taskToken=body["task_token"], output='{"ok": true}')
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


if __name__ == "__main__":
    main()
