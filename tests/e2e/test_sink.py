"""The S3 sink over moto: one PUT when small, multipart above the threshold, nothing left on abort."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from typing import Any

import aioboto3
import boto3
import pytest

from agent.sink import S3Sink
from sandbox.platform import Platform

MIB = 1024 * 1024


@pytest.fixture
async def s3(platform: Platform) -> AsyncIterator[Any]:
    async with aioboto3.Session().client("s3") as client:
        yield client


async def test_small_results_are_one_put(platform: Platform, s3: Any) -> None:
    sink = S3Sink(s3, platform.bucket, "small.csv", "text/csv", 5 * MIB, {"snapshot-id": "x"})
    await sink.write(b"a,b\r\n")
    await sink.write(b"1,2\r\n")
    result = await sink.finish()
    assert (result.size_bytes, result.sha256) == (10, hashlib.sha256(b"a,b\r\n1,2\r\n").hexdigest())
    head = boto3.client("s3").head_object(Bucket=platform.bucket, Key="small.csv")
    assert head["ContentType"] == "text/csv"
    assert head["Metadata"] == {"snapshot-id": "x"}


async def test_large_results_stream_as_multipart(platform: Platform, s3: Any) -> None:
    chunks = [os.urandom(MIB) for _ in range(12)]
    sink = S3Sink(s3, platform.bucket, "big.bin", "application/octet-stream", 5 * MIB, {})
    for chunk in chunks:
        await sink.write(chunk)
    result = await sink.finish()
    body = boto3.client("s3").get_object(Bucket=platform.bucket, Key="big.bin")
    data = body["Body"].read()
    assert len(data) == result.size_bytes == 12 * MIB
    assert hashlib.sha256(data).hexdigest() == result.sha256
    assert body["ETag"].strip('"').endswith("-3")  # 5 + 5 + 2 MiB parts


async def test_abort_leaves_no_object_and_no_upload(platform: Platform, s3: Any) -> None:
    sink = S3Sink(s3, platform.bucket, "aborted.bin", "application/octet-stream", 5 * MIB, {})
    await sink.write(os.urandom(6 * MIB))
    await sink.abort()
    client = boto3.client("s3")
    assert client.list_objects_v2(Bucket=platform.bucket, Prefix="aborted").get("KeyCount") == 0
    assert client.list_multipart_uploads(Bucket=platform.bucket).get("Uploads", []) == []
