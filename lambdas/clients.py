"""The boto3 clients the Lambdas make, once per container, when their function is first built.

Endpoints come from botocore's own ``AWS_ENDPOINT_URL`` when set, so the sandbox needs no code
path of its own here.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

RETRIES = Config(retries={"mode": "standard", "max_attempts": 3})


def dynamodb() -> Any:
    return boto3.client("dynamodb", config=RETRIES)


def stepfunctions() -> Any:
    return boto3.client("stepfunctions", config=RETRIES)


def s3() -> Any:
    """SigV4, so presigned URLs work in every region."""
    return boto3.client("s3", config=Config(signature_version="s3v4", retries={"mode": "standard"}))


def kms() -> Any:
    return boto3.client("kms", config=RETRIES)


def events() -> Any:
    return boto3.client("events", config=RETRIES)
