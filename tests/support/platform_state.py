"""What a test platform holds: objects, queue depths, notifications, a message taken by hand."""

from __future__ import annotations

import json
from typing import Any

import boto3

from sandbox.platform import Platform


def s3_keys(platform: Platform, prefix: str = "snapshots/") -> list[str]:
    listed = boto3.client("s3").list_object_versions(Bucket=platform.bucket, Prefix=prefix)
    return [v["Key"] for v in listed.get("Versions", [])]


def notifications(platform: Platform) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    found: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(
            QueueUrl=platform.events_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        )
        if not got.get("Messages"):
            return found
        for m in got["Messages"]:
            found.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=platform.events_queue_url, ReceiptHandle=m["ReceiptHandle"])


def queue_depth(url: str) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


async def receive_one(url: str) -> dict[str, str] | None:
    """One message taken off a queue by the test itself, hidden from agents for 30 s."""
    got = boto3.client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1, VisibilityTimeout=30
    )
    messages = got.get("Messages")
    return {"Body": messages[0]["Body"], "ReceiptHandle": messages[0]["ReceiptHandle"]} if messages else None
